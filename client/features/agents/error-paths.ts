import '../../lib/zod-messages.ts';
import type { z } from 'zod';
import { agentConfigSchema, agentCreateInputSchema } from '../../../shared/agent.schema.ts';
import type { ApiIssue } from '../../../shared/errors.ts';
import { pathSegment, toApiIssues } from '../../../shared/issues.ts';
import type { ApiErrorInfo } from '../../lib/api-error.ts';
import { showPath } from '../../lib/issue-path.ts';
import { targetOfInputPath, type ErrorTarget } from './config-field-table.ts';
import type { FormIssue } from './config-form.ts';

/**
 * Problems filed under the fields that show them (see `ErrorTarget` in config-field-table.ts):
 * `name`, `llm.temperature`, `tools.2.name`, … `config` for a part of the config no field shows,
 * `form` for the request as a whole.
 */
export type FieldErrors = Record<ErrorTarget, string[]>;

function add(errors: FieldErrors, target: ErrorTarget, message: string): void {
  const list = (errors[target] ??= []);
  if (!list.includes(message)) list.push(message);
}

/**
 * Files problems by their path in the request (`['config', 'llm', 'temperature']`). One that no
 * form field shows goes under `config` with its path in front, so it can be found in the JSON —
 * unless it is in `namedInMessage` (a message our own schema wrote with the path in it).
 */
export function issuesToFields(
  issues: readonly ApiIssue[],
  namedInMessage: ReadonlySet<ApiIssue> = new Set(),
): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const target = targetOfInputPath(issue.path);
    const inside = issue.path.slice(1);
    add(
      errors,
      target,
      target === 'config' && inside.length > 0 && !namedInMessage.has(issue)
        ? `${showPath(inside)}: ${issue.message}`
        : issue.message,
    );
  }
  return errors;
}

/**
 * zod's issues as the wire's, and which of them carry a message our schemas wrote (code
 * `custom`: the JSON guard's messages name their path already, zod's own never do).
 */
function localIssues(zodIssues: readonly z.core.$ZodIssue[]): {
  issues: ApiIssue[];
  namedInMessage: ReadonlySet<ApiIssue>;
} {
  const issues = toApiIssues(zodIssues);
  const namedInMessage = new Set(issues.filter((_, index) => zodIssues[index]?.code === 'custom'));
  return { issues, namedInMessage };
}

/**
 * What the server refused, as issues: its own (each at its path), or, for an error that is about
 * the request as a whole, one issue at the empty path.
 */
export function serverIssuesOf(error: ApiErrorInfo): ApiIssue[] {
  return error.issues.length > 0 ? error.issues : [{ path: [], message: error.message }];
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
    const { issues, namedInMessage } = localIssues(result.error.issues);
    for (const [target, messages] of Object.entries(issuesToFields(issues, namedInMessage))) {
      // The form's own message ("Enter a number") says it better than the schema's type error.
      if (errors[target]) continue;
      for (const message of messages) add(errors, target, message);
    }
  }
  return errors;
}

export type JsonCheck =
  | { ok: true; config: Record<string, unknown> }
  /** `path` is empty when the message needs none (it is about the whole text, or names it). */
  | { ok: false; path: string; message: string };

/** Validates raw JSON text as a whole config: the first problem, with its path. */
export function validateConfigJson(text: string): JsonCheck {
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
  return {
    ok: false,
    path: issue && issue.code !== 'custom' ? showPath(issue.path.map(pathSegment)) : '',
    message: issue?.message ?? 'Invalid config',
  };
}

export function hasErrors(errors: FieldErrors): boolean {
  return Object.values(errors).some((list) => list.length > 0);
}
