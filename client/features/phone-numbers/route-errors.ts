import type { ApiErrorInfo } from '../../lib/api-error.ts';
import { formatDid } from './phone-format.ts';

/** The route form's fields, and `form` for what belongs to none of them. */
export type RouteField = 'did' | 'agentId' | 'label' | 'form';
export type RouteFieldErrors = Partial<Record<RouteField, string[]>>;

const INPUT_FIELDS: ReadonlySet<string> = new Set(['did', 'agentId', 'label']);
/** Codes that are about what was sent: said in the form, not in a toast. */
const INPUT_CODES: ReadonlySet<string> = new Set(['BAD_REQUEST', 'PAYLOAD_TOO_LARGE', 'NOT_FOUND']);

function add(errors: RouteFieldErrors, field: RouteField, message: string): void {
  const list = (errors[field] ??= []);
  if (!list.includes(message)) list.push(message);
}

/**
 * Files a failed create/update under the form's fields: each issue by the first key of its path
 * (`['did']`, `['agentId']` for an agent that no longer exists), a number another route already
 * has under the number. An error that is not about the input gives no field errors: the caller
 * says it another way.
 */
export function routeErrorsToFields(error: ApiErrorInfo): RouteFieldErrors {
  const errors: RouteFieldErrors = {};
  const details = error.details;
  if (details?.reason === 'number-taken') {
    add(errors, 'did', takenMessage(details.did, null));
  }
  for (const issue of error.issues) {
    const [first] = issue.path;
    const field: RouteField =
      first !== undefined && INPUT_FIELDS.has(first) ? (first as RouteField) : 'form';
    // The number's conflict is said above, by whom it is taken.
    if (field === 'did' && details?.reason === 'number-taken') continue;
    add(errors, field, issue.message);
  }
  if (Object.keys(errors).length > 0) return errors;
  if (details?.reason === 'not-found' && details.resource === 'agent') {
    add(errors, 'agentId', error.message);
  } else if (error.code === 'CONFLICT') {
    // The one conflict a route's create or update can meet: its number has another route.
    add(errors, 'did', error.message);
  } else if (INPUT_CODES.has(error.code)) {
    add(errors, 'form', error.message);
  }
  return errors;
}

/** A taken number, by the name of the agent that answers it once that is known. */
export function takenMessage(did: string, agentName: string | null): string {
  return agentName === null
    ? `${formatDid(did)} already answers for another agent. Edit or delete that number first.`
    : `${formatDid(did)} already answers for “${agentName}”. Edit or delete that number first.`;
}
