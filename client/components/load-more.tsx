import { describeApiError } from '../lib/api-error.ts';

/** What a TanStack infinite query exposes that the footer needs. */
interface PagedList {
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  isFetchNextPageError: boolean;
  error: unknown;
  fetchNextPage: () => Promise<unknown>;
}

/** The footer of a cursor-paged list: "Load more <noun>", and why the last attempt failed. */
export function LoadMore({ list, noun }: { list: PagedList; noun: string }) {
  return (
    <>
      {list.isFetchNextPageError && (
        <p className="inline-error" role="alert">
          Could not load more {noun}: {describeApiError(list.error)}
        </p>
      )}
      {list.hasNextPage && (
        <div className="load-more">
          <button
            type="button"
            className="button"
            onClick={() => void list.fetchNextPage()}
            disabled={list.isFetchingNextPage}
          >
            {list.isFetchingNextPage ? 'Loading…' : `Load more ${noun}`}
          </button>
        </div>
      )}
    </>
  );
}
