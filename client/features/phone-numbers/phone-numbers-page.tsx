import { useEffect, useId, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { describeApiError } from '../../lib/api-error.ts';
import { formatDateTime, timeAgo } from '../../lib/format.ts';
import { toast } from '../../lib/toast-store.ts';
import { trpc } from '../../lib/trpc.ts';
import { useCan } from '../account/account-context.ts';
import { formatDid } from './phone-format.ts';
import { DeleteRouteDialog } from './delete-route-dialog.tsx';
import { TestNumberDialog, TestNumberPanel } from './resolved-call.tsx';
import { useDeleteRoute, type DidRoute } from './route-cache.ts';
import { RouteDialog, type RouteDialogTarget } from './route-dialog.tsx';
import { summariseSyncReport } from './sync-report.ts';
import { LoadMore } from '../../components/load-more.tsx';
import { routeVersionLabel } from '../agents/version-labels.ts';

const PAGE_SIZE = 50;
/** While a number waits for LiveKit, the list looks again this often. */
const PENDING_POLL_MS = 4000;
const OBJECT_ID = /^[0-9a-f]{24}$/i;

/** Phone numbers (DIDs), the agent that answers each, and whether LiveKit is in step. */
export function PhoneNumbersPage() {
  const [searchParams, setSearchParams] = useSearchParams();
  const agentFilter = searchParams.get('agent') ?? '';
  const filterId = OBJECT_ID.test(agentFilter) ? agentFilter.toLowerCase() : '';
  const utils = trpc.useUtils();
  const canWrite = useCan('telephony:write');

  const list = trpc.telephony.routes.list.useInfiniteQuery(
    { limit: PAGE_SIZE, ...(filterId && { agentId: filterId }) },
    {
      getNextPageParam: (page) => page.nextCursor ?? undefined,
      refetchInterval: (query) =>
        query.state.data?.pages.some((page) =>
          page.items.some((route) => route.sync.state === 'pending'),
        )
          ? PENDING_POLL_MS
          : false,
    },
  );
  const routes = list.data?.pages.flatMap((page) => page.items) ?? [];
  // Routes name their agent; only a filter with no numbers yet asks for the agent itself.
  const filterRoute = filterId ? routes.find((route) => route.agentId === filterId) : undefined;
  const filterAgent = trpc.agents.get.useQuery(
    { agentId: filterId },
    { enabled: filterId !== '' && list.isSuccess && !filterRoute, staleTime: 60_000 },
  );

  const [dialog, setDialog] = useState<RouteDialogTarget | null>(null);
  const [toDelete, setToDelete] = useState<DidRoute | null>(null);
  const [toTest, setToTest] = useState<string | null>(null);
  const deleteRoute = useDeleteRoute();
  const heading = useRef<HTMLHeadingElement>(null);
  const removing = useRef<string | null>(null);
  // A deleted row takes the focused button with it: the focus goes to the heading, not nowhere.
  useEffect(() => {
    if (!removing.current || routes.some((route) => route.id === removing.current)) return;
    removing.current = null;
    if (!document.activeElement || document.activeElement === document.body) {
      heading.current?.focus();
    }
  });

  const sync = trpc.telephony.sync.useMutation({
    onSuccess: (report) => {
      const summary = summariseSyncReport(report);
      if (summary.done) toast.success(summary.done);
      if (summary.failed) toast.error(summary.failed);
      for (const warning of summary.warnings.slice(0, 2)) toast.info(warning);
    },
    onError: (error) => toast.error(`Could not sync with LiveKit: ${describeApiError(error)}`),
    onSettled: () => {
      void utils.telephony.routes.list.invalidate();
      void utils.telephony.resolve.invalidate();
    },
  });

  const info = trpc.system.info.useQuery(undefined, { staleTime: Number.POSITIVE_INFINITY });
  const livekitOff = info.data?.livekitConfigured === false;

  const filterName = filterRoute?.agent.name ?? filterAgent.data?.name ?? null;
  const addNumber = () =>
    setDialog({
      mode: 'create',
      agent: filterId ? { id: filterId, name: filterName ?? '' } : null,
    });

  return (
    <div className="page page--wide">
      <title>Phone numbers · Switchboard</title>
      <header className="page-header">
        <div className="page-header__text">
          <h1 className="page-header__title" ref={heading} tabIndex={-1}>
            Phone numbers
          </h1>
          <p className="page-header__subtitle">
            Which agent answers each number. Every change is pushed to LiveKit as a SIP dispatch
            rule.
          </p>
        </div>
        {canWrite && (
          <div className="page-header__actions">
            <button
              type="button"
              className="button"
              onClick={() => sync.mutate()}
              disabled={sync.isPending || livekitOff}
            >
              {sync.isPending ? 'Syncing…' : 'Sync now'}
            </button>
            <button type="button" className="button button--primary" onClick={addNumber}>
              Add number
            </button>
          </div>
        )}
      </header>

      {livekitOff && (
        <div className="callout callout--warning">
          <p>
            <strong>LiveKit is not configured on this server</strong> (<code>LIVEKIT_URL</code>,{' '}
            <code>LIVEKIT_API_KEY</code>, <code>LIVEKIT_API_SECRET</code>). Numbers are saved here,
            but no call reaches an agent until it is; then “Sync now” pushes them.
          </p>
        </div>
      )}

      {filterId && (
        <p className="filter-note">
          Numbers answered by <Link to={`/agents/${filterId}`}>{filterName ?? 'this agent'}</Link>.{' '}
          <button
            type="button"
            className="link-button"
            onClick={() => setSearchParams({}, { replace: true })}
          >
            Show all numbers
          </button>
        </p>
      )}

      <div className="numbers-layout">
        <div className="numbers-layout__main">
          {list.isPending ? (
            <ListSkeleton />
          ) : list.isError && routes.length === 0 ? (
            <div className="state state--error" role="alert">
              <h2 className="state__title">Could not load phone numbers</h2>
              <p>{describeApiError(list.error)}</p>
              <button type="button" className="button" onClick={() => void list.refetch()}>
                Try again
              </button>
            </div>
          ) : routes.length === 0 ? (
            <div className="state state--empty">
              <h2 className="state__title">
                {filterId ? 'This agent answers no numbers' : 'No phone numbers yet'}
              </h2>
              {canWrite ? (
                <>
                  <p>
                    Add a number you have connected to LiveKit (a SIP trunk) and choose the agent
                    that answers it. Callers then reach that agent with its saved config.
                  </p>
                  <button type="button" className="button button--primary" onClick={addNumber}>
                    {filterId ? 'Add a number for this agent' : 'Add your first number'}
                  </button>
                </>
              ) : (
                <p>
                  Numbers connected to LiveKit, and the agent that answers each. Your role can read
                  them and test them, not add or change them.
                </p>
              )}
            </div>
          ) : (
            <>
              <ul className="route-list" aria-label="Phone numbers">
                {routes.map((route) => (
                  <RouteRow
                    key={route.id}
                    route={route}
                    onTest={() => setToTest(route.did)}
                    onEdit={
                      canWrite
                        ? () => setDialog({ mode: 'edit', route, agentName: route.agent.name })
                        : undefined
                    }
                    onDelete={canWrite ? () => setToDelete(route) : undefined}
                  />
                ))}
              </ul>
              <LoadMore list={list} noun="numbers" />
            </>
          )}
        </div>
        <aside className="numbers-layout__aside" aria-label="Test a number">
          <TestNumberPanel />
        </aside>
      </div>

      <RouteDialog target={dialog} onClose={() => setDialog(null)} />
      <DeleteRouteDialog
        route={toDelete}
        agentName={toDelete?.agent.name ?? null}
        onCancel={() => setToDelete(null)}
        onConfirm={(route) => {
          setToDelete(null);
          removing.current = route.id;
          deleteRoute(route);
        }}
      />
      <TestNumberDialog did={toTest} onClose={() => setToTest(null)} />
    </div>
  );
}

interface RouteRowProps {
  route: DidRoute;
  onTest: () => void;
  /** Left out for a role without `telephony:write`. */
  onEdit: (() => void) | undefined;
  onDelete: (() => void) | undefined;
}

function RouteRow({ route, onTest, onEdit, onDelete }: RouteRowProps) {
  const readable = formatDid(route.did);
  const errorId = useId();
  const [showError, setShowError] = useState(false);
  return (
    <li className="route-row">
      <div className="route-row__number">
        <span className="route-row__did">{readable}</span>
        {readable !== route.did && <span className="route-row__e164 mono">{route.did}</span>}
        {route.label && <span className="route-row__label">{route.label}</span>}
      </div>
      <dl className="route-row__meta">
        <div>
          <dt>Agent</dt>
          <dd className="route-row__agent">
            {route.agent.name === null ? (
              <span className="route-row__missing">Deleted agent</span>
            ) : (
              <Link to={`/agents/${route.agentId}`}>{route.agent.name}</Link>
            )}
          </dd>
        </div>
        <div>
          <dt>Version</dt>
          <dd>{routeVersionLabel(route.agentVersion)}</dd>
        </div>
        <div>
          <dt>LiveKit</dt>
          <dd>
            <SyncBadge
              route={route}
              errorId={errorId}
              expanded={showError}
              onToggle={() => setShowError((open) => !open)}
            />
          </dd>
        </div>
      </dl>
      <div className="route-row__actions">
        <button
          type="button"
          className="button button--small"
          onClick={onTest}
          aria-label={`Test ${readable}`}
        >
          Test
        </button>
        {onEdit && (
          <button
            type="button"
            className="button button--small"
            onClick={onEdit}
            aria-label={`Edit ${readable}`}
          >
            Edit
          </button>
        )}
        {onDelete && (
          <button
            type="button"
            className="button button--ghost button--small"
            onClick={onDelete}
            aria-label={`Delete ${readable}`}
          >
            Delete
          </button>
        )}
      </div>
      {route.sync.state === 'error' && (
        <div className="route-row__sync-error" id={errorId} hidden={!showError}>
          {/* LiveKit's own words, shown as they are. */}
          <p>{route.sync.error ?? 'LiveKit could not be updated.'}</p>
          <p>“Sync now” tries again.</p>
        </div>
      )}
    </li>
  );
}

interface SyncBadgeProps {
  route: DidRoute;
  errorId: string;
  expanded: boolean;
  onToggle: () => void;
}

/** Whether LiveKit has this number's rule as saved; an error opens to say why. */
function SyncBadge({ route, errorId, expanded, onToggle }: SyncBadgeProps) {
  const { sync } = route;
  if (sync.state === 'error') {
    return (
      <button
        type="button"
        className="status-pill status-pill--error status-pill--button"
        aria-expanded={expanded}
        aria-controls={errorId}
        title={sync.error}
        onClick={onToggle}
      >
        <span className="status-pill__dot" aria-hidden="true" />
        Sync error
        <span className="status-pill__caret" aria-hidden="true" />
      </button>
    );
  }
  if (sync.state === 'pending') {
    return (
      <span
        className="status-pill status-pill--pending"
        title="Saved here; LiveKit is being updated"
      >
        <span className="status-pill__dot" aria-hidden="true" />
        Pending
      </span>
    );
  }
  return (
    <span
      className="status-pill status-pill--ok"
      title={
        sync.syncedAt
          ? `In step with LiveKit since ${formatDateTime(sync.syncedAt)} (${timeAgo(sync.syncedAt)})${sync.ruleId ? `, rule ${sync.ruleId}` : ''}`
          : 'In step with LiveKit'
      }
    >
      <span className="status-pill__dot" aria-hidden="true" />
      Synced
    </span>
  );
}

function ListSkeleton() {
  return (
    <div aria-busy="true">
      <p className="visually-hidden" role="status">
        Loading phone numbers…
      </p>
      <ul className="route-list" aria-hidden="true">
        {Array.from({ length: 3 }, (_, index) => (
          <li key={index} className="route-row route-row--skeleton">
            <div className="route-row__number">
              <span className="skeleton skeleton--title" />
              <span className="skeleton skeleton--text" />
            </div>
            <span className="skeleton skeleton--meta" />
          </li>
        ))}
      </ul>
    </div>
  );
}
