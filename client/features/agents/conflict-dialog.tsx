import { useEffect, useRef, useState } from 'react';
import { ModalDialog } from '../../components/modal-dialog.tsx';
import type { Agent } from './agent-cache.ts';
import { diffAgents, showValue } from './agent-diff.ts';

export interface ConflictState {
  /** The version the user's edits started from. */
  baseVersion: number;
  /** What the user tried to save. */
  mine: { name: string; description: string; config: Record<string, unknown> };
  /** The stored agent now, once fetched. */
  theirs: Agent | null;
  loadError: string | null;
}

interface ConflictDialogProps {
  conflict: ConflictState | null;
  onReload: () => void;
  onOverwrite: () => void;
  onKeepEditing: () => void;
  busy: boolean;
}

/**
 * A save found a newer version: nothing was written. The user reloads theirs, looks at the
 * difference, and only from there may choose to save over it, knowingly.
 */
export function ConflictDialog({
  conflict,
  onReload,
  onOverwrite,
  onKeepEditing,
  busy,
}: ConflictDialogProps) {
  const [showDiff, setShowDiff] = useState(false);
  const diffRef = useRef<HTMLDivElement>(null);
  // The difference takes the focus (the button that opened it is gone), never the overwrite button.
  useEffect(() => {
    if (showDiff) diffRef.current?.focus();
  }, [showDiff]);
  const theirs = conflict?.theirs ?? null;
  const diff =
    conflict && theirs
      ? diffAgents(conflict.mine, {
          name: theirs.name,
          description: theirs.description,
          config: theirs.config,
        })
      : [];
  const close = () => {
    setShowDiff(false);
    onKeepEditing();
  };

  return (
    <ModalDialog
      open={conflict !== null}
      title="This agent was changed elsewhere"
      onClose={close}
      role="alertdialog"
      size={showDiff ? 'large' : 'small'}
      actions={
        <>
          <button type="button" className="button" onClick={close}>
            Keep editing
          </button>
          {showDiff ? (
            <button
              key="overwrite"
              type="button"
              className="button button--danger"
              onClick={() => {
                setShowDiff(false);
                onOverwrite();
              }}
              disabled={!theirs || busy}
            >
              Save mine over theirs
            </button>
          ) : (
            <button
              key="show-diff"
              type="button"
              className="button"
              onClick={() => setShowDiff(true)}
              disabled={!theirs}
            >
              Show the difference
            </button>
          )}
          <button
            type="button"
            className="button button--primary"
            onClick={() => {
              setShowDiff(false);
              onReload();
            }}
            disabled={busy}
          >
            Reload their version
          </button>
        </>
      }
    >
      {conflict && (
        <>
          <p>
            You were editing version {conflict.baseVersion}
            {theirs
              ? `, and someone has since saved version ${theirs.version}`
              : ', and someone has since saved a newer one'}
            . <strong>Your changes were not saved</strong> and nothing was overwritten.
          </p>
          {conflict.loadError && (
            <p className="inline-error" role="alert">
              Could not load the latest version: {conflict.loadError}
            </p>
          )}
          {showDiff && theirs && (
            <div
              className="diff"
              ref={diffRef}
              tabIndex={-1}
              role="region"
              aria-label="Differences"
            >
              {diff.length === 0 ? (
                <p>Their version has the same content as yours: reload it and save again.</p>
              ) : (
                // Explicit roles: on a phone the rows are restyled as blocks (styles.css), which
                // would otherwise drop the table's semantics in some browsers.
                <table className="diff__table" role="table">
                  <caption className="visually-hidden">
                    Differences between their version and yours
                  </caption>
                  <thead className="diff__head">
                    <tr role="row">
                      <th scope="col" role="columnheader">
                        Field
                      </th>
                      <th scope="col" role="columnheader">
                        Their version ({theirs.version})
                      </th>
                      <th scope="col" role="columnheader">
                        Your edit
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {diff.map((entry) => (
                      <tr key={entry.path} role="row">
                        <th scope="row" role="rowheader" className="diff__path">
                          <code>{entry.path}</code>
                        </th>
                        <td
                          role="cell"
                          className="diff__theirs"
                          data-label={`Their version (${theirs.version})`}
                        >
                          <pre>{showValue(entry.theirs)}</pre>
                        </td>
                        <td role="cell" className="diff__mine" data-label="Your edit">
                          <pre>{showValue(entry.mine)}</pre>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </div>
          )}
        </>
      )}
    </ModalDialog>
  );
}
