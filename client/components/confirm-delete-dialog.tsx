import type { ReactNode } from 'react';
import { ModalDialog } from './modal-dialog.tsx';

interface ConfirmDeleteDialogProps<T> {
  /** What is about to be deleted; null keeps the dialog closed. */
  item: T | null;
  title: (item: T | null) => string;
  confirmLabel: string;
  onCancel: () => void;
  onConfirm: (item: T) => void;
  /** What deleting it does, in the user's words. */
  children: ReactNode;
}

/** Asks before a delete: Cancel has the focus, the danger button says exactly what goes. */
export function ConfirmDeleteDialog<T>({
  item,
  title,
  confirmLabel,
  onCancel,
  onConfirm,
  children,
}: ConfirmDeleteDialogProps<T>) {
  return (
    <ModalDialog
      open={item !== null}
      title={title(item)}
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
            onClick={() => item !== null && onConfirm(item)}
          >
            {confirmLabel}
          </button>
        </>
      }
    >
      {children}
    </ModalDialog>
  );
}
