import { ModalDialog } from '../../components/modal-dialog.tsx';
import type { Agent } from './agent-cache.ts';

interface DeleteAgentDialogProps {
  agent: Agent | null;
  onCancel: () => void;
  onConfirm: (agent: Agent) => void;
}

/** Asks before deleting; the agent leaves the list and can no longer be called. */
export function DeleteAgentDialog({ agent, onCancel, onConfirm }: DeleteAgentDialogProps) {
  return (
    <ModalDialog
      open={agent !== null}
      title={agent ? `Delete “${agent.name}”?` : 'Delete agent?'}
      onClose={onCancel}
      role="alertdialog"
      actions={
        <>
          <button type="button" className="button" onClick={onCancel} autoFocus>
            Cancel
          </button>
          <button
            type="button"
            className="button button--danger"
            onClick={() => agent && onConfirm(agent)}
          >
            Delete agent
          </button>
        </>
      }
    >
      <p>
        The agent disappears from the list and can no longer be called. Calls already running are
        not interrupted.
      </p>
    </ModalDialog>
  );
}
