import { ModalDialog } from '../../components/modal-dialog.tsx';
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
    <ModalDialog
      open={route !== null}
      title={route ? `Delete ${formatDid(route.did)}?` : 'Delete number?'}
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
            onClick={() => route && onConfirm(route)}
          >
            Delete number
          </button>
        </>
      }
    >
      <p>
        Calls to <span className="mono">{route?.did}</span> will no longer reach{' '}
        {agentName ? `“${agentName}”` : 'its agent'}: its dispatch rule is removed from LiveKit.
        Calls already running are not interrupted.
      </p>
    </ModalDialog>
  );
}
