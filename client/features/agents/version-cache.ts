import { trpc } from '../../lib/trpc.ts';
import { useAccount, useCan } from '../account/account-context.ts';
import type { AuthorNames } from './version-labels.ts';

/**
 * The draft against the published version (`agents.diff` published → draft): what a publish would
 * make live. Refetched after every save (`useStoreSavedAgent`), publish and restore.
 */
export function useDraftStatus(agentId: string) {
  return trpc.agents.diff.useQuery({ agentId, from: 'published', to: 'draft' });
}

/** After a publish or restore: the history, the diffs and each number's version are stale. */
export function useVersionsChanged() {
  const utils = trpc.useUtils();
  return (agentId: string) => {
    void utils.agents.versions.invalidate({ agentId });
    void utils.agents.diff.invalidate({ agentId });
    // Numbers following "Published" now run another version (their list says which).
    void utils.telephony.routes.list.invalidate();
  };
}

/**
 * Names for "published by": the members' and keys' lists where the role may read them (the rest
 * read as "a member", "an API key").
 */
export function useAuthorNames(): AuthorNames {
  const { user } = useAccount();
  const canListMembers = useCan('members:admin');
  const canListKeys = useCan('keys:admin');
  const members = trpc.members.list.useQuery(undefined, {
    enabled: canListMembers,
    staleTime: 60_000,
  });
  const keys = trpc.keys.list.useQuery(undefined, { enabled: canListKeys, staleTime: 60_000 });
  return {
    selfId: user.id,
    members: members.data && new Map(members.data.map((member) => [member.userId, member.name])),
    keys: keys.data && new Map(keys.data.map((key) => [key.id, key.name])),
  };
}
