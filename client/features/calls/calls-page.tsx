import { keepPreviousData } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import type { CallSession } from '../../../shared/call-session.schema.ts';
import { Field } from '../../components/field.tsx';
import { LoadMore } from '../../components/load-more.tsx';
import { describeApiError } from '../../lib/api-error.ts';
import { formatDateTime, formatDuration, timeAgo } from '../../lib/format.ts';
import { trpc } from '../../lib/trpc.ts';
import { useCan } from '../account/account-context.ts';
import { NoAccess } from '../account/no-access.tsx';
import { AgentPicker } from '../phone-numbers/agent-picker.tsx';
import { CallVersion } from './call-version.tsx';
import { checkDid, formatDid } from '../phone-numbers/phone-format.ts';
import {
  filtersFromSearch,
  fromLocalInput,
  hasFilters,
  listInputOf,
  NO_FILTERS,
  searchFromFilters,
  toLocalInput,
  type CallFilters,
} from './call-filters.ts';
import {
  CALL_ENDED_REASON_LABELS,
  CALL_STATUS_LABELS,
  CALL_STATUSES_SHOWN,
  CALL_TYPE_LABELS,
  CALL_TYPES_SHOWN,
} from './call-labels.ts';
import {
  AgentCell,
  CallStatusPill,
  LIVE_POLL_MS,
  useAgentNames,
  type AgentName,
} from './call-parts.tsx';

const PAGE_SIZE = 25;

export function CallsPage() {
  const canRead = useCan('sessions:read');
  if (!canRead) return <NoAccess title="Calls" permission="sessions:read" />;
  return <CallsList />;
}

function CallsList() {
  const [searchParams, setSearchParams] = useSearchParams();
  const filters = filtersFromSearch(searchParams);
  const setFilters = (next: CallFilters) =>
    setSearchParams(searchFromFilters(next), { replace: true });

  const list = trpc.sessions.list.useInfiniteQuery(
    { limit: PAGE_SIZE, ...listInputOf(filters) },
    {
      getNextPageParam: (page) => page.nextCursor ?? undefined,
      placeholderData: keepPreviousData,
      // TanStack stops the interval while the tab is hidden (refetchIntervalInBackground: false)
      // and when the page unmounts.
      refetchInterval: (query) =>
        query.state.data?.pages.some((page) => page.items.some((call) => call.status !== 'ended'))
          ? LIVE_POLL_MS
          : false,
    },
  );
  const calls = list.data?.pages.flatMap((page) => page.items) ?? [];
  const names = useAgentNames([
    ...calls.flatMap((call) => (call.agentId ? [call.agentId] : [])),
    ...(filters.agentId ? [filters.agentId] : []),
  ]);
  const filtered = hasFilters(filters);

  return (
    <div className="page page--wide">
      <title>Calls · Switchboard</title>
      <header className="page-header">
        <div className="page-header__text">
          <h1 className="page-header__title">Calls</h1>
          <p className="page-header__subtitle">
            Every call in this workspace, newest first: web calls started here or through the API,
            and phone calls to your numbers.
          </p>
        </div>
      </header>

      <FilterBar
        filters={filters}
        agentName={filters.agentId ? names.get(filters.agentId) : undefined}
        onChange={setFilters}
      />
      <p className="toolbar__status calls-status" role="status" aria-live="polite">
        {list.isPlaceholderData ? 'Loading…' : ''}
      </p>

      {list.isPending ? (
        <TableSkeleton />
      ) : list.isError && calls.length === 0 ? (
        <div className="state state--error" role="alert">
          <h2 className="state__title">Could not load calls</h2>
          <p>{describeApiError(list.error)}</p>
          <button type="button" className="button" onClick={() => void list.refetch()}>
            Try again
          </button>
        </div>
      ) : calls.length === 0 ? (
        filtered ? (
          <div className="state">
            <h2 className="state__title">No calls match these filters</h2>
            <p>Widen the time range or clear a filter.</p>
            <button type="button" className="button" onClick={() => setFilters(NO_FILTERS)}>
              Clear filters
            </button>
          </div>
        ) : (
          <div className="state state--empty">
            <h2 className="state__title">No calls yet</h2>
            <p>
              A call appears here as soon as it starts: talk to an agent from its page, or call one
              of your phone numbers.
            </p>
            <Link className="button button--primary" to="/agents">
              Go to agents
            </Link>
          </div>
        )
      ) : (
        <>
          <div
            className={`calls-table-wrap${list.isPlaceholderData ? ' calls-table-wrap--stale' : ''}`}
          >
            <table className="calls-table">
              <caption className="visually-hidden">Calls, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Started</th>
                  <th scope="col">Status</th>
                  <th scope="col">Agent</th>
                  <th scope="col">Type</th>
                  <th scope="col">From → to</th>
                  <th scope="col">Duration</th>
                  <th scope="col">Ended because</th>
                </tr>
              </thead>
              <tbody>
                {calls.map((call) => (
                  <CallRow key={call.id} call={call} names={names} />
                ))}
              </tbody>
            </table>
          </div>
          <LoadMore list={list} noun="calls" />
        </>
      )}
    </div>
  );
}

