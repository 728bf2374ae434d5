import { useState, type ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import type { CallSessionDetail, CallParticipant } from '../../../shared/call-session.schema.ts';
import type { CallUsage } from '../../../shared/call-report.schema.ts';
import { diffConfigs, type ConfigDiffEntry } from '../../../shared/config-diff.ts';
import { describeApiError } from '../../lib/api-error.ts';
import { formatDateTime, formatDuration, formatTimeOfDay, timeAgo } from '../../lib/format.ts';
import { errorCode, trpc } from '../../lib/trpc.ts';
import { useCan } from '../account/account-context.ts';
import { NoAccess } from '../account/no-access.tsx';
import { formatDid } from '../phone-numbers/phone-format.ts';
import {
  CALL_ENDED_REASON_LABELS,
  CALL_TYPE_LABELS,
  eventLabel,
  PARTICIPANT_KIND_LABELS,
  startedByParts,
} from './call-labels.ts';
import { AgentCell, CallStatusPill, LIVE_POLL_MS, useAgentNames } from './call-parts.tsx';
import { CallVersion } from './call-version.tsx';
import { isResolverDefault } from './default-entries.ts';

const OBJECT_ID = /^[0-9a-f]{24}$/i;

export function CallDetailPage() {
  const canRead = useCan('sessions:read');
  if (!canRead) return <NoAccess title="Call" permission="sessions:read" />;
  return <CallDetailLoader />;
}

function CallDetailLoader() {
  const { sessionId = '' } = useParams();
  const validId = OBJECT_ID.test(sessionId);
  const query = trpc.sessions.get.useQuery(
    { sessionId },
    {
      enabled: validId,
      // Live while the call is not over; stops once it has ended (and while the tab is hidden).
      refetchInterval: (q) =>
        q.state.data && q.state.data.status !== 'ended' ? LIVE_POLL_MS : false,
    },
  );

  if (!validId || errorCode(query.error) === 'NOT_FOUND') return <CallNotFound />;
  if (query.isPending) return <CallSkeleton />;
  if (query.isError) {
    return (
      <div className="page">
        <title>Call · Switchboard</title>
        <Breadcrumbs current="Call" />
        <div className="state state--error" role="alert">
          <h1 className="state__title">Could not load this call</h1>
          <p>{describeApiError(query.error)}</p>
          <button type="button" className="button" onClick={() => void query.refetch()}>
            Try again
          </button>
        </div>
      </div>
    );
  }
  return <CallDetail call={query.data} />;
}

function CallDetail({ call }: { call: CallSessionDetail }) {
  const names = useAgentNames(call.agentId ? [call.agentId] : []);
  const agentName = call.agentId ? names.get(call.agentId) : undefined;
  const title = agentName?.state === 'known' ? `Call with ${agentName.name}` : 'Call';
  return (
    <div className="page page--wide">
      <title>{`${title} · Switchboard`}</title>
      <Breadcrumbs current={formatDateTime(call.createdAt)} />
      <header className="page-header">
        <div className="page-header__text">
          <h1 className="page-header__title">{title}</h1>
          <p className="page-header__subtitle">
            {CALL_TYPE_LABELS[call.type]} · started{' '}
            <time dateTime={call.createdAt} title={formatDateTime(call.createdAt)}>
              {timeAgo(call.createdAt)}
            </time>{' '}
            · <span className="mono">{call.id}</span>
          </p>
        </div>
        <p role="status" aria-live="polite" aria-label={`Status: ${call.status}`}>
          <CallStatusPill status={call.status} />
        </p>
      </header>

      <section className="card call-summary" aria-labelledby="call-summary-title">
        <h2 className="card__title" id="call-summary-title">
          Summary
        </h2>
        <dl className="call-summary__list">
          <Item label="Agent">
            <AgentCell agentId={call.agentId} names={names} /> <CallVersion call={call} />
          </Item>
          <Item label="Room">
            <span className="mono">{call.roomName}</span>
          </Item>
          <Item label="Started">{formatDateTime(call.createdAt)}</Item>
          <Item label="Answered">
            {call.activeAt ? formatDateTime(call.activeAt) : <Muted>Nobody joined yet</Muted>}
          </Item>
          <Item label="Ended">
            {call.endedAt ? formatDateTime(call.endedAt) : <Muted>Not yet</Muted>}
          </Item>
          <Item label="Duration">
            {call.durationSeconds !== null ? (
              formatDuration(call.durationSeconds)
            ) : (
              <Muted>In progress</Muted>
            )}
          </Item>
          <Item label="Ended because">
            {call.endedReason ? CALL_ENDED_REASON_LABELS[call.endedReason] : <Muted>—</Muted>}
          </Item>
          <Item label="Started by">
            <StartedBy startedBy={call.startedBy} />
          </Item>
          {call.sip && (
            <>
              <Item label="Caller">
                {call.sip.fromNumber ? formatDid(call.sip.fromNumber) : <Muted>Unknown</Muted>}
              </Item>
              <Item label="Number called">
                {call.sip.toNumber ? formatDid(call.sip.toNumber) : <Muted>Unknown</Muted>}
              </Item>
              <Item label="SIP call">
                <span className="mono">{call.sip.callId}</span>
              </Item>
            </>
          )}
        </dl>
      </section>

      <div className="call-layout">
        <div className="call-layout__main">
          <TranscriptCard call={call} />
          <ConfigCard call={call} />
        </div>
        <div className="call-layout__aside">
          <ParticipantsCard participants={call.participants} />
          <TimelineCard call={call} />
          <UsageCard
            usage={call.usage}
            reportedAt={call.reportedAt}
            ended={call.status === 'ended'}
          />
        </div>
      </div>
    </div>
  );
}

function Item({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function StartedBy({ startedBy }: { startedBy: string }) {
  const { label, id } = startedByParts(startedBy);
  return (
    <>
      {label}
      {id && <span className="mono call-summary__id">{id}</span>}
    </>
  );
}

function Muted({ children }: { children: ReactNode }) {
  return <span className="muted">{children}</span>;
}

function ParticipantsCard({ participants }: { participants: CallParticipant[] }) {
  return (
    <section className="card" aria-labelledby="call-participants-title">
      <h2 className="card__title" id="call-participants-title">
        Participants
      </h2>
      {participants.length === 0 ? (
        <p className="muted">Nobody has joined the room yet.</p>
      ) : (
        <ul className="participant-list" aria-label="Participants">
          {participants.map((participant) => (
            <li key={`${participant.identity}-${participant.joinedAt}`} className="participant">
              <span className="participant__identity mono">{participant.identity}</span>
              <span className="badge">{PARTICIPANT_KIND_LABELS[participant.kind]}</span>
              <span className="participant__times muted">
                joined {formatTimeOfDay(participant.joinedAt)}
                {participant.leftAt
                  ? `, left ${formatTimeOfDay(participant.leftAt)}`
                  : ', still in the call'}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function TimelineCard({ call }: { call: CallSessionDetail }) {
  return (
    <section className="card" aria-labelledby="call-timeline-title">
      <h2 className="card__title" id="call-timeline-title">
        Timeline
      </h2>
      <ol className="timeline" aria-label="Timeline">
        <li className="timeline__item">
          <time dateTime={call.createdAt}>{formatTimeOfDay(call.createdAt)}</time>
          <span>Call started, agent dispatched</span>
        </li>
        {call.events.map((event, index) => (
          <li key={`${event.type}-${event.at}-${index}`} className="timeline__item">
            <time dateTime={event.at}>{formatTimeOfDay(event.at)}</time>
            <span>
              {eventLabel(event.type)}
              {event.participant && (
                <>
                  {': '}
                  <span className="mono">{event.participant.identity}</span>{' '}
                  <span className="muted">({PARTICIPANT_KIND_LABELS[event.participant.kind]})</span>
                </>
              )}
            </span>
          </li>
        ))}
      </ol>
    </section>
  );
}

function TranscriptCard({ call }: { call: CallSessionDetail }) {
  return (
    <section className="card" aria-labelledby="call-transcript-title">
      <h2 className="card__title" id="call-transcript-title">
        Transcript
      </h2>
      {call.transcript === null ? (
        <p className="muted">
          {call.status === 'ended'
            ? 'No transcript reported: the agent worker did not send one for this call.'
            : 'No transcript reported yet: the agent worker sends it when the call ends.'}
        </p>
      ) : call.transcript.length === 0 ? (
        <p className="muted">The reported transcript is empty: nobody said anything.</p>
      ) : (
        <ol className="transcript" aria-label="Transcript">
          {call.transcript.map((entry, index) => (
            <li key={index} className={`transcript__entry transcript__entry--${entry.role}`}>
              <span className="transcript__who">{entry.role === 'agent' ? 'Agent' : 'Caller'}</span>
              <time className="transcript__time muted" dateTime={entry.startedAt}>
                {formatTimeOfDay(entry.startedAt)}
              </time>
              <p className="transcript__text">{entry.text}</p>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

const USAGE_LABELS: Record<keyof CallUsage, [string, (value: number) => string]> = {
  llmPromptTokens: ['LLM prompt tokens', (n) => n.toLocaleString()],
  llmCompletionTokens: ['LLM completion tokens', (n) => n.toLocaleString()],
  ttsCharacters: ['TTS characters', (n) => n.toLocaleString()],
  ttsAudioSeconds: ['TTS audio', (n) => `${n.toFixed(1)} s`],
  sttAudioSeconds: ['STT audio', (n) => `${n.toFixed(1)} s`],
};

function UsageCard({
  usage,
  reportedAt,
  ended,
}: {
  usage: CallUsage | null;
  reportedAt: string | null;
  ended: boolean;
}) {
  const rows = usage
    ? (Object.keys(USAGE_LABELS) as (keyof CallUsage)[]).flatMap((key) => {
        const value = usage[key];
        return value === undefined ? [] : [[key, value] as const];
      })
    : [];
  return (
    <section className="card" aria-labelledby="call-usage-title">
      <h2 className="card__title" id="call-usage-title">
        Usage
      </h2>
      {rows.length === 0 ? (
        <p className="muted">
          {reportedAt
            ? 'The agent worker reported no usage figures.'
            : ended
              ? 'No usage reported.'
              : 'Reported by the agent worker when the call ends.'}
        </p>
      ) : (
        <dl className="call-summary__list call-summary__list--narrow">
          {rows.map(([key, value]) => (
            <Item key={key} label={USAGE_LABELS[key][0]}>
              {USAGE_LABELS[key][1](value)}
            </Item>
          ))}
        </dl>
      )}
      {reportedAt && (
        <p className="muted call-usage__reported">Reported {formatDateTime(reportedAt)}</p>
      )}
    </section>
  );
}

type ConfigView = 'ran' | 'diff';

function ConfigCard({ call }: { call: CallSessionDetail }) {
  const [view, setView] = useState<ConfigView>('ran');
  return (
    <section className="card" aria-labelledby="call-config-title">
      <div className="card__header">
        <h2 className="card__title" id="call-config-title">
          Config
        </h2>
        <div className="segmented" role="group" aria-label="Config view">
          <button
            type="button"
            className="segmented__button"
            aria-pressed={view === 'ran'}
            onClick={() => setView('ran')}
          >
            What ran
          </button>
          <button
            type="button"
            className="segmented__button"
            aria-pressed={view === 'diff'}
            onClick={() => setView('diff')}
          >
            Diff against the agent now
          </button>
        </div>
      </div>
      {view === 'ran' ? (
        <>
          <p className="muted card__lead">
            The resolved config the agent worker was dispatched with (defaults filled in
            {call.overrides ? ', this call’s overrides merged' : ''}).
          </p>
          <pre className="json-view" aria-label="Config that ran" tabIndex={0}>
            {JSON.stringify(call.config, null, 2)}
          </pre>
          {call.overrides && (
            <>
              <h3 className="card__subtitle">Overrides given for this call</h3>
              <pre className="json-view" aria-label="Overrides" tabIndex={0}>
                {JSON.stringify(call.overrides, null, 2)}
              </pre>
            </>
          )}
        </>
      ) : call.agentId === null ? (
        <p className="muted">This call ran without a saved agent: there is nothing to compare.</p>
      ) : (
        <AgentDiff agentId={call.agentId} config={call.config} />
      )}
    </section>
  );
}

function AgentDiff({ agentId, config }: { agentId: string; config: Record<string, unknown> }) {
  // Fresh on every opening: "now" is the point of this view.
  const agent = trpc.agents.get.useQuery({ agentId }, { staleTime: 0 });
  if (errorCode(agent.error) === 'NOT_FOUND') {
    return <p className="muted">The agent has been deleted since: there is nothing to compare.</p>;
  }
  if (agent.isPending) {
    return (
      <p className="muted" role="status">
        Loading the agent…
      </p>
    );
  }
  if (agent.isError) {
    return (
      <p className="inline-error" role="alert">
        Could not load the agent: {describeApiError(agent.error)}
      </p>
    );
  }
  const all = diffConfigs(config, agent.data.config);
  const changes = all.filter((entry) => !isResolverDefault(entry));
  const defaults = all.filter(isResolverDefault);
  return (
    <div role="region" aria-label="Differences from the agent now">
      <p className="muted card__lead">
        What ran, compared with the config {agent.data.name} has saved now (version{' '}
        {agent.data.version}, updated {timeAgo(agent.data.updatedAt)}), path by path.
      </p>
      {changes.length === 0 ? (
        <p className="callout callout--info">
          Same config: the agent has not changed in what it sets since this call.
        </p>
      ) : (
        <DiffTable entries={changes} caption="Differences, path by path" />
      )}
      {defaults.length > 0 && (
        <details className="diff-defaults">
          <summary>
            {defaults.length === 1
              ? '1 value the call got from the defaults'
              : `${defaults.length} values the call got from the defaults`}
          </summary>
          <p className="muted card__lead">
            A call’s config is resolved: what the agent leaves out is filled in with Switchboard’s
            defaults, which the saved agent does not hold.
          </p>
          <DiffTable entries={defaults} caption="Values filled in by the defaults" fromDefaults />
        </details>
      )}
    </div>
  );
}

function DiffTable({
  entries,
  caption,
  fromDefaults = false,
}: {
  entries: ConfigDiffEntry[];
  caption: string;
  /** Entries of the resolver's filling-in: badged "default", not "removed". */
  fromDefaults?: boolean;
}) {
  return (
    <div className="diff diff--inline">
      <table className="diff__table" role="table">
        <caption className="visually-hidden">{caption}</caption>
        <thead className="diff__head">
          <tr role="row">
            <th scope="col" role="columnheader">
              Path
            </th>
            <th scope="col" role="columnheader">
              In the call
            </th>
            <th scope="col" role="columnheader">
              In the agent now
            </th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => (
            <DiffRow key={entry.path} entry={entry} fromDefaults={fromDefaults} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

const DIFF_KIND_LABELS: Record<ConfigDiffEntry['kind'], string> = {
  added: 'added',
  removed: 'removed',
  changed: 'changed',
};

function DiffRow({ entry, fromDefaults }: { entry: ConfigDiffEntry; fromDefaults: boolean }) {
  return (
    <tr role="row" className={`diff__row diff__row--${entry.kind}`}>
      <th scope="row" role="rowheader" className="diff__path">
        <code>{entry.path || '(whole config)'}</code>{' '}
        {fromDefaults ? (
          <span className="badge diff__kind">default</span>
        ) : (
          <span className={`badge diff__kind diff__kind--${entry.kind}`}>
            {DIFF_KIND_LABELS[entry.kind]}
          </span>
        )}
      </th>
      <td role="cell" className="diff__theirs" data-label="In the call">
        <pre>{entry.kind === 'added' ? '(not set)' : show(entry.before)}</pre>
      </td>
      <td role="cell" className="diff__mine" data-label="In the agent now">
        <pre>{entry.kind === 'removed' ? '(not set)' : show(entry.after)}</pre>
      </td>
    </tr>
  );
}

function show(value: unknown, max = 400): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value, null, 1);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function Breadcrumbs({ current }: { current: string }) {
  return (
    <nav className="breadcrumbs" aria-label="Breadcrumb">
      <ol>
        <li>
          <Link to="/calls">Calls</Link>
        </li>
        <li aria-current="page">{current}</li>
      </ol>
    </nav>
  );
}

function CallNotFound() {
  return (
    <div className="page">
      <title>Call not found · Switchboard</title>
      <Breadcrumbs current="Not found" />
      <div className="state">
        <h1 className="state__title">Call not found</h1>
        <p>There is no call at this address in this workspace.</p>
        <Link className="button button--primary" to="/calls">
          Back to calls
        </Link>
      </div>
    </div>
  );
}

function CallSkeleton() {
  return (
    <div className="page page--wide" aria-busy="true">
      <title>Call · Switchboard</title>
      <p className="visually-hidden" role="status">
        Loading call…
      </p>
      <div aria-hidden="true">
        <span className="skeleton skeleton--crumb" />
        <span className="skeleton skeleton--heading" />
        <span className="skeleton skeleton--card" />
      </div>
    </div>
  );
}
