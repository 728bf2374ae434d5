import type { z } from 'zod';
import type { ApiIssue } from './errors.ts';

/**
 * zod's default messages ("Too big: expected number to be <=2") said for people, from the issue's
 * structured fields. Install it with `z.config({ customError: friendlyIssueMessage })` (the server's
 * tRPC module and the client's entry do): a message a schema wrote itself still wins, since zod
 * prefers schema-level messages to the global map.
 */
export function friendlyIssueMessage(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'too_big':
    case 'too_small': {
      const big = issue.code === 'too_big';
      const bound = Number(big ? issue.maximum : issue.minimum);
      const inclusive = issue.inclusive !== false;
      if (issue.origin === 'string') {
        if (!big && bound === 1) return 'Must not be empty';
        return `${big ? 'At most' : 'At least'} ${bound} characters`;
      }
      if (issue.origin === 'array' || issue.origin === 'set') {
        if (!big && bound === 1) return 'Must not be empty';
        return `${big ? 'At most' : 'At least'} ${bound} items`;
      }
      if (big) return inclusive ? `Must be at most ${bound}` : `Must be less than ${bound}`;
      return inclusive ? `Must be at least ${bound}` : `Must be more than ${bound}`;
    }
    case 'invalid_type': {
      if (issue.input === undefined) return 'Required';
      const expected = TYPE_NAMES[issue.expected];
      return expected ? `Must be ${expected}` : undefined;
    }
    case 'invalid_value':
      return issue.values.length === 1
        ? `Must be ${JSON.stringify(issue.values[0])}`
        : `Must be one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
    case 'unrecognized_keys':
      return `Unknown ${issue.keys.length === 1 ? 'field' : 'fields'}: ${issue.keys.join(', ')}`;
    case 'not_multiple_of':
      return `Must be a multiple of ${String(issue.divisor)}`;
    default:
      return undefined;
  }
}

const TYPE_NAMES: Partial<Record<string, string>> = {
  number: 'a number',
  int: 'a whole number',
  string: 'text',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
  record: 'an object',
};

/** zod's issues as the wire's {@link ApiIssue}s, under `basePath` (where the parsed value sits). */
export function toApiIssues(
  issues: readonly z.core.$ZodIssue[],
  basePath: readonly PropertyKey[] = [],
): ApiIssue[] {
  return issues.map((issue) => ({
    path: [...basePath, ...issue.path].map(pathSegment),
    message: issue.message,
  }));
}

export function pathSegment(segment: PropertyKey): string {
  return typeof segment === 'symbol' ? (segment.description ?? '') : String(segment);
}
