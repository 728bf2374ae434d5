import { ConfirmDeleteDialog } from '../../components/confirm-delete-dialog.tsx';
import { formatDid } from './phone-format.ts';
import type { DidRoute } from './route-cache.ts';

interface DeleteRouteDialogProps {
  route: DidRoute | null;
  agentName: string | null;
  onCancel: () => void;
  onConfirm: (route: DidRoute) => void;
}

/** Asks before deleting a number: calls to it stop reaching the agent. */
export function DeleteRouteDialog({
  route,
  agentName,
  onCancel,
  onConfirm,
}: DeleteRouteDialogProps) {
  return (
    <ConfirmDeleteDialog
      item={route}
      title={(item) => (item ? `Delete ${formatDid(item.did)}?` : 'Delete number?')}
      confirmLabel="Delete number"
      onCancel={onCancel}
      onConfirm={onConfirm}
    >
      <p>
        Calls to <span className="mono">{route?.did}</span> will no longer reach{' '}
        {agentName ? `“${agentName}”` : 'its agent'}: its dispatch rule is removed from LiveKit.
        Calls already running are not interrupted.
      </p>
    </ConfirmDeleteDialog>
  );
}
