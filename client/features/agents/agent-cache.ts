import { useRef } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { getQueryKey } from '@trpc/react-query';
import { apiErrorInfo, describeApiError } from '../../lib/api-error.ts';
import { infiniteListCache } from '../../lib/infinite-list-cache.ts';
import { toast } from '../../lib/toast-store.ts';
import { errorCode, trpc, type RouterOutputs } from '../../lib/trpc.ts';

export type Agent = RouterOutputs['agents']['get'];
type AgentListPage = RouterOutputs['agents']['list'];
/** Every cached page of the list, whatever its filter. */
const lists = infiniteListCache<Agent, AgentListPage>(() =>
  getQueryKey(trpc.agents.list, undefined, 'infinite'),
);

/** `+1…, +44… and 3 more` (E.164: the formatter loads with the phone numbers page only). */
function listNumbers(dids: readonly string[], max = 3): string {
  const shown = dids.slice(0, max).join(', ');
  return dids.length > max ? `${shown} and ${dids.length - max} more` : shown;
}

/**
 * Deletes an agent: it leaves every cached list at once, comes back if the server says no, and a
 * toast says which happened (even if the user has moved on to another page meanwhile).
 */
export function useDeleteAgent() {
  const queryClient = useQueryClient();
  const utils = trpc.useUtils();
  const pending = useRef(new Map<string, Agent>());

  const finish = (agentId: string, message: (name: string) => string) => {
    const agent = pending.current.get(agentId);
    pending.current.delete(agentId);
    utils.agents.get.setData({ agentId }, undefined);
    toast.success(message(agent?.name ?? 'The agent'));
  };

  const mutation = trpc.agents.delete.useMutation({
    onMutate: async ({ agentId }) => {
      await utils.agents.list.cancel();
      const snapshot = lists.snapshot(queryClient);
      lists.editItem(queryClient, agentId, () => null);
      return { snapshot };
    },
    onSuccess: (_result, { agentId }) => finish(agentId, (name) => `Deleted “${name}”`),
    onError: (error, { agentId }, context) => {
      // Someone else deleted it first: the outcome the user asked for.
      if (errorCode(error) === 'NOT_FOUND') {
        finish(agentId, (name) => `“${name}” was already deleted`);
        return;
      }
      if (context) lists.restore(queryClient, context.snapshot);
      const name = pending.current.get(agentId)?.name ?? 'the agent';
      pending.current.delete(agentId);
      const { details } = apiErrorInfo(error);
      toast.error(
        details?.reason === 'agent-in-use'
          ? `Could not delete “${name}”: it still answers ${listNumbers(details.numbers)}. Move ${details.numbers.length === 1 ? 'that number' : 'those numbers'} to another agent or delete ${details.numbers.length === 1 ? 'it' : 'them'} under Phone numbers first.`
          : `Could not delete “${name}”: ${describeApiError(error)}`,
      );
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
    lists.editItem(queryClient, agent.id, () => agent);
    // A save changes the draft: how it differs from the published version is to be asked again.
    void utils.agents.diff.invalidate({ agentId: agent.id });
  };
}
