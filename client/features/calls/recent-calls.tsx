import { Link } from 'react-router';
import { describeApiError } from '../../lib/api-error.ts';
import { formatDateTime, formatDuration, timeAgo } from '../../lib/format.ts';
import { trpc } from '../../lib/trpc.ts';
import { useCan } from '../account/account-context.ts';
import { CALL_ENDED_REASON_LABELS, CALL_TYPE_LABELS } from './call-labels.ts';
import { CallVersion } from './call-version.tsx';
import { CallStatusPill, LIVE_POLL_MS } from './call-parts.tsx';

const RECENT = 5;

/** An agent's last few calls, on its page, with a link to all of them in Calls. */
export function RecentCalls({ agentId }: { agentId: string }) {
  const canRead = useCan('sessions:read');
  if (!canRead) return null;
  return <RecentCallsCard agentId={agentId} />;
}

function RecentCallsCard({ agentId }: { agentId: string }) {
  const list = trpc.sessions.list.useQuery(
    { agentId, limit: RECENT },
    {
      refetchInterval: (query) =>
        query.state.data?.items.some((call) => call.status !== 'ended') ? LIVE_POLL_MS : false,
    },
  );
  const calls = list.data?.items ?? [];
  return (
    <section className="card recent-calls" aria-labelledby="recent-calls-title">
      <div className="card__header">
        <h2 className="card__title" id="recent-calls-title">
          Recent calls
        </h2>
        <Link to={`/calls?agent=${agentId}`} className="recent-calls__all">
          All calls
        </Link>
      </div>
      {list.isPending ? (
        <p className="muted" role="status">
          Loading calls…
        </p>
      ) : list.isError ? (
        <p className="inline-error" role="alert">
          Could not load calls: {describeApiError(list.error)}
        </p>
      ) : calls.length === 0 ? (
        <p className="muted">No calls yet. Calls with this agent show here as they start.</p>
      ) : (
        <ul className="recent-calls__list" aria-label="Recent calls">
          {calls.map((call) => (
            <li key={call.id} className="recent-calls__item">
              <Link to={`/calls/${call.id}`} className="recent-calls__link">
                <time dateTime={call.createdAt} title={formatDateTime(call.createdAt)}>
                  {timeAgo(call.createdAt)}
                </time>
              </Link>
              <CallStatusPill status={call.status} />
              <CallVersion call={call} />
              <span className="recent-calls__meta muted">
                {CALL_TYPE_LABELS[call.type]}
                {call.durationSeconds !== null && ` · ${formatDuration(call.durationSeconds)}`}
                {call.endedReason && ` · ${CALL_ENDED_REASON_LABELS[call.endedReason]}`}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
