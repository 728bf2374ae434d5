import '../../lib/zod-messages.ts';
import { agentConfigOverridesSchema } from '../../../shared/session.schema.ts';
import { pathSegment } from '../../../shared/issues.ts';
import type { ApiErrorInfo } from '../../lib/api-error.ts';
import { showPath } from '../../lib/issue-path.ts';

/** The quick override fields of the talk panel, as typed. */
export interface OverrideFields {
  greeting: string;
  voice: string;
  temperature: string;
  language: string;
  /** Any other overrides, as a JSON object (null clears a field). */
  json: string;
}

export const EMPTY_OVERRIDES: OverrideFields = {
  greeting: '',
  voice: '',
  temperature: '',
  language: '',
  json: '',
};

export interface OverrideProblem {
  field: keyof OverrideFields;
  message: string;
}

export type OverridesResult =
  { ok: true; overrides: Record<string, unknown> | undefined } | ({ ok: false } & OverrideProblem);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Where each quick field writes in the overrides. */
const QUICK_FIELDS = {
  greeting: ['greeting'],
  voice: ['tts', 'voice'],
  language: ['stt', 'language'],
  temperature: ['llm', 'temperature'],
} as const satisfies Partial<Record<keyof OverrideFields, readonly string[]>>;

/**
 * The field that shows a problem at `path` inside the overrides, and its message: a quick
 * field's own, or the JSON's with the path in front (unless the message names it already).
 */
function placeProblem(
  path: readonly string[],
  message: string,
  namedInMessage: boolean,
): OverrideProblem {
  for (const [field, at] of Object.entries(QUICK_FIELDS)) {
    if (at.length === path.length && at.every((key, index) => key === path[index])) {
      return { field: field as keyof OverrideFields, message };
    }
  }
  return {
    field: 'json',
    message: path.length > 0 && !namedInMessage ? `${showPath(path)}: ${message}` : message,
  };
}

/**
 * The `agentConfig` for `session.start`: the JSON overrides with the quick fields on top (a quick
 * field wins over the same key in the JSON), checked with the shared overrides schema. Empty
 * fields override nothing; undefined when nothing is overridden at all.
 */
export function buildOverrides(fields: OverrideFields): OverridesResult {
  let overrides: Record<string, unknown> = {};
  if (fields.json.trim() !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(fields.json);
    } catch (error) {
      return { ok: false, field: 'json', message: `Not valid JSON: ${(error as Error).message}` };
    }
    if (!isObject(parsed))
      return { ok: false, field: 'json', message: 'Overrides must be a JSON object' };
    overrides = parsed;
  }
  const section = (key: string, name: string, value: unknown) => {
    const current = overrides[key];
    overrides = { ...overrides, [key]: { ...(isObject(current) ? current : {}), [name]: value } };
  };
  if (fields.greeting.trim() !== '') overrides = { ...overrides, greeting: fields.greeting.trim() };
  if (fields.voice.trim() !== '') section('tts', 'voice', fields.voice.trim());
  if (fields.language.trim() !== '') section('stt', 'language', fields.language.trim());
  if (fields.temperature.trim() !== '') {
    const temperature = Number(fields.temperature.trim());
    if (!Number.isFinite(temperature))
      return { ok: false, field: 'temperature', message: 'Enter a number' };
    section('llm', 'temperature', temperature);
  }
  if (Object.keys(overrides).length === 0) return { ok: true, overrides: undefined };

  const result = agentConfigOverridesSchema.safeParse(overrides);
  if (result.success) return { ok: true, overrides };
  const issue = result.error.issues[0];
  if (!issue) return { ok: false, field: 'json', message: 'Invalid overrides' };
  // A `custom` issue's message is our schema's own, and the JSON guard's name their path.
  return {
    ok: false,
    ...placeProblem(issue.path.map(pathSegment), issue.message, issue.code === 'custom'),
  };
}

/** The first problem the server found in the overrides (`['agentConfig', …]`), placed likewise. */
export function serverOverrideProblem(error: ApiErrorInfo): OverrideProblem | null {
  const issue = error.issues.find((candidate) => candidate.path[0] === 'agentConfig');
  return issue ? placeProblem(issue.path.slice(1), issue.message, false) : null;
}
