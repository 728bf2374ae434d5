import { isPlainObject, type JsonObject } from '../../lib/json.ts';

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
  instructions: string;
  greeting: string;
  llmProvider: string;
  llmModel: string;
  llmTemperature: string;
  sttProvider: string;
  sttModel: string;
  sttLanguage: string;
  ttsProvider: string;
  ttsModel: string;
  ttsVoice: string;
  ttsSpeed: string;
  tools: ToolDraft[];
  kbEnabled: boolean;
  /** One document id per line. */
  kbDocumentIds: string;
  kbTopK: string;
}

/** Where a form value lives in the config. */
interface ScalarField {
  key: Exclude<keyof ConfigFormValues, 'tools' | 'kbEnabled'>;
  path: readonly [string] | readonly [string, string];
  kind: 'text' | 'number' | 'integer' | 'lines';
}

const SCALAR_FIELDS: readonly ScalarField[] = [
  { key: 'instructions', path: ['instructions'], kind: 'text' },
  { key: 'greeting', path: ['greeting'], kind: 'text' },
  { key: 'llmProvider', path: ['llm', 'provider'], kind: 'text' },
  { key: 'llmModel', path: ['llm', 'model'], kind: 'text' },
  { key: 'llmTemperature', path: ['llm', 'temperature'], kind: 'number' },
  { key: 'sttProvider', path: ['stt', 'provider'], kind: 'text' },
  { key: 'sttModel', path: ['stt', 'model'], kind: 'text' },
  { key: 'sttLanguage', path: ['stt', 'language'], kind: 'text' },
  { key: 'ttsProvider', path: ['tts', 'provider'], kind: 'text' },
  { key: 'ttsModel', path: ['tts', 'model'], kind: 'text' },
  { key: 'ttsVoice', path: ['tts', 'voice'], kind: 'text' },
  { key: 'ttsSpeed', path: ['tts', 'speed'], kind: 'number' },
  { key: 'kbDocumentIds', path: ['knowledgeBase', 'documentIds'], kind: 'lines' },
  { key: 'kbTopK', path: ['knowledgeBase', 'topK'], kind: 'integer' },
];

/** Form field ids, also the keys errors are filed under (see error-paths.ts). */
export const FIELD_OF_VALUE: Record<ScalarField['key'] | 'kbEnabled', string> = {
  instructions: 'instructions',
  greeting: 'greeting',
  llmProvider: 'llm.provider',
  llmModel: 'llm.model',
  llmTemperature: 'llm.temperature',
  sttProvider: 'stt.provider',
  sttModel: 'stt.model',
  sttLanguage: 'stt.language',
  ttsProvider: 'tts.provider',
  ttsModel: 'tts.model',
  ttsVoice: 'tts.voice',
  ttsSpeed: 'tts.speed',
  kbEnabled: 'knowledgeBase.enabled',
  kbDocumentIds: 'knowledgeBase.documentIds',
  kbTopK: 'knowledgeBase.topK',
};

function readPath(config: JsonObject, path: readonly string[]): unknown {
  let current: unknown = config;
  for (const key of path) {
    if (!isPlainObject(current) || !Object.hasOwn(current, key)) return undefined;
    current = current[key];
  }
  return current;
}

function toText(value: unknown, kind: ScalarField['kind']): string {
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
  const values = {} as ConfigFormValues;
  for (const field of SCALAR_FIELDS) {
    values[field.key] = toText(readPath(config, field.path), field.kind);
  }
  const tools = config.tools;
  values.tools = Array.isArray(tools) ? tools.map(toolToDraft) : [];
  values.kbEnabled = readPath(config, ['knowledgeBase', 'enabled']) === true;
  return values;
}

/** A problem found while turning form text into config values (a number that is not one, …). */
export interface FormIssue {
  field: string;
  message: string;
}

export interface FormToConfigResult {
  config: JsonObject;
  issues: FormIssue[];
}

function parseScalar(field: ScalarField, text: string, issues: FormIssue[]): unknown {
  switch (field.kind) {
    case 'text':
      return text;
    case 'lines':
      return text
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line !== '');
    case 'number':
    case 'integer': {
      const value = Number(text.trim());
      if (text.trim() === '' || !Number.isFinite(value)) {
        issues.push({ field: FIELD_OF_VALUE[field.key], message: 'Enter a number' });
        return text;
      }
      if (field.kind === 'integer' && !Number.isInteger(value)) {
        issues.push({ field: FIELD_OF_VALUE[field.key], message: 'Enter a whole number' });
      }
      return value;
    }
  }
}

function isEmptyText(text: string, kind: ScalarField['kind']): boolean {
  return kind === 'text' ? text === '' : text.trim() === '';
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

  for (const field of SCALAR_FIELDS) {
    const text = values[field.key];
    if (text === before[field.key]) continue;
    writePath(
      config,
      field.path,
      isEmptyText(text, field.kind) ? undefined : parseScalar(field, text, issues),
    );
  }

  if (values.kbEnabled !== before.kbEnabled) {
    writePath(config, ['knowledgeBase', 'enabled'], values.kbEnabled);
  }

  if (comparableTools(values.tools) !== comparableTools(before.tools)) {
    const tools = values.tools.map((draft, index) => draftToTool(draft, index, issues));
    if (tools.length === 0) delete config.tools;
    else config.tools = tools;
  }

  return { config, issues };
}
