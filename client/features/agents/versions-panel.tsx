import { useId, useState } from 'react';
import type { AgentVersionSummary, VersionSelector } from '../../../shared/agent-version.schema.ts';
import { ConfirmDeleteDialog } from '../../components/confirm-delete-dialog.tsx';
import { Field } from '../../components/field.tsx';
import { LoadMore } from '../../components/load-more.tsx';
import { ModalDialog } from '../../components/modal-dialog.tsx';
import { apiErrorInfo, describeApiError } from '../../lib/api-error.ts';
import { formatDateTime, timeAgo } from '../../lib/format.ts';
import { toast } from '../../lib/toast-store.ts';
import { trpc } from '../../lib/trpc.ts';
import { useCan } from '../account/account-context.ts';
import { useStoreSavedAgent, type Agent } from './agent-cache.ts';
import { useAuthorNames, useVersionsChanged } from './version-cache.ts';
import { VersionDiff } from './version-diff.tsx';
import { VersionNoteField } from './version-note-field.tsx';
import {
  describeAuthor,
  parseSide,
  deleteVersionProblem,
  restoreOutcome,
  sideLabel,
  sideValue,
  versionName,
  type AuthorNames,
} from './version-labels.ts';
import './versions.css';

const PAGE_SIZE = 10;

/**
 * An agent's published versions, newest first: who published each, when and why, a comparison of
 * any two sides (the draft, the published version, any vN), and restoring one into the draft.
 */
export function VersionsPanel({ agent }: { agent: Agent }) {
  const canWrite = useCan('agents:write');
  const names = useAuthorNames();
  const list = trpc.agents.versions.useInfiniteQuery(
    { agentId: agent.id, limit: PAGE_SIZE },
    { getNextPageParam: (page) => page.nextCursor ?? undefined },
  );
  const [compare, setCompare] = useState<{ from: VersionSelector; to: VersionSelector }>({
    from: 'published',
    to: 'draft',
  });
  const [toRestore, setToRestore] = useState<AgentVersionSummary | null>(null);
  const [toDelete, setToDelete] = useState<AgentVersionSummary | null>(null);
  const deleteVersion = useDeleteVersion(agent.id);
  const versions = list.data?.pages.flatMap((page) => page.items) ?? [];
  const latest = versions[0]?.version ?? null;

  const showCompare = (from: VersionSelector, to: VersionSelector) => {
    setCompare({ from, to });
    requestAnimationFrame(() =>
      document.getElementById(`compare-${agent.id}`)?.scrollIntoView({ block: 'nearest' }),
    );
  };

  return (
    <section className="card versions-panel" aria-labelledby={`versions-title-${agent.id}`}>
      <div className="card__header">
        <h2 className="card__title" id={`versions-title-${agent.id}`}>
          Versions
        </h2>
      </div>
      <p className="muted card__lead">
        Each publish is an immutable version; history is never rewritten. Restoring copies an old
        version into the draft.
      </p>
      {list.isPending ? (
        <p className="muted" role="status">
          Loading versions…
        </p>
      ) : list.isError ? (
        <p className="inline-error" role="alert">
          Could not load versions: {describeApiError(list.error)}
        </p>
      ) : (
        <>
          <ol className="version-list" aria-label="Version history">
            {versions.map((version) => (
              <VersionRow
                key={version.version}
                version={version}
                published={version.version === latest}
                names={names}
                onCompare={
                  version.parentVersion !== null
                    ? () => showCompare(version.parentVersion ?? 1, version.version)
                    : undefined
                }
                onRestore={canWrite ? () => setToRestore(version) : undefined}
                // The published version cannot be deleted (the server says so too).
                onDelete={
                  canWrite && version.version !== latest ? () => setToDelete(version) : undefined
                }
              />
            ))}
          </ol>
          <LoadMore list={list} noun="versions" />
        </>
      )}

      <CompareSection
        id={`compare-${agent.id}`}
        agentId={agent.id}
        versions={versions}
        from={compare.from}
        to={compare.to}
        onChange={setCompare}
      />
      <RestoreDialog agent={agent} version={toRestore} onClose={() => setToRestore(null)} />
      <ConfirmDeleteDialog
        item={toDelete}
        title={(item) => (item ? `Delete ${versionName(item.version)}?` : 'Delete version?')}
        confirmLabel="Delete version"
        onCancel={() => setToDelete(null)}
        onConfirm={(item) => {
          setToDelete(null);
          deleteVersion(item.version);
          // A comparison with the deleted version has nothing left to show.
          if (compare.from === item.version || compare.to === item.version) {
            setCompare({ from: 'published', to: 'draft' });
          }
        }}
      >
        <p>
          The version leaves the history: it can no longer be compared, restored or pinned, and its
          number is never used again. Calls already made keep saying which version they ran.
        </p>
      </ConfirmDeleteDialog>
    </section>
  );
}

