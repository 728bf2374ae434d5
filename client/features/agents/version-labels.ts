import type { ApiErrorInfo } from '../../lib/api-error.ts';
import type {
  AgentPublishOutput,
  ConfigChange,
  VersionAuthor,
  VersionSelector,
} from '../../../shared/agent-version.schema.ts';

/** `v3`, as the dashboard names a published version everywhere. */
export function versionName(version: number): string {
  return `v${version}`;
}

/** One side of a comparison, as a person reads it: `Draft`, `Published`, `v3`. */
export function sideLabel(side: VersionSelector): string {
  if (side === 'draft') return 'Draft';
  if (side === 'published') return 'Published';
  return versionName(side);
}

/** A side as a `<select>` value (`draft`, `published`, `3`) and back; anything else is null. */
export function sideValue(side: VersionSelector): string {
  return String(side);
}

export function parseSide(value: string): VersionSelector | null {
  if (value === 'draft' || value === 'published') return value;
  if (!/^[1-9][0-9]{0,6}$/.test(value)) return null;
  const version = Number(value);
  return version <= 1_000_000 ? version : null;
}

/** What the dashboard knows to name the people and keys that published. */
export interface AuthorNames {
  /** The signed-in person's user id: their versions say "you". */
  selfId: string;
  /** Members' names by user id (only for roles that may list members). */
  members?: ReadonlyMap<string, string>;
  /** API keys' names by id (only for roles that may list keys). */
  keys?: ReadonlyMap<string, string>;
}

/** Who published a version, by name where the dashboard may know it. */
export function describeAuthor(author: VersionAuthor, names: AuthorNames): string {
  switch (author.kind) {
    case 'user':
      if (author.id === names.selfId) return 'you';
      return names.members?.get(author.id) ?? 'a member';
    case 'api-key':
    case 'publishable-key': {
      const name = names.keys?.get(author.id);
      return name ? `API key “${name}”` : 'an API key';
    }
    case 'local':
      return 'the local owner';
    case 'system':
      return 'Switchboard (the agent as it was before versions)';
  }
}

/** `2 changed, 1 added`; empty for no changes. */
export function summarizeChanges(changes: readonly Pick<ConfigChange, 'kind'>[]): string {
  const counts = { changed: 0, added: 0, removed: 0 };
  for (const change of changes) counts[change.kind] += 1;
  return (['changed', 'added', 'removed'] as const)
    .filter((kind) => counts[kind] > 0)
    .map((kind) => `${counts[kind]} ${kind}`)
    .join(', ');
}

/**
 * A value in a diff cell: strings quoted (so `"0.4"` and `0.4` differ visibly), objects as JSON,
 * long ones cut with an ellipsis; a side without the path is `(not set)`.
 */
export function diffValue(value: unknown, max = 400): string {
  if (value === undefined) return '(not set)';
  const text = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value, null, 1);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The toast after a publish: a new version, or nothing new because the draft was published. */
export function publishOutcome(result: AgentPublishOutput, agentName: string): string {
  const version = versionName(result.version.version);
  return result.status === 'published'
    ? `Published ${version} of “${agentName}”: numbers that follow “Published” run it now.`
    : `Nothing new to publish: the draft is the same as ${version}, which stays published.`;
}

/** The toast after a restore into the draft, published or not. */
export function restoreOutcome(restored: number, published: AgentPublishOutput | null): string {
  const from = versionName(restored);
  if (published === null) {
    return `Restored ${from} into the draft. Publish it to make it live.`;
  }
  const version = versionName(published.version.version);
  return published.status === 'published'
    ? `Restored ${from} and published it as ${version}.`
    : `Restored ${from} into the draft; it is the same as ${version}, which stays published.`;
}

/** What a phone number runs: the published version as it changes, or a pinned one. */
export function routeVersionLabel(agentVersion: number | null): string {
  return agentVersion === null ? 'Published' : `${versionName(agentVersion)} (pinned)`;
}

/** The version a call ran, as its badge says it; null for a call without a saved agent. */
export function callVersionLabel(call: {
  agentId: string | null;
  agentVersion: number | null;
  draft: boolean;
}): string | null {
  if (call.draft) return 'Draft';
  if (call.agentVersion !== null) return versionName(call.agentVersion);
  return null;
}

/** Why a version was not deleted, naming the numbers pinned to it when that is why. */
export function deleteVersionProblem(name: string, error: ApiErrorInfo): string {
  const details = error.details;
  if (details?.reason === 'version-pinned') {
    const numbers = details.numbers;
    const shown = numbers.slice(0, 3).join(', ');
    const more = numbers.length > 3 ? ` and ${numbers.length - 3} more` : '';
    return `Could not delete ${name}: ${numbers.length === 1 ? 'the number' : 'the numbers'} ${shown}${more} ${numbers.length === 1 ? 'is' : 'are'} pinned to it. Move ${numbers.length === 1 ? 'it' : 'them'} to another version under Phone numbers first.`;
  }
  if (details?.reason === 'version-published') {
    return `Could not delete ${name}: it is the published version. Publish another one first.`;
  }
  return `Could not delete ${name}: ${error.message}`;
}
