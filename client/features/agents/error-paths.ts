import type { z } from 'zod';
import { agentConfigSchema, agentCreateInputSchema } from '../../../shared/agent.schema.ts';
import { formatPath, type JsonPath } from '../../../shared/json-guard.ts';
import type { ApiErrorInfo } from '../../lib/api-error.ts';
import type { FormIssue } from './config-form.ts';
import { friendlyMessage } from '../../lib/friendly-message.ts';

/**
 * Errors are filed under form field ids: `name`, `description`, `llm.temperature`,
 * `tools.2.name`, … and `config` for whatever no form field shows (unknown keys, the size limit,
 * the config as a whole). `form` holds what belongs to no field at all.
 */
export type FieldErrors = Record<string, string[]>;

const SECTION_FIELDS: Record<string, readonly string[]> = {
  llm: ['provider', 'model', 'temperature'],
  stt: ['provider', 'model', 'language'],
  tts: ['provider', 'model', 'voice', 'speed'],
  knowledgeBase: ['enabled', 'documentIds', 'topK'],
};
const TOOL_FIELDS = ['name', 'description', 'parameters'];

/** The form field that shows a problem at `path` inside the config. */
export function fieldForConfigPath(path: readonly (string | number)[]): string {
  const [first, second, third] = path;
  if (first === 'instructions' || first === 'greeting') return first;
  if (typeof first === 'string' && typeof second === 'string') {
    if (SECTION_FIELDS[first]?.includes(second)) return `${first}.${second}`;
  }
  if (first === 'tools') {
    if (typeof second !== 'number') return 'tools';
    if (typeof third === 'string' && TOOL_FIELDS.includes(third)) return `tools.${second}.${third}`;
    // A string tool, or the tool as a whole (a duplicate name): its name field.
    return third === undefined ? `tools.${second}.name` : 'config';
  }
  return 'config';
}

/** The field for a path of the whole input (`['config', 'llm', 'model']`, `['name']`). */
export function fieldForInputPath(path: readonly (string | number)[]): string {
  const [first, ...rest] = path;
  if (first === 'name' || first === 'description') return first;
  if (first === 'config') return fieldForConfigPath(rest);
  return 'form';
}

/** `config.tools[2].name` → `['config', 'tools', 2, 'name']`; null if it is not a path. */
export function parsePath(text: string): JsonPath | null {
  const segments: JsonPath = [];
  const pattern = /([^.[\]\s]+)|\[(\d+)\]/g;
  let consumed = 0;
  for (const match of text.matchAll(pattern)) {
    const gap = text.slice(consumed, match.index);
    if (gap !== '' && gap !== '.') return null;
    if (gap === '.' && segments.length === 0) return null;
    segments.push(match[2] !== undefined ? Number(match[2]) : (match[1] ?? ''));
    consumed = match.index + match[0].length;
  }
  return consumed === text.length && segments.length > 0 ? segments : null;
}

function add(errors: FieldErrors, field: string, raw: string): void {
  // `llm.foo: Too big: …` keeps its path and rephrases the rest.
  const separator = field === 'config' ? raw.indexOf(': ') : -1;
  const message =
    separator > 0
      ? `${raw.slice(0, separator)}: ${friendlyMessage(raw.slice(separator + 2))}`
      : friendlyMessage(raw);
  const list = (errors[field] ??= []);
  if (!list.includes(message)) list.push(message);
}

/**
 * Files a server error under form fields. The message names each problem's path
 * (`config.llm.temperature: Too big: expected number to be <=2; name must not be empty`);
 * `zodError.fieldErrors` (top-level keys only) is the fallback when a part names no path.
 */
export function serverErrorsToFields(error: ApiErrorInfo): FieldErrors {
  const errors: FieldErrors = {};
  const unplaced: string[] = [];
  // Issues are joined with "; ", which a message may contain too: split only before a field's name.
  for (const part of error.message.split(/; (?=(?:config|name|description|agentId)\b)/)) {
    const separator = part.indexOf(': ');
    const path = separator > 0 ? parsePath(part.slice(0, separator)) : null;
    if (path && (path[0] === 'config' || path[0] === 'name' || path[0] === 'description')) {
      const field = fieldForInputPath(path);
      const message = part.slice(separator + 2);
      // `config` problems have no field of their own: keep the path so the reader can find it.
      add(
        errors,
        field,
        field === 'config' ? `${formatPath(path.slice(1)) || 'config'}: ${message}` : message,
      );
      continue;
    }
    const leading = /^(name|description|config)\b/.exec(part)?.[1];
    if (leading) add(errors, leading, part);
    else unplaced.push(part);
  }
  if (unplaced.length > 0) {
    const keys = Object.keys(error.fieldErrors).filter((key) => key !== 'agentId');
    const target =
      keys.length === 1 && keys[0] !== undefined ? fieldForInputPath([keys[0]]) : 'form';
    for (const message of unplaced) add(errors, target, message);
  }
  return errors;
}

function issuesToFields(issues: readonly z.core.$ZodIssue[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const path = issue.path.filter((s): s is string | number => typeof s !== 'symbol');
    const field = fieldForInputPath(path);
    const message =
      field === 'config' && path.length > 1 && !issue.message.startsWith('config')
        ? `${formatPath(path.slice(1))}: ${issue.message}`
        : issue.message;
    add(errors, field, message);
  }
  return errors;
}

/**
 * Checks a draft with the same shared schema the server uses, so most problems show before a
 * save; form issues (a number that is not one) come first for their field.
 */
export function validateDraft(
  draft: { name: string; description: string; config: Record<string, unknown> },
  formIssues: readonly FormIssue[] = [],
): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of formIssues) add(errors, issue.field, issue.message);
  const result = agentCreateInputSchema.safeParse(draft);
  if (!result.success) {
    for (const [field, messages] of Object.entries(issuesToFields(result.error.issues))) {
      // The form's own message ("Enter a number") says it better than the schema's type error.
      if (errors[field]) continue;
      for (const message of messages) add(errors, field, message);
    }
  }
  return errors;
}

/** Validates raw JSON text as a whole config: the first problem, with its path. */
export function validateConfigJson(
  text: string,
): { ok: true; config: Record<string, unknown> } | { ok: false; path: string; message: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { ok: false, path: '', message: `Not valid JSON: ${(error as Error).message}` };
  }
  const result = agentConfigSchema.safeParse(parsed);
  if (result.success) {
    // The parsed text, not the schema's output: unknown keys and exact values stay as typed.
    return { ok: true, config: parsed as Record<string, unknown> };
  }
  const issue = result.error.issues[0];
  const path = issue ? formatPath(issue.path.filter((s) => typeof s !== 'symbol')) : '';
  return { ok: false, path, message: friendlyMessage(issue?.message ?? 'Invalid config') };
}

export function hasErrors(errors: FieldErrors): boolean {
  return Object.values(errors).some((list) => list.length > 0);
}
