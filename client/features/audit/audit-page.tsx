import { keepPreviousData } from '@tanstack/react-query';
import { useId } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Field } from '../../components/field.tsx';
import { LoadMore } from '../../components/load-more.tsx';
import { describeApiError } from '../../lib/api-error.ts';
import { formatDateTime, timeAgo } from '../../lib/format.ts';
import { trpc, type RouterOutputs } from '../../lib/trpc.ts';
import { useCan } from '../account/account-context.ts';
import { NoAccess } from '../account/no-access.tsx';
import { showValue } from '../agents/agent-diff.ts';
import { useAgentNames } from '../calls/call-parts.tsx';
import { AgentPicker } from '../phone-numbers/agent-picker.tsx';
import { actorLabel, AUDIT_ACTION_LABELS, detailsLabel, viaLabel } from './audit-labels.ts';

const PAGE_SIZE = 25;

type AuditEntry = RouterOutputs['audit']['list']['items'][number];

/** The audit log (for `audit:read`, owners): who changed what, newest first, filtered. */
export function AuditPage() {
  const canRead = useCan('audit:read');
  if (!canRead) return <NoAccess title="Audit log" permission="audit:read" />;
  return <AuditLog />;
}

function AuditLog() {
  // The filters live in the address (`?agent=…&member=…`): the agent page links here filtered.
  const [searchParams, setSearchParams] = useSearchParams();
  const agentId = searchParams.get('agent') ?? '';
  const actorId = searchParams.get('member') ?? '';
  const setFilter = (key: 'agent' | 'member', value: string) => {
    const next = new URLSearchParams(searchParams);
    if (value) next.set(key, value);
    else next.delete(key);
    setSearchParams(next, { replace: true });
  };

  const list = trpc.audit.list.useInfiniteQuery(
    { limit: PAGE_SIZE, ...(agentId && { agentId }), ...(actorId && { actorId }) },
    { getNextPageParam: (page) => page.nextCursor ?? undefined, placeholderData: keepPreviousData },
  );
  const entries = list.data?.pages.flatMap((page) => page.items) ?? [];
  const names = useAgentNames(agentId ? [agentId] : []);
  const agentName = agentId ? names.get(agentId) : undefined;
  const filtered = agentId !== '' || actorId !== '';

  return (
    <div className="page page--wide">
      <title>Audit log · Switchboard</title>
      <header className="page-header">
        <div className="page-header__text">
          <h1 className="page-header__title">Audit log</h1>
          <p className="page-header__subtitle">
            Every change to agents, phone numbers, members and keys in this workspace: who made it,
            when, and what changed. Entries are never edited.
          </p>
        </div>
      </header>

      <Filters
        agent={
          agentId ? { id: agentId, name: agentName?.state === 'known' ? agentName.name : '' } : null
        }
        actorId={actorId}
        onAgent={(id) => setFilter('agent', id)}
        onMember={(id) => setFilter('member', id)}
      />
      <p className="toolbar__status calls-status" role="status" aria-live="polite">
        {list.isPlaceholderData ? 'Loading…' : ''}
      </p>

      {list.isPending ? (
        <p className="muted" role="status">
          Loading the audit log…
        </p>
      ) : list.isError && entries.length === 0 ? (
        <div className="state state--error" role="alert">
          <h2 className="state__title">Could not load the audit log</h2>
          <p>{describeApiError(list.error)}</p>
          <button type="button" className="button" onClick={() => void list.refetch()}>
            Try again
          </button>
        </div>
      ) : entries.length === 0 ? (
        <div className="state state--empty">
          <h2 className="state__title">
            {filtered ? 'No changes match these filters' : 'No changes yet'}
          </h2>
          <p>Changes to agents, numbers, members and keys appear here as they are made.</p>
        </div>
      ) : (
        <>
          <div
            className={`calls-table-wrap${list.isPlaceholderData ? ' calls-table-wrap--stale' : ''}`}
          >
            <table className="calls-table audit-table">
              <caption className="visually-hidden">Audit log, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Who</th>
                  <th scope="col">What</th>
                  <th scope="col">Changes</th>
                </tr>
              </thead>
              <tbody>
                {entries.map((entry) => (
                  <EntryRow key={entry.id} entry={entry} />
                ))}
              </tbody>
            </table>
          </div>
          <LoadMore list={list} noun="entries" />
        </>
      )}
    </div>
  );
}

