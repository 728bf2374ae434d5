/**
 * An issue's path (`['tools', '2', 'name']`, array indexes as decimal strings on the wire) as
 * people read it: `tools[2].name`.
 */
export function showPath(path: readonly string[]): string {
  let out = '';
  for (const segment of path) {
    if (/^\d+$/.test(segment)) out += `[${segment}]`;
    else out += out === '' ? segment : `.${segment}`;
  }
  return out;
}
