import { useRef } from 'react';
import { useQueryClient, type InfiniteData, type QueryClient } from '@tanstack/react-query';
import { getQueryKey } from '@trpc/react-query';
import { describeApiError } from '../../lib/api-error.ts';
import { toast } from '../../lib/toast-store.ts';
import { errorCode, trpc, type RouterOutputs } from '../../lib/trpc.ts';

export type Agent = RouterOutputs['agents']['get'];
type AgentListPage = RouterOutputs['agents']['list'];
type ListSnapshot = [readonly unknown[], InfiniteData<AgentListPage> | undefined][];

/** Every cached page of `agents.list`, whatever its search. */
function listKey() {
  return getQueryKey(trpc.agents.list, undefined, 'infinite');
}

function snapshotLists(queryClient: QueryClient): ListSnapshot {
  return queryClient.getQueriesData<InfiniteData<AgentListPage>>({ queryKey: listKey() });
}

function restoreLists(queryClient: QueryClient, snapshot: ListSnapshot): void {
  for (const [key, data] of snapshot) queryClient.setQueryData(key, data);
}

/** Rewrites every cached list page; `edit` returns the new item, or null to drop it. */
function editListItems(
  queryClient: QueryClient,
  agentId: string,
  edit: (agent: Agent) => Agent | null,
): void {
  queryClient.setQueriesData<InfiniteData<AgentListPage>>({ queryKey: listKey() }, (data) => {
    if (!data) return data;
    return {
      ...data,
      pages: data.pages.map((page) => ({
        ...page,
        items: page.items.flatMap((item) => {
          if (item.id !== agentId) return [item];
          const next = edit(item);
          return next ? [next] : [];
        }),
      })),
    };
  });
}

/**
 * Deletes an agent: it leaves every cached list at once, comes back if the server says no, and a
 * toast says which happened (even if the user has moved on to another page meanwhile).
 */
export function useDeleteAgent(options: { onDeleted?: (agent: Agent) => void } = {}) {
  const queryClient = useQueryClient();
  const utils = trpc.useUtils();
  const pending = useRef(new Map<string, Agent>());
  const onDeleted = useRef(options.onDeleted);
  onDeleted.current = options.onDeleted;

  const finish = (agentId: string, message: (name: string) => string) => {
    const agent = pending.current.get(agentId);
    pending.current.delete(agentId);
    utils.agents.get.setData({ agentId }, undefined);
    toast.success(message(agent?.name ?? 'The agent'));
    if (agent) onDeleted.current?.(agent);
  };

  const mutation = trpc.agents.delete.useMutation({
    onMutate: async ({ agentId }) => {
      await utils.agents.list.cancel();
      const snapshot = snapshotLists(queryClient);
      editListItems(queryClient, agentId, () => null);
      return { snapshot };
    },
    onSuccess: (_result, { agentId }) => finish(agentId, (name) => `Deleted “${name}”`),
    onError: (error, { agentId }, context) => {
      // Someone else deleted it first: the outcome the user asked for.
      if (errorCode(error) === 'NOT_FOUND') {
        finish(agentId, (name) => `“${name}” was already deleted`);
        return;
      }
      if (context) restoreLists(queryClient, context.snapshot);
      const name = pending.current.get(agentId)?.name ?? 'the agent';
      pending.current.delete(agentId);
      toast.error(`Could not delete “${name}”: ${describeApiError(error)}`);
    },
    onSettled: () => utils.agents.list.invalidate(),
  });

  return {
    isPending: mutation.isPending,
    deleteAgent: (agent: Agent) => {
      pending.current.set(agent.id, agent);
      mutation.mutate({ agentId: agent.id });
    },
  };
}

/** After a save: the agent's own cache and every list that shows it get the server's answer. */
export function useStoreSavedAgent() {
  const queryClient = useQueryClient();
  const utils = trpc.useUtils();
  return (agent: Agent) => {
    utils.agents.get.setData({ agentId: agent.id }, agent);
    editListItems(queryClient, agent.id, () => agent);
  };
}
