import { agentConfigOverridesSchema } from '../../../shared/session.schema.ts';
import { formatPath } from '../../../shared/json-guard.ts';
import { friendlyMessage } from '../../lib/friendly-message.ts';

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

export type OverridesResult =
  | { ok: true; overrides: Record<string, unknown> | undefined }
  | { ok: false; field: keyof OverrideFields; message: string };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
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
  const path = issue ? formatPath(issue.path.filter((s) => typeof s !== 'symbol')) : '';
  const field: keyof OverrideFields =
    path === 'greeting'
      ? 'greeting'
      : path === 'tts.voice'
        ? 'voice'
        : path === 'llm.temperature'
          ? 'temperature'
          : path === 'stt.language'
            ? 'language'
            : 'json';
  const message = friendlyMessage(issue?.message ?? 'Invalid overrides');
  return {
    ok: false,
    field,
    message:
      field === 'json' && path && !message.startsWith('agentConfig')
        ? `${path}: ${message}`
        : message,
  };
}