function CallRow({ call, names }: { call: CallSession; names: ReadonlyMap<string, AgentName> }) {
  const from = call.sip?.fromNumber;
  const to = call.sip?.toNumber;
  return (
    <tr>
      <th scope="row" data-label="Started">
        <Link to={`/calls/${call.id}`} className="calls-table__open">
          <time dateTime={call.createdAt} title={formatDateTime(call.createdAt)}>
            {formatDateTime(call.createdAt)}
          </time>
        </Link>
        <span className="calls-table__ago muted">{timeAgo(call.createdAt)}</span>
      </th>
      <td data-label="Status">
        <CallStatusPill status={call.status} />
      </td>
      <td data-label="Agent">
        <AgentCell agentId={call.agentId} names={names} /> <CallVersion call={call} />
      </td>
      <td data-label="Type">{CALL_TYPE_LABELS[call.type]}</td>
      <td data-label="From → to">
        {from || to ? (
          <span className="nowrap">
            {from ? formatDid(from) : 'unknown'} → {to ? formatDid(to) : 'unknown'}
          </span>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td data-label="Duration">
        {call.durationSeconds !== null ? (
          formatDuration(call.durationSeconds)
        ) : (
          <span className="muted">{call.status === 'ended' ? '—' : 'In progress'}</span>
        )}
      </td>
      <td data-label="Ended because">
        {call.endedReason ? (
          CALL_ENDED_REASON_LABELS[call.endedReason]
        ) : (
          <span className="muted">—</span>
        )}
      </td>
    </tr>
  );
}

interface FilterBarProps {
  filters: CallFilters;
  agentName: AgentName | undefined;
  onChange: (filters: CallFilters) => void;
}

function FilterBar({ filters, agentName, onChange }: FilterBarProps) {
  const id = useId();
  const set = (patch: Partial<CallFilters>) => onChange({ ...filters, ...patch });
  const [phone, setPhone] = useState(filters.phoneNumber);
  const [phoneError, setPhoneError] = useState<string | null>(null);
  // Back and forward (or "Clear filters") change the URL under the box: it follows.
  const [shownPhone, setShownPhone] = useState(filters.phoneNumber);
  if (shownPhone !== filters.phoneNumber) {
    setShownPhone(filters.phoneNumber);
    setPhone(filters.phoneNumber);
    setPhoneError(null);
  }
  const applyPhone = () => {
    if (phone.trim() === '') {
      setPhoneError(null);
      if (filters.phoneNumber) set({ phoneNumber: '' });
      return;
    }
    const checked = checkDid(phone);
    if (!checked.ok) {
      // The shared rule names the route's field (`did …`): here it is the filter's number.
      setPhoneError(`The number ${checked.message.replace(/^did:?\s*/, '')}`);
      return;
    }
    setPhoneError(null);
    setPhone(checked.did);
    if (checked.did !== filters.phoneNumber) set({ phoneNumber: checked.did });
  };
  const picked =
    filters.agentId === ''
      ? null
      : {
          id: filters.agentId,
          name: agentName?.state === 'known' ? agentName.name : '',
        };

  return (
    <form
      className="calls-filters"
      role="search"
      aria-label="Filter calls"
      onSubmit={(event) => event.preventDefault()}
    >
      <Field id={`${id}-agent`} label="Agent" className="calls-filters__agent">
        {(control) => (
          <div className="calls-filters__with-clear">
            <AgentPicker
              control={control}
              value={picked}
              onChange={(agent) => set({ agentId: agent.id })}
            />
            {filters.agentId && (
              <button
                type="button"
                className="button button--ghost button--small"
                onClick={() => set({ agentId: '' })}
                aria-label="Any agent"
              >
                Clear
              </button>
            )}
          </div>
        )}
      </Field>
      <Field id={`${id}-status`} label="Status">
        {(control) => (
          <select
            {...control}
            className="input"
            value={filters.status}
            onChange={(event) => set({ status: event.target.value as CallFilters['status'] })}
          >
            <option value="">Any status</option>
            {CALL_STATUSES_SHOWN.map((status) => (
              <option key={status} value={status}>
                {CALL_STATUS_LABELS[status]}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field id={`${id}-type`} label="Type">
        {(control) => (
          <select
            {...control}
            className="input"
            value={filters.type}
            onChange={(event) => set({ type: event.target.value as CallFilters['type'] })}
          >
            <option value="">Any type</option>
            {CALL_TYPES_SHOWN.map((type) => (
              <option key={type} value={type}>
                {CALL_TYPE_LABELS[type]}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field
        id={`${id}-phone`}
        label="Phone number"
        className="calls-filters__wide"
        errors={phoneError ? [phoneError] : undefined}
      >
        {(control) => (
          <input
            {...control}
            className="input"
            type="tel"
            inputMode="tel"
            placeholder="+15551234567"
            value={phone}
            autoComplete="off"
            onChange={(event) => setPhone(event.target.value)}
            onBlur={applyPhone}
            // The form has no submit button (the other filters apply as they change), so Enter
            // would not submit it: it applies the number here.
            onKeyDown={(event) => {
              if (event.key === 'Enter') {
                event.preventDefault();
                applyPhone();
              }
            }}
          />
        )}
      </Field>
      <Field id={`${id}-from`} label="From" className="calls-filters__wide">
        {(control) => (
          <input
            {...control}
            className="input"
            type="datetime-local"
            value={toLocalInput(filters.from)}
            max={filters.to ? toLocalInput(filters.to) : undefined}
            onChange={(event) => set({ from: fromLocalInput(event.target.value) })}
          />
        )}
      </Field>
      <Field id={`${id}-to`} label="Until" className="calls-filters__wide">
        {(control) => (
          <input
            {...control}
            className="input"
            type="datetime-local"
            value={toLocalInput(filters.to)}
            min={filters.from ? toLocalInput(filters.from) : undefined}
            onChange={(event) => set({ to: fromLocalInput(event.target.value) })}
          />
        )}
      </Field>
      {hasFilters(filters) && (
        <div className="calls-filters__reset">
          <button
            type="button"
            className="button button--ghost"
            onClick={() => onChange(NO_FILTERS)}
          >
            Clear filters
          </button>
        </div>
      )}
    </form>
  );
}

function TableSkeleton() {
  return (
    <div aria-busy="true">
      <p className="visually-hidden" role="status">
        Loading calls…
      </p>
      <div aria-hidden="true">
        {Array.from({ length: 5 }, (_, index) => (
          <span key={index} className="skeleton skeleton--text calls-skeleton-row" />
        ))}
      </div>
    </div>
  );
}
