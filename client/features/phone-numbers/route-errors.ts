import type { ApiErrorInfo } from '../../lib/api-error.ts';
import { friendlyMessage } from '../../lib/friendly-message.ts';
import { didMessageForPeople } from './phone-format.ts';

/** The route form's fields, and `form` for what belongs to none of them. */
export type RouteField = 'did' | 'agentId' | 'label' | 'form';
export type RouteFieldErrors = Partial<Record<RouteField, string[]>>;

const FIELD_PREFIX = /^(did|agentId|label)\b/;

function add(errors: RouteFieldErrors, field: RouteField, message: string): void {
  const list = (errors[field] ??= []);
  if (!list.includes(message)) list.push(message);
}

function phrase(field: RouteField, message: string): string {
  if (field === 'did') return didMessageForPeople(message);
  if (field === 'agentId' || field === 'label') {
    const rest = message.replace(/^(agentId|label)(?::\s*|\s+(?=must))/, '');
    return friendlyMessage(rest.charAt(0).toUpperCase() + rest.slice(1));
  }
  return message;
}

/**
 * Files a failed create/update under the form's fields. The server names the input key at the
 * start of each problem (`did must …`, `did: +1… already routes to …` for a CONFLICT,
 * `agentId: agent … was not found` for a deleted agent; problems joined with "; ").
 */
export function routeErrorsToFields(error: ApiErrorInfo): RouteFieldErrors {
  const errors: RouteFieldErrors = {};
  if (
    error.code !== 'BAD_REQUEST' &&
    error.code !== 'CONFLICT' &&
    error.code !== 'NOT_FOUND' &&
    error.code !== 'PAYLOAD_TOO_LARGE'
  ) {
    return errors;
  }
  const unplaced: string[] = [];
  for (const part of error.message.split(/; (?=(?:did|agentId|label)\b)/)) {
    const field = FIELD_PREFIX.exec(part)?.[1] as RouteField | undefined;
    if (field) add(errors, field, phrase(field, part));
    else unplaced.push(part);
  }
  if (unplaced.length > 0) {
    // zod's fieldErrors name top-level keys: one key means the message is about that field.
    const keys = Object.keys(error.fieldErrors).filter(
      (key): key is RouteField => key === 'did' || key === 'agentId' || key === 'label',
    );
    const target: RouteField = keys.length === 1 && keys[0] ? keys[0] : 'form';
    for (const message of unplaced) add(errors, target, phrase(target, message));
  }
  return errors;
}

/** The agent a CONFLICT says already has the number (`… already routes to agent <id> …`). */
export function conflictingAgentId(message: string): string | null {
  return /already routes to agent ([0-9a-f]{24})/i.exec(message)?.[1]?.toLowerCase() ?? null;
}
