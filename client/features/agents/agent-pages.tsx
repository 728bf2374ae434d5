import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { describeApiError } from '../../lib/api-error.ts';
import { formatDateTime, timeAgo } from '../../lib/format.ts';
import { errorCode, trpc } from '../../lib/trpc.ts';
import { useCan } from '../account/account-context.ts';
import { NoAccess } from '../account/no-access.tsx';
import { RecentCalls } from '../calls/recent-calls.tsx';
import { TalkPanel } from '../session/talk-panel.tsx';
import { useDeleteAgent, type Agent } from './agent-cache.ts';
import { AgentEditor } from './agent-editor.tsx';
import { AgentTransferActions } from './agent-transfer.tsx';
import { DeleteAgentDialog } from './delete-agent-dialog.tsx';
import { PublishBar } from './publish-bar.tsx';
import { VersionsPanel } from './versions-panel.tsx';

const OBJECT_ID = /^[0-9a-f]{24}$/i;

export function AgentCreatePage() {
  const canWrite = useCan('agents:write');
  if (!canWrite) return <NoAccess title="New agent" permission="agents:write" />;
  return (
    <div className="page">
      <title>New agent · Switchboard</title>
      <Breadcrumbs current="New agent" />
      <header className="page-header">
        <div>
          <h1 className="page-header__title">New agent</h1>
          <p className="page-header__subtitle">
            Give it a name and instructions; everything else can be filled in later.
          </p>
        </div>
      </header>
      <AgentEditor agent={null} />
    </div>
  );
}

export function AgentPage() {
  const { agentId = '' } = useParams();
  const validId = OBJECT_ID.test(agentId);
  const query = trpc.agents.get.useQuery({ agentId }, { enabled: validId });

  if (!validId || errorCode(query.error) === 'NOT_FOUND') {
    return <AgentNotFound />;
  }
  if (query.isPending) return <AgentPageSkeleton />;
  if (query.isError) {
    return (
      <div className="page">
        <title>Agent · Switchboard</title>
        <Breadcrumbs current="Agent" />
        <div className="state state--error" role="alert">
          <h1 className="state__title">Could not load this agent</h1>
          <p>{describeApiError(query.error)}</p>
          <button type="button" className="button" onClick={() => void query.refetch()}>
            Try again
          </button>
        </div>
      </div>
    );
  }
  return <AgentDetail agent={query.data} />;
}

function AgentDetail({ agent }: { agent: Agent }) {
  const navigate = useNavigate();
  const [confirmDelete, setConfirmDelete] = useState(false);
  const { deleteAgent } = useDeleteAgent();
  const canWrite = useCan('agents:write');
  const canReadAudit = useCan('audit:read');

  return (
    <div className="page page--wide">
      <title>{`${agent.name} · Switchboard`}</title>
      <Breadcrumbs current={agent.name} />
      <header className="page-header">
        <div className="page-header__text">
          <h1 className="page-header__title">{agent.name}</h1>
          <p className="page-header__subtitle">
            Version {agent.version} · updated{' '}
            <time dateTime={agent.updatedAt} title={formatDateTime(agent.updatedAt)}>
              {timeAgo(agent.updatedAt)}
            </time>{' '}
            · <span className="mono">{agent.id}</span>
          </p>
        </div>
        <div className="page-header__actions">
          {canReadAudit && (
            <Link className="button button--ghost" to={`/audit?agent=${agent.id}`}>
              History
            </Link>
          )}
          <AgentTransferActions agent={agent} />
          {canWrite && (
            <button
              type="button"
              className="button button--ghost-danger"
              onClick={() => setConfirmDelete(true)}
            >
              Delete agent
            </button>
          )}
        </div>
      </header>
      <div className="agent-layout">
        <aside className="agent-layout__aside" aria-label="Talk to this agent">
          <TalkPanel key={agent.id} agent={agent} />
          <RecentCalls key={`calls-${agent.id}`} agentId={agent.id} />
        </aside>
        <div className="agent-layout__main">
          <PublishBar key={`publish-${agent.id}`} agent={agent} />
          <AgentEditor key={agent.id} agent={agent} readOnly={!canWrite} />
          <VersionsPanel key={`versions-${agent.id}`} agent={agent} />
        </div>
      </div>
      <DeleteAgentDialog
        agent={confirmDelete ? agent : null}
        onCancel={() => setConfirmDelete(false)}
        onConfirm={(target) => {
          setConfirmDelete(false);
          deleteAgent(target);
          // Optimistic like the list: if the server says no, a toast says so and the agent is back.
          void navigate('/agents');
        }}
      />
    </div>
  );
}

function Breadcrumbs({ current }: { current: string }) {
  return (
    <nav className="breadcrumbs" aria-label="Breadcrumb">
      <ol>
        <li>
          <Link to="/agents">Agents</Link>
        </li>
        <li aria-current="page">{current}</li>
      </ol>
    </nav>
  );
}

function AgentNotFound() {
  return (
    <div className="page">
      <title>Agent not found · Switchboard</title>
      <Breadcrumbs current="Not found" />
      <div className="state">
        <h1 className="state__title">Agent not found</h1>
        <p>There is no agent at this address. It may have been deleted.</p>
        <Link className="button button--primary" to="/agents">
          Back to agents
        </Link>
      </div>
    </div>
  );
}

function AgentPageSkeleton() {
  return (
    <div className="page page--wide" aria-busy="true">
      <title>Agent · Switchboard</title>
      <p className="visually-hidden" role="status">
        Loading agent…
      </p>
      <div aria-hidden="true">
        <span className="skeleton skeleton--crumb" />
        <span className="skeleton skeleton--heading" />
        <span className="skeleton skeleton--text" />
        <div className="agent-layout">
          <div className="agent-layout__aside">
            <span className="skeleton skeleton--card" />
          </div>
          <div className="agent-layout__main">
            <span className="skeleton skeleton--card skeleton--tall" />
          </div>
        </div>
      </div>
    </div>
  );
}
