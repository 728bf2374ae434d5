/**
 * Problems with a form's input, per field: from the shared schema in the browser (zod issues)
 * or from the server's answer (`issues[].path`), the path read after `prefix` (the form's place
 * in the input, e.g. `['newAccount']`). Problems elsewhere are filed under `form`.
 */
export function issuesByField(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
  prefix: readonly string[] = [],
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of issues) {
    const path = issue.path.map(String);
    const inside = prefix.every((segment, index) => path[index] === segment);
    const field = (inside ? path[prefix.length] : undefined) ?? 'form';
    const list = (out[field] ??= []);
    if (!list.includes(issue.message)) list.push(issue.message);
  }
  return out;
}
