import type { ConfigDiffEntry } from '../../../shared/config-diff.ts';
import { DEFAULT_AGENT_CONFIG, DEFAULT_RAG_TOP_K } from '../../../shared/config-defaults.ts';
import { jsonEqual } from '../../../shared/json-guard.ts';

/** What the resolver puts in a call's config for an agent without a knowledge base. */
const NO_RAG = { enabled: false, documentIds: [], topK: DEFAULT_RAG_TOP_K };

/**
 * Whether a difference is only the resolver's filling-in: a call's config is resolved (defaults
 * from `shared/config-defaults.ts`, `rag` derived), a saved agent's is not, so a value the call
 * got from the defaults shows as "removed" though nobody removed it. Such entries are still shown,
 * apart from the rest.
 */
export function isResolverDefault(entry: ConfigDiffEntry): boolean {
  // Only whole top-level keys: inside a section the agent has, the resolver adds nothing
  // (a section that names its provider gets that provider's defaults from the worker).
  if (entry.kind !== 'removed' || entry.segments.length !== 1) return false;
  const [key] = entry.segments;
  if (key === 'rag') return jsonEqual(entry.before, NO_RAG);
  return (
    typeof key === 'string' &&
    Object.hasOwn(DEFAULT_AGENT_CONFIG, key) &&
    jsonEqual(entry.before, DEFAULT_AGENT_CONFIG[key as keyof typeof DEFAULT_AGENT_CONFIG])
  );
}
