import { useRef } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { getQueryKey } from '@trpc/react-query';
import { describeApiError } from '../../lib/api-error.ts';
import { infiniteListCache } from '../../lib/infinite-list-cache.ts';
import { toast } from '../../lib/toast-store.ts';
import { errorCode, trpc, type RouterOutputs } from '../../lib/trpc.ts';
import { formatDid } from './phone-format.ts';

export type DidRoute = RouterOutputs['telephony']['routes']['get'];
type RouteListPage = RouterOutputs['telephony']['routes']['list'];
/** Every cached page of the list, whatever its filter. */
const lists = infiniteListCache<DidRoute, RouteListPage>(() =>
  getQueryKey(trpc.telephony.routes.list, undefined, 'infinite'),
);

/** After a save: every cached list shows the server's answer, then refetches in order. */
export function useStoreSavedRoute() {
  const queryClient = useQueryClient();
  const utils = trpc.useUtils();
  return (route: DidRoute) => {
    utils.telephony.routes.get.setData({ routeId: route.id }, route);
    lists.editItem(queryClient, route.id, () => route);
    // A new number, or a changed one, belongs elsewhere in the (number-sorted) list.
    void utils.telephony.routes.list.invalidate();
    // What a call to a number gets may have changed.
    void utils.telephony.resolve.invalidate();
  };
}

/**
 * Deletes a route: it leaves every cached list at once, comes back if the server says no, and a
 * toast says which happened.
 */
export function useDeleteRoute() {
  const queryClient = useQueryClient();
  const utils = trpc.useUtils();
  const pending = useRef(new Map<string, DidRoute>());

  const numberOf = (routeId: string) => {
    const route = pending.current.get(routeId);
    return route ? formatDid(route.did) : 'The number';
  };

  const mutation = trpc.telephony.routes.delete.useMutation({
    onMutate: async ({ routeId }) => {
      await utils.telephony.routes.list.cancel();
      const snapshot = lists.snapshot(queryClient);
      lists.editItem(queryClient, routeId, () => null);
      return { snapshot };
    },
    onSuccess: (deleted, { routeId }) => {
      const number = numberOf(routeId);
      pending.current.delete(routeId);
      utils.telephony.routes.get.setData({ routeId }, undefined);
      if (deleted.sync.state === 'synced') {
        toast.success(`Deleted ${number}: calls to it no longer reach an agent`);
      } else {
        toast.info(
          `Deleted ${number}, but LiveKit could not be updated${deleted.sync.error ? ` (${deleted.sync.error})` : ''}: its dispatch rule may still answer calls until “Sync now” removes it.`,
        );
      }
    },
    onError: (error, { routeId }, context) => {
      const number = numberOf(routeId);
      pending.current.delete(routeId);
      // Someone else deleted it first: the outcome the user asked for.
      if (errorCode(error) === 'NOT_FOUND') {
        toast.success(`${number} was already deleted`);
        return;
      }
      if (context) lists.restore(queryClient, context.snapshot);
      toast.error(`Could not delete ${number}: ${describeApiError(error)}`);
    },
    onSettled: () => {
      void utils.telephony.routes.list.invalidate();
      void utils.telephony.resolve.invalidate();
    },
  });

  return (route: DidRoute) => {
    pending.current.set(route.id, route);
    mutation.mutate({ routeId: route.id });
  };
}
