import { useState } from 'react';
import { ModalDialog } from '../../components/modal-dialog.tsx';
import { apiErrorInfo, describeApiError } from '../../lib/api-error.ts';
import { toast } from '../../lib/toast-store.ts';
import { trpc } from '../../lib/trpc.ts';
import { useCan } from '../account/account-context.ts';
import type { Agent } from './agent-cache.ts';
import { useDraftStatus, useVersionsChanged } from './version-cache.ts';
import { publishOutcome, summarizeChanges, versionName } from './version-labels.ts';
import { VersionNoteField } from './version-note-field.tsx';
import './versions.css';

/**
 * Where the agent stands: its draft (what the editor saves) against its published version (what
 * calls and numbers run), and the Publish button that makes the saved draft live.
 */
export function PublishBar({ agent }: { agent: Agent }) {
  const canWrite = useCan('agents:write');
  const status = useDraftStatus(agent.id);
  const [publishing, setPublishing] = useState(false);
  const changes = status.data?.changes ?? [];
  const published = status.data?.from.version ?? null;

  return (
    <section className="card publish-bar" aria-label="Publishing">
      <div className="publish-bar__state" role="status">
        {status.isPending ? (
          <span className="muted">Checking the draft against the published version…</span>
        ) : status.isError ? (
          <span className="inline-error">
            Could not compare the draft with the published version: {describeApiError(status.error)}
          </span>
        ) : changes.length > 0 ? (
          <>
            <span className="badge badge--warning">Unpublished changes</span>
            <span className="muted">
              The saved draft differs from {published ? versionName(published) : 'the published'} (
              {summarizeChanges(changes)}); calls and numbers still run{' '}
              {published ? versionName(published) : 'the published version'}.
            </span>
          </>
        ) : (
          <>
            <span className="badge badge--accent">
              Published {published ? versionName(published) : ''}
            </span>
            <span className="muted">The saved draft is what calls and numbers run.</span>
          </>
        )}
      </div>
      {canWrite && (
        <button
          type="button"
          className={`button${changes.length > 0 ? ' button--primary' : ''}`}
          onClick={() => setPublishing(true)}
        >
          Publish…
        </button>
      )}
      <PublishDialog
        agent={agent}
        open={publishing}
        changeSummary={summarizeChanges(changes)}
        onClose={() => setPublishing(false)}
      />
    </section>
  );
}

interface PublishDialogProps {
  agent: Agent;
  open: boolean;
  changeSummary: string;
  onClose: () => void;
}

function PublishDialog({ agent, open, changeSummary, onClose }: PublishDialogProps) {
  const utils = trpc.useUtils();
  const versionsChanged = useVersionsChanged();
  const publish = trpc.agents.publish.useMutation();
  const [note, setNote] = useState('');
  // The draft moved on while the dialog was open: what would go live is not what was reviewed.
  const [conflict, setConflict] = useState<number | null>(null);

  const close = () => {
    if (publish.isPending) return;
    setConflict(null);
    setNote('');
    publish.reset();
    onClose();
  };

  const submit = () => {
    const trimmed = note.trim();
    publish.mutate(
      // The draft on screen is the one reviewed: a save made since is a CONFLICT, not published.
      { agentId: agent.id, expectedVersion: agent.version, ...(trimmed && { note: trimmed }) },
      {
        onSuccess: (result) => {
          versionsChanged(agent.id);
          (result.status === 'published' ? toast.success : toast.info)(
            publishOutcome(result, agent.name),
          );
          setNote('');
          setConflict(null);
          onClose();
        },
        onError: (error) => {
          const info = apiErrorInfo(error);
          if (info.code === 'CONFLICT') {
            const details = info.details;
            setConflict(
              details?.reason === 'version-conflict' ? details.currentVersion : agent.version + 1,
            );
          }
        },
      },
    );
  };

  const reload = () => {
    void utils.agents.get.fetch({ agentId: agent.id }, { staleTime: 0 }).then(
      (latest) => {
        utils.agents.get.setData({ agentId: agent.id }, latest);
        void utils.agents.diff.invalidate({ agentId: agent.id });
        setConflict(null);
        publish.reset();
      },
      (error: unknown) => toast.error(`Could not reload: ${describeApiError(error)}`),
    );
  };

  const failed = publish.isError && conflict === null;

  return (
    <ModalDialog
      open={open}
      title={`Publish “${agent.name}”`}
      onClose={close}
      actions={
        <>
          <button type="button" className="button" onClick={close} disabled={publish.isPending}>
            Cancel
          </button>
          {conflict !== null ? (
            <button type="button" className="button button--primary" onClick={reload}>
              Reload the draft
            </button>
          ) : (
            <button
              type="button"
              className="button button--primary"
              onClick={submit}
              disabled={publish.isPending}
            >
              {publish.isPending ? 'Publishing…' : 'Publish'}
            </button>
          )}
        </>
      }
    >
      <p>
        Publishing makes the <strong>saved draft</strong> a new immutable version. Whatever runs the
        published version runs it from then on: phone numbers that follow “Published”, and calls
        started without a version. Numbers pinned to a version keep theirs.
      </p>
      <p className="muted publish-dialog__summary">
        {changeSummary
          ? `Since the published version: ${changeSummary}.`
          : 'The saved draft looks the same as the published version.'}{' '}
        Edits not saved in the form are not included.
      </p>
      {conflict !== null && (
        <div className="callout callout--error" role="alert">
          <p>
            The draft was saved elsewhere (it is now at version {conflict}) since you loaded it.{' '}
            <strong>Nothing was published.</strong> Reload the draft and review it before
            publishing.
          </p>
        </div>
      )}
      {failed && (
        <div className="callout callout--error" role="alert">
          <p>Not published: {describeApiError(publish.error)}</p>
        </div>
      )}
      <VersionNoteField
        id={`publish-note-${agent.id}`}
        hint="Optional: why this change, for the history (e.g. “Shorter greeting”)."
        value={note}
        onChange={setNote}
      />
    </ModalDialog>
  );
}
