import { MAX_KEY_ORIGINS, originSchema } from '../../../shared/workspace.schema.ts';

export interface OriginList {
  /** Valid origins, each once, in the order typed. */
  origins: string[];
  /** One message per line that is not an origin (1-based line numbers), and for too many. */
  problems: string[];
}

/**
 * The origins box of a publishable key: one origin per line, blank lines ignored, each checked
 * with the shared `originSchema` (what the server accepts). A trailing slash, as a copied
 * address has, is dropped: `https://shop.example/` means `https://shop.example`.
 */
export function parseOriginList(text: string): OriginList {
  const origins: string[] = [];
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim().replace(/\/$/, '');
    if (!line) return;
    const parsed = originSchema.safeParse(line);
    if (!parsed.success) {
      problems.push(
        `Line ${index + 1} (${line}): ${parsed.error.issues[0]?.message ?? 'not an origin'}`,
      );
      return;
    }
    if (!origins.includes(parsed.data)) origins.push(parsed.data);
  });
  if (origins.length > MAX_KEY_ORIGINS) {
    problems.push(`At most ${MAX_KEY_ORIGINS} origins (there are ${origins.length})`);
  }
  if (origins.length === 0 && problems.length === 0) {
    problems.push('Enter at least one origin, e.g. https://shop.example');
  }
  return { origins, problems };
}
