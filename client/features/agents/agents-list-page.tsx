import { keepPreviousData } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState } from 'react';
import { Link, useLocation, useSearchParams } from 'react-router';
import { describeApiError } from '../../lib/api-error.ts';
import { timeAgo } from '../../lib/format.ts';
import { isPlainObject } from '../../lib/json.ts';
import { trpc } from '../../lib/trpc.ts';
import { useCan } from '../account/account-context.ts';
import { useDeleteAgent, type Agent } from './agent-cache.ts';
import { DeleteAgentDialog } from './delete-agent-dialog.tsx';
import { ImportAgentButton } from './agent-transfer.tsx';
import { LoadMore } from '../../components/load-more.tsx';

const PAGE_SIZE = 20;
const SEARCH_DEBOUNCE_MS = 300;
/** The server's `query` limit (QUERY_MAX_LENGTH in shared/agent.schema.ts). */
const QUERY_MAX_LENGTH = 120;

export function AgentsListPage() {
  const [searchParams, setSearchParams] = useSearchParams();
  const { pathname } = useLocation();
  const query = searchParams.get('q')?.trim() ?? '';
  const [text, setText] = useState(query);
  const [toDelete, setToDelete] = useState<Agent | null>(null);
  const { deleteAgent } = useDeleteAgent();
  const searchId = useId();
  const canWrite = useCan('agents:write');

  // The search lives in the URL (?q=), so a reload or a shared link shows the same list. Back and
  // forward change the URL under us: the box follows, unless the change is our own write (the
  // box may be a letter ahead of it by then). Adjusted while rendering, not in an effect.
  const [shownQuery, setShownQuery] = useState(query);
  const [written, setWritten] = useState<string | null>(null);
  if (query !== shownQuery) {
    setShownQuery(query);
    if (query === written) setWritten(null);
    else if (text.trim() !== query) setText(query);
  }

  const pending = useRef({ timer: 0 });
  useEffect(() => {
    const search = pending.current;
    return () => window.clearTimeout(search.timer);
  }, []);

  /** Puts `next` in the URL, if this page is still the one the browser shows. */
  const writeSearch = (next: string) => {
    window.clearTimeout(pending.current.timer);
    const q = next.trim();
    // A click on an agent may have navigated already while this page is still mounted (React
    // Router renders the next page in a transition, e.g. while its code loads): a search written
    // now would replace that page's history entry and send the user back here.
    if (window.location.pathname !== pathname) return;
    if ((new URLSearchParams(window.location.search).get('q')?.trim() ?? '') === q) return;
    setWritten(q);
    setSearchParams(q ? { q } : {}, { replace: true });
  };

  /** The box changed: the URL follows once typing pauses. */
  const onSearchInput = (next: string) => {
    setText(next);
    window.clearTimeout(pending.current.timer);
    pending.current.timer = window.setTimeout(() => writeSearch(next), SEARCH_DEBOUNCE_MS);
  };

  const clearSearch = () => {
    setText('');
    writeSearch('');
  };

  const list = trpc.agents.list.useInfiniteQuery(
    { limit: PAGE_SIZE, ...(query && { query }) },
    {
      getNextPageParam: (page) => page.nextCursor ?? undefined,
      placeholderData: keepPreviousData,
    },
  );
  const agents = list.data?.pages.flatMap((page) => page.items) ?? [];
  const searching = list.isPlaceholderData || text.trim() !== query;

  return (
    <div className="page">
      <title>Agents · Switchboard</title>
      <header className="page-header">
        <div>
          <h1 className="page-header__title">Agents</h1>
          <p className="page-header__subtitle">
            {canWrite
              ? 'Voice agents and their configuration. Open one to edit it or to talk to it.'
              : 'Voice agents and their configuration. Open one to read it or to talk to it.'}
          </p>
        </div>
        {canWrite && (
          <div className="page-header__actions">
            <ImportAgentButton />
            <Link className="button button--primary" to="/agents/new">
              New agent
            </Link>
          </div>
        )}
      </header>

      <div className="toolbar" role="search">
        <label className="visually-hidden" htmlFor={searchId}>
          Search agents by name
        </label>
        <input
          id={searchId}
          className="input input--search"
          type="search"
          placeholder="Search agents by name…"
          value={text}
          maxLength={QUERY_MAX_LENGTH}
          onChange={(event) => onSearchInput(event.target.value)}
          autoComplete="off"
        />
        <span className="toolbar__status" role="status" aria-live="polite">
          {searching
            ? 'Searching…'
            : query && list.isSuccess
              ? resultsLabel(agents.length, list.hasNextPage)
              : ''}
        </span>
      </div>

      {list.isPending ? (
        <ListSkeleton />
      ) : list.isError && agents.length === 0 ? (
        <div className="state state--error" role="alert">
          <h2 className="state__title">Could not load agents</h2>
          <p>{describeApiError(list.error)}</p>
          <button type="button" className="button" onClick={() => void list.refetch()}>
            Try again
          </button>
        </div>
      ) : agents.length === 0 ? (
        query ? (
          <div className="state">
            <h2 className="state__title">No agents match “{query}”</h2>
            <p>Search looks at agent names. Try fewer letters, or clear the search.</p>
            <button type="button" className="button" onClick={clearSearch}>
              Clear search
            </button>
          </div>
        ) : (
          <div className="state state--empty">
            <h2 className="state__title">No agents yet</h2>
            {canWrite ? (
              <>
                <p>
                  An agent is a saved voice-agent configuration: its instructions, voice, model and
                  tools. Create one, then talk to it from the browser.
                </p>
                <Link className="button button--primary" to="/agents/new">
                  Create your first agent
                </Link>
              </>
            ) : (
              <p>
                An agent is a saved voice-agent configuration. Nobody has made one in this workspace
                yet; your role can read agents and talk to them, not create them.
              </p>
            )}
          </div>
        )
      ) : (
        <>
          <ul className={`agent-list${searching ? ' agent-list--stale' : ''}`} aria-label="Agents">
            {agents.map((agent) => (
              <AgentRow
                key={agent.id}
                agent={agent}
                onDelete={canWrite ? () => setToDelete(agent) : undefined}
              />
            ))}
          </ul>
          <LoadMore list={list} noun="agents" />
        </>
      )}

      <DeleteAgentDialog
        agent={toDelete}
        onCancel={() => setToDelete(null)}
        onConfirm={(agent) => {
          setToDelete(null);
          deleteAgent(agent);
        }}
      />
    </div>
  );
}

