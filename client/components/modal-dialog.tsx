import { useEffect, useId, useRef, type ReactNode } from 'react';

interface ModalDialogProps {
  open: boolean;
  title: string;
  /** Called for Escape and for the close button; the parent decides whether to close. */
  onClose: () => void;
  children: ReactNode;
  /** The buttons row (null when the content has its own, e.g. a form's). */
  actions: ReactNode;
  size?: 'small' | 'large';
  role?: 'dialog' | 'alertdialog';
}

/**
 * A modal on the native `<dialog>`: the browser traps focus, makes the page behind it inert,
 * handles Escape and gives it the dialog role. Focus returns to the opener on close.
 */
export function ModalDialog({
  open,
  title,
  onClose,
  children,
  actions,
  size = 'small',
  role = 'dialog',
}: ModalDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const opener = useRef<Element | null>(null);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      opener.current = document.activeElement;
      dialog.showModal();
    } else if (!open && dialog.open) {
      dialog.close();
      if (opener.current instanceof HTMLElement && opener.current.isConnected) {
        opener.current.focus();
      }
    }
  }, [open]);

  return (
    <dialog
      ref={ref}
      className={`dialog dialog--${size}`}
      aria-labelledby={titleId}
      role={role === 'alertdialog' ? 'alertdialog' : undefined}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      {open && (
        <div className="dialog__body">
          <h2 id={titleId} className="dialog__title">
            {title}
          </h2>
          <div className="dialog__content">{children}</div>
          {actions && <div className="dialog__actions">{actions}</div>}
        </div>
      )}
    </dialog>
  );
}