function EntryRow({ entry }: { entry: AuditEntry }) {
  const details = detailsLabel(entry);
  const target = entry.target.name ?? entry.target.id;
  return (
    <tr>
      <th scope="row" data-label="When">
        <time dateTime={entry.at} title={formatDateTime(entry.at)}>
          {formatDateTime(entry.at)}
        </time>
        <span className="calls-table__ago muted">{timeAgo(entry.at)}</span>
      </th>
      <td data-label="Who">
        {actorLabel(entry.actor)}
        <span className="calls-table__ago muted">via {viaLabel(entry.via)}</span>
      </td>
      <td data-label="What">
        {AUDIT_ACTION_LABELS[entry.action]}{' '}
        {entry.target.type === 'agent' && entry.action !== 'agent.delete' ? (
          <Link to={`/agents/${entry.target.id}`}>{target}</Link>
        ) : (
          <strong>{target}</strong>
        )}
        {details && <span className="calls-table__ago muted">{details}</span>}
      </td>
      <td data-label="Changes">
        {entry.changes && entry.changes.length > 0 ? (
          <ChangeList entry={entry} />
        ) : (
          <span className="muted">—</span>
        )}
      </td>
    </tr>
  );
}

/** The entry's diff, path by path. */
function ChangeList({ entry }: { entry: AuditEntry }) {
  const changes = entry.changes ?? [];
  return (
    <div className="diff diff--inline">
      <table className="diff__table">
        <caption className="visually-hidden">What changed</caption>
        <thead className="diff__head">
          <tr>
            <th scope="col">Path</th>
            <th scope="col">Before</th>
            <th scope="col">After</th>
          </tr>
        </thead>
        <tbody>
          {changes.map((change) => (
            <tr key={change.path} className={`diff__row diff__row--${change.kind}`}>
              <th scope="row" className="diff__path">
                <code>{change.path || '(whole value)'}</code>{' '}
                <span className={`badge diff__kind diff__kind--${change.kind}`}>{change.kind}</span>
              </th>
              <td className="diff__theirs" data-label="Before">
                <pre>{change.kind === 'added' ? '(not set)' : showValue(change.before)}</pre>
              </td>
              <td className="diff__mine" data-label="After">
                <pre>{change.kind === 'removed' ? '(not set)' : showValue(change.after)}</pre>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Filters({
  agent,
  actorId,
  onAgent,
  onMember,
}: {
  agent: { id: string; name: string } | null;
  actorId: string;
  onAgent: (agentId: string) => void;
  onMember: (userId: string) => void;
}) {
  const id = useId();
  // Owners read the log, and owners may list the members (members:admin).
  const members = trpc.members.list.useQuery();
  return (
    <form
      className="calls-filters"
      role="search"
      aria-label="Filter the audit log"
      onSubmit={(event) => event.preventDefault()}
    >
      <Field id={`${id}-agent`} label="Agent" className="calls-filters__agent">
        {(control) => (
          <div className="calls-filters__with-clear">
            <AgentPicker
              control={control}
              value={agent}
              onChange={(picked) => onAgent(picked.id)}
            />
            {agent && (
              <button
                type="button"
                className="button button--ghost button--small"
                onClick={() => onAgent('')}
                aria-label="Any agent"
              >
                Clear
              </button>
            )}
          </div>
        )}
      </Field>
      <Field id={`${id}-member`} label="Member">
        {(control) => (
          <select
            {...control}
            className="input"
            value={actorId}
            onChange={(event) => onMember(event.target.value)}
          >
            <option value="">Anyone</option>
            {(members.data ?? []).map((member) => (
              <option key={member.userId} value={member.userId}>
                {member.name} ({member.email})
              </option>
            ))}
            {actorId && !members.data?.some((member) => member.userId === actorId) && (
              <option value={actorId}>{actorId}</option>
            )}
          </select>
        )}
      </Field>
    </form>
  );
}
