import type { InfiniteData, QueryClient, QueryKey } from '@tanstack/react-query';

/** A page of a cursor-paged list procedure: `{ items, nextCursor }`. */
interface ListPage<Item> {
  items: Item[];
}

type Snapshot<Page> = [QueryKey, InfiniteData<Page> | undefined][];

/**
 * Optimistic edits over every cached page of one infinite list (whatever its filters), keyed by
 * item id: take a snapshot, edit or drop an item everywhere, put the snapshot back on failure.
 */
export function infiniteListCache<Item extends { id: string }, Page extends ListPage<Item>>(
  listKey: () => QueryKey,
) {
  return {
    snapshot(queryClient: QueryClient): Snapshot<Page> {
      return queryClient.getQueriesData<InfiniteData<Page>>({ queryKey: listKey() });
    },

    restore(queryClient: QueryClient, snapshot: Snapshot<Page>): void {
      for (const [key, data] of snapshot) queryClient.setQueryData(key, data);
    },

    /** Rewrites every cached list page; `edit` returns the new item, or null to drop it. */
    editItem(queryClient: QueryClient, id: string, edit: (item: Item) => Item | null): void {
      queryClient.setQueriesData<InfiniteData<Page>>({ queryKey: listKey() }, (data) => {
        if (!data) return data;
        return {
          ...data,
          pages: data.pages.map((page) => ({
            ...page,
            items: page.items.flatMap((item) => {
              if (item.id !== id) return [item];
              const next = edit(item);
              return next ? [next] : [];
            }),
          })),
        };
      });
    },
  };
}