interface VersionRowProps {
  version: AgentVersionSummary;
  /** The latest version: the one calls and numbers following "Published" run. */
  published: boolean;
  names: AuthorNames;
  onCompare: (() => void) | undefined;
  /** Left out for a role without `agents:write`. */
  onRestore: (() => void) | undefined;
  /** Left out for a role without `agents:write`, and for the published version. */
  onDelete: (() => void) | undefined;
}

function VersionRow({
  version,
  published,
  names,
  onCompare,
  onRestore,
  onDelete,
}: VersionRowProps) {
  const name = versionName(version.version);
  return (
    <li className="version-row" aria-label={name}>
      <div className="version-row__main">
        <span className="version-row__name">{name}</span>
        {published && <span className="badge badge--accent">Published</span>}
        {version.restoredFrom !== null && (
          <span className="badge">Restored from {versionName(version.restoredFrom)}</span>
        )}
        <span className="version-row__meta muted">
          by {describeAuthor(version.publishedBy, names)},{' '}
          <time dateTime={version.publishedAt} title={formatDateTime(version.publishedAt)}>
            {timeAgo(version.publishedAt)}
          </time>
        </span>
      </div>
      {version.note && <p className="version-row__note">{version.note}</p>}
      <div className="version-row__actions">
        {onCompare && (
          <button
            type="button"
            className="button button--small"
            onClick={onCompare}
            aria-label={`Compare ${name} with the version before it`}
          >
            Changes
          </button>
        )}
        {onRestore && (
          <button
            type="button"
            className="button button--small"
            onClick={onRestore}
            aria-label={`Restore ${name}`}
          >
            Restore…
          </button>
        )}
        {onDelete && (
          <button
            type="button"
            className="button button--ghost button--small"
            onClick={onDelete}
            aria-label={`Delete ${name}`}
          >
            Delete…
          </button>
        )}
      </div>
    </li>
  );
}

/**
 * Deletes a version; a toast says how it went. A version phone numbers are pinned to is refused
 * (`version-pinned`, naming them): the toast says which numbers to move first.
 */
function useDeleteVersion(agentId: string) {
  const versionsChanged = useVersionsChanged();
  const mutation = trpc.agents.deleteVersion.useMutation();
  return (version: number) => {
    const name = versionName(version);
    mutation.mutate(
      { agentId, version },
      {
        onSuccess: () => toast.success(`Deleted ${name}`),
        onError: (error) => toast.error(deleteVersionProblem(name, apiErrorInfo(error))),
        onSettled: () => versionsChanged(agentId),
      },
    );
  };
}

interface CompareSectionProps {
  id: string;
  agentId: string;
  versions: readonly AgentVersionSummary[];
  from: VersionSelector;
  to: VersionSelector;
  onChange: (sides: { from: VersionSelector; to: VersionSelector }) => void;
}

