import { isPlainObject, type JsonObject } from '../../lib/json.ts';
import {
  CONFIG_FIELDS,
  type ConfigField,
  type ConfigFieldId,
  type ErrorTarget,
  type FieldKind,
} from './config-field-table.ts';

/**
 * The form edits the config's known fields as strings (what inputs hold); everything else in the
 * config — unknown keys at any level, extra keys of a tool — stays in the `base` object, so a
 * form round-trip never loses what a newer worker already reads.
 */

export interface ToolDraft {
  /** React key only; never saved. */
  key: string;
  name: string;
  description: string;
  /** JSON text of `parameters` (an object), empty for none. */
  parameters: string;
  /** Keys of a tool object other than name, description and parameters. */
  extra: JsonObject;
  /** A plain-string tool stays a string while it has only a name. */
  wasString: boolean;
}

export interface ConfigFormValues {
  /** Each field of the table as typed, by id (`'llm.temperature'`); a switch holds `'true'` or `''`. */
  fields: Record<ConfigFieldId, string>;
  tools: ToolDraft[];
}

function readPath(config: JsonObject, path: readonly string[]): unknown {
  let current: unknown = config;
  for (const key of path) {
    if (!isPlainObject(current) || !Object.hasOwn(current, key)) return undefined;
    current = current[key];
  }
  return current;
}

function toText(value: unknown, kind: FieldKind): string {
  if (kind === 'switch') return value === true ? 'true' : '';
  if (value === undefined || value === null) return '';
  if (kind === 'lines' && Array.isArray(value)) return value.map((item) => String(item)).join('\n');
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  // A value of an unexpected type is shown as JSON; the schema will name the problem.
  return JSON.stringify(value);
}

let toolKeySeed = 0;
const newToolKey = () => `tool-${++toolKeySeed}`;

export function emptyToolDraft(): ToolDraft {
  return {
    key: newToolKey(),
    name: '',
    description: '',
    parameters: '',
    extra: {},
    wasString: true,
  };
}

function toolToDraft(tool: unknown): ToolDraft {
  if (typeof tool === 'string') return { ...emptyToolDraft(), name: tool };
  if (!isPlainObject(tool)) {
    return { ...emptyToolDraft(), name: JSON.stringify(tool) ?? '', wasString: false };
  }
  const { name, description, parameters, ...extra } = tool;
  return {
    key: newToolKey(),
    name: typeof name === 'string' ? name : toText(name, 'text'),
    description: typeof description === 'string' ? description : toText(description, 'text'),
    parameters: parameters === undefined ? '' : JSON.stringify(parameters, null, 2),
    extra,
    wasString: false,
  };
}

export function configToForm(config: JsonObject): ConfigFormValues {
  const fields = {} as Record<ConfigFieldId, string>;
  for (const field of CONFIG_FIELDS) {
    fields[field.id] = toText(readPath(config, field.path), field.kind);
  }
  const tools = config.tools;
  return { fields, tools: Array.isArray(tools) ? tools.map(toolToDraft) : [] };
}

/** A problem found while turning form text into config values (a number that is not one, …). */
export interface FormIssue {
  field: ErrorTarget;
  message: string;
}

export interface FormToConfigResult {
  config: JsonObject;
  issues: FormIssue[];
}

function parseValue(field: ConfigField, text: string, issues: FormIssue[]): unknown {
  switch (field.kind) {
    case 'text':
    case 'multiline':
      return text;
    case 'switch':
      return text === 'true';
    case 'lines':
      return text
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line !== '');
    case 'number':
    case 'integer': {
      const value = Number(text.trim());
      if (text.trim() === '' || !Number.isFinite(value)) {
        issues.push({ field: field.id, message: 'Enter a number' });
        return text;
      }
      if (field.kind === 'integer' && !Number.isInteger(value)) {
        issues.push({ field: field.id, message: 'Enter a whole number' });
      }
      return value;
    }
  }
}

/** An emptied field removes its key; a switch always has a value once changed. */
function isEmptyText(text: string, kind: FieldKind): boolean {
  switch (kind) {
    case 'switch':
      return false;
    case 'text':
    case 'multiline':
      return text === '';
    default:
      return text.trim() === '';
  }
}

/** Sets (or, for `undefined`, deletes) a value at a one- or two-step path, creating the parent. */
function writePath(config: JsonObject, path: readonly string[], value: unknown): void {
  const [first, second] = path;
  if (first === undefined) return;
  if (second === undefined) {
    if (value === undefined) delete config[first];
    else config[first] = value;
    return;
  }
  const parent = config[first];
  if (!isPlainObject(parent)) {
    if (value === undefined) return;
    config[first] = { [second]: value };
    return;
  }
  const copy: JsonObject = { ...parent };
  if (value === undefined) delete copy[second];
  else copy[second] = value;
  // A section the form just emptied goes away with its last field.
  if (Object.keys(copy).length === 0 && Object.keys(parent).length > 0) delete config[first];
  else config[first] = copy;
}

function draftToTool(draft: ToolDraft, index: number, issues: FormIssue[]): unknown {
  const name = draft.name.trim();
  const description = draft.description.trim();
  let parameters: unknown;
  if (draft.parameters.trim() !== '') {
    try {
      parameters = JSON.parse(draft.parameters);
      if (!isPlainObject(parameters)) {
        issues.push({
          field: `tools.${index}.parameters`,
          message: 'Parameters must be a JSON object',
        });
      }
    } catch (error) {
      issues.push({
        field: `tools.${index}.parameters`,
        message: `Not valid JSON: ${(error as Error).message}`,
      });
      parameters = undefined;
    }
  }
  const hasExtra = Object.keys(draft.extra).length > 0;
  if (draft.wasString && !description && parameters === undefined && !hasExtra) return name;
  return {
    ...draft.extra,
    name,
    ...(description && { description }),
    ...(parameters !== undefined && { parameters }),
  };
}

const comparableTools = (tools: readonly ToolDraft[]) =>
  JSON.stringify(tools.map(({ key: _key, ...rest }) => rest));

/**
 * The config the form describes: `base` with every field the user changed applied. Fields the
 * user did not touch keep their stored value exactly (a `0.70` stays a number, an odd type stays
 * for the schema to report), and keys the form does not know are never touched.
 */
export function formToConfig(values: ConfigFormValues, base: JsonObject): FormToConfigResult {
  const before = configToForm(base);
  const config: JsonObject = structuredClone(base);
  const issues: FormIssue[] = [];

  for (const field of CONFIG_FIELDS) {
    const text = values.fields[field.id];
    if (text === before.fields[field.id]) continue;
    writePath(
      config,
      field.path,
      isEmptyText(text, field.kind) ? undefined : parseValue(field, text, issues),
    );
  }

  if (comparableTools(values.tools) !== comparableTools(before.tools)) {
    const tools = values.tools.map((draft, index) => draftToTool(draft, index, issues));
    if (tools.length === 0) delete config.tools;
    else config.tools = tools;
  }

  return { config, issues };
}