function resultsLabel(count: number, more: boolean): string {
  if (count === 0) return 'No matches';
  return `${count}${more ? '+' : ''} ${count === 1 && !more ? 'match' : 'matches'}`;
}

/** A string inside a config section, if it is one (configs are free-form JSON). */
function readText(config: Record<string, unknown>, section: string, key: string): string {
  const object = config[section];
  const value = isPlainObject(object) ? object[key] : undefined;
  return typeof value === 'string' ? value : '';
}

function AgentRow({ agent, onDelete }: { agent: Agent; onDelete: (() => void) | undefined }) {
  const model = [readText(agent.config, 'llm', 'provider'), readText(agent.config, 'llm', 'model')]
    .filter(Boolean)
    .join(' · ');
  const voice = readText(agent.config, 'tts', 'voice');
  return (
    <li className="agent-row">
      <div className="agent-row__main">
        <Link className="agent-row__name" to={`/agents/${agent.id}`}>
          {agent.name}
        </Link>
        <p className="agent-row__description">{agent.description || 'No description'}</p>
      </div>
      <dl className="agent-row__meta">
        {model && (
          <div>
            <dt>Model</dt>
            <dd>{model}</dd>
          </div>
        )}
        {voice && (
          <div>
            <dt>Voice</dt>
            <dd>{voice}</dd>
          </div>
        )}
        <div>
          <dt>Updated</dt>
          <dd>
            <time dateTime={agent.updatedAt} title={agent.updatedAt}>
              {timeAgo(agent.updatedAt)}
            </time>
          </dd>
        </div>
      </dl>
      {onDelete && (
        <div className="agent-row__actions">
          <button
            type="button"
            className="button button--ghost button--small"
            onClick={onDelete}
            aria-label={`Delete ${agent.name}`}
          >
            Delete
          </button>
        </div>
      )}
    </li>
  );
}

function ListSkeleton() {
  return (
    <div aria-busy="true">
      <p className="visually-hidden" role="status">
        Loading agents…
      </p>
      <ul className="agent-list" aria-hidden="true">
        {Array.from({ length: 4 }, (_, index) => (
          <li key={index} className="agent-row agent-row--skeleton">
            <div className="agent-row__main">
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