/** Two pickers (draft, published, each loaded version) and the diff between them. */
function CompareSection({ id, agentId, versions, from, to, onChange }: CompareSectionProps) {
  const fieldId = useId();
  const options: VersionSelector[] = [
    'draft',
    'published',
    ...versions.map((version) => version.version),
  ];
  // A side picked by "Changes" may be a version not loaded yet: it is offered all the same.
  for (const side of [from, to]) if (!options.includes(side)) options.push(side);

  const picker = (which: 'from' | 'to', label: string, value: VersionSelector) => (
    <Field id={`${fieldId}-${which}`} label={label}>
      {(control) => (
        <select
          {...control}
          className="input input--select"
          value={sideValue(value)}
          onChange={(event) => {
            const side = parseSide(event.target.value);
            if (side !== null) onChange({ from, to, [which]: side });
          }}
        >
          {options.map((option) => (
            <option key={sideValue(option)} value={sideValue(option)}>
              {sideLabel(option)}
            </option>
          ))}
        </select>
      )}
    </Field>
  );

  return (
    <div className="version-compare" id={id}>
      <h3 className="version-compare__title">Compare</h3>
      <div className="version-compare__pickers">
        {picker('from', 'From', from)}
        {picker('to', 'To', to)}
      </div>
      <VersionDiff agentId={agentId} from={from} to={to} />
    </div>
  );
}

interface RestoreDialogProps {
  agent: Agent;
  version: AgentVersionSummary | null;
  onClose: () => void;
}

/** Asks before copying a version into the draft, optionally publishing it as a new version. */
function RestoreDialog({ agent, version, onClose }: RestoreDialogProps) {
  const utils = trpc.useUtils();
  const storeSavedAgent = useStoreSavedAgent();
  const versionsChanged = useVersionsChanged();
  const restore = trpc.agents.restore.useMutation();
  const [publish, setPublish] = useState(false);
  const [note, setNote] = useState('');
  const fieldId = useId();
  const name = version ? versionName(version.version) : '';

  const close = () => {
    if (restore.isPending) return;
    setPublish(false);
    setNote('');
    restore.reset();
    onClose();
  };

  const submit = () => {
    if (!version) return;
    const trimmed = note.trim();
    restore.mutate(
      {
        agentId: agent.id,
        version: version.version,
        publish,
        // The draft on screen is the one being replaced: a save made since is a CONFLICT.
        expectedVersion: agent.version,
        ...(publish && trimmed && { note: trimmed }),
      },
      {
        onSuccess: (result) => {
          storeSavedAgent(result.agent);
          versionsChanged(agent.id);
          toast.success(restoreOutcome(version.version, result.published));
          setPublish(false);
          setNote('');
          onClose();
        },
        onError: (error) => {
          // Load the draft that won, so a second try replaces what is really there.
          if (apiErrorInfo(error).code === 'CONFLICT') {
            void utils.agents.get.fetch({ agentId: agent.id }, { staleTime: 0 }).then(
              (latest) => utils.agents.get.setData({ agentId: agent.id }, latest),
              () => undefined,
            );
          }
        },
      },
    );
  };

  const conflict = restore.isError && apiErrorInfo(restore.error).code === 'CONFLICT';

  return (
    <ModalDialog
      open={version !== null}
      title={`Restore ${name}?`}
      onClose={close}
      actions={
        <>
          <button type="button" className="button" onClick={close} disabled={restore.isPending}>
            Cancel
          </button>
          <button
            type="button"
            className="button button--primary"
            onClick={submit}
            disabled={restore.isPending}
          >
            {restore.isPending
              ? 'Restoring…'
              : publish
                ? `Restore ${name} and publish`
                : `Restore ${name}`}
          </button>
        </>
      }
    >
      <p>
        {name}’s config replaces the draft’s: changes in the draft that were never published are
        lost. No version is changed or deleted;{' '}
        {publish
          ? 'the copy is published as a new version that says it was restored from ' + name + '.'
          : 'nothing goes live until you publish.'}
      </p>
      {restore.isError && (
        <div className="callout callout--error" role="alert">
          <p>
            {conflict
              ? 'The draft was saved elsewhere since you opened this: nothing was restored. The latest draft is loaded now; restore again to replace it.'
              : `Not restored: ${describeApiError(restore.error)}`}
          </p>
        </div>
      )}
      <label className="checkbox-field">
        <input
          type="checkbox"
          checked={publish}
          onChange={(event) => setPublish(event.target.checked)}
        />
        Publish it right away as a new version
      </label>
      {publish && (
        <VersionNoteField
          id={`${fieldId}-note`}
          hint="Optional: why, for the history (e.g. “Back to the old greeting”)."
          value={note}
          onChange={setNote}
        />
      )}
    </ModalDialog>
  );
}
