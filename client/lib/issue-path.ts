import { formatPath } from '../../shared/json-guard.ts';

/**
 * An issue's path (`['tools', '2', 'name']`, array indexes as decimal strings on the wire) as
 * people read it: `tools[2].name`, written by the same `formatPath` the server's messages use.
 */
export function showPath(path: readonly string[]): string {
  return formatPath(path.map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment)));
}
