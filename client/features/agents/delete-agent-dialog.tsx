import { ConfirmDeleteDialog } from '../../components/confirm-delete-dialog.tsx';
import type { Agent } from './agent-cache.ts';

interface DeleteAgentDialogProps {
  agent: Agent | null;
  onCancel: () => void;
  onConfirm: (agent: Agent) => void;
}

/** Asks before deleting; the agent leaves the list and can no longer be called. */
export function DeleteAgentDialog({ agent, onCancel, onConfirm }: DeleteAgentDialogProps) {
  return (
    <ConfirmDeleteDialog
      item={agent}
      title={(item) => (item ? `Delete “${item.name}”?` : 'Delete agent?')}
      confirmLabel="Delete agent"
      onCancel={onCancel}
      onConfirm={onConfirm}
    >
      <p>
        The agent disappears from the list and can no longer be called. Calls already running are
        not interrupted.
      </p>
    </ConfirmDeleteDialog>
  );
}
