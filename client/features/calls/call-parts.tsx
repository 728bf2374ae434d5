import { Link } from 'react-router';
import type { CallStatus } from '../../../shared/call-session.schema.ts';
import { errorCode, trpc } from '../../lib/trpc.ts';
import { CALL_STATUS_LABELS, statusTone } from './call-labels.ts';

/**
 * While a shown call is not over, its page asks again this often. TanStack Query stops the
 * interval while the tab is hidden (refetchIntervalInBackground is off) and when the page unmounts.
 */
export const LIVE_POLL_MS = 4000;

/** Calls name their agent by id: the names come from `agents.get`, once per agent (cached). */
const AGENT_NAME_STALE_MS = 60_000;

/** What the page knows of an agent's name: loading, the name, or gone (deleted, or never ours). */
export type AgentName = { state: 'loading' } | { state: 'known'; name: string } | { state: 'gone' };

export function useAgentNames(agentIds: readonly string[]): ReadonlyMap<string, AgentName> {
  const ids = [...new Set(agentIds)];
  const results = trpc.useQueries((t) =>
    ids.map((agentId) => t.agents.get({ agentId }, { staleTime: AGENT_NAME_STALE_MS })),
  );
  return new Map(
    ids.map((id, index): [string, AgentName] => {
      const result = results[index];
      if (result?.data) return [id, { state: 'known', name: result.data.name }];
      if (errorCode(result?.error) === 'NOT_FOUND') return [id, { state: 'gone' }];
      return [id, { state: 'loading' }];
    }),
  );
}

/** The agent a call ran, linked while it exists. */
export function AgentCell({
  agentId,
  names,
}: {
  agentId: string | null;
  names: ReadonlyMap<string, AgentName>;
}) {
  if (agentId === null) return <span className="muted">No saved agent</span>;
  const name = names.get(agentId);
  if (name?.state === 'gone') return <span className="muted">Deleted agent</span>;
  return (
    <Link to={`/agents/${agentId}`}>
      {name?.state === 'known' ? name.name : <span className="mono">{agentId.slice(-8)}</span>}
    </Link>
  );
}

export function CallStatusPill({ status }: { status: CallStatus }) {
  return (
    <span className={`status-pill status-pill--${statusTone(status)}`}>
      <span className="status-pill__dot" aria-hidden="true" />
      <span>{CALL_STATUS_LABELS[status]}</span>
    </span>
  );
}
