import { useEffect, useId, useRef, useState } from 'react';
import { ModalDialog } from '../../components/modal-dialog.tsx';
import { toast } from '../../lib/toast-store.ts';
import { useAccount } from './account-context.ts';
import { NewWorkspaceForm } from './new-workspace-form.tsx';
import { roleLabel } from './permissions.ts';
import { SessionsDialog } from './sessions-dialog.tsx';
import { signOutAndLeave } from './sign-out.ts';

function initialsOf(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const letters = parts.length > 1 ? [parts[0], parts.at(-1)] : [parts[0]?.slice(0, 2)];
  return letters
    .map((part) => part?.[0] ?? '')
    .join('')
    .toUpperCase();
}

/**
 * The top bar's account button and what it opens (a disclosure, not an ARIA menu: it holds a
 * heading, text and buttons): who is signed in, the workspace and role, switching workspace,
 * a new workspace, sessions, signing out.
 */
export function AccountMenu() {
  const { user, workspace, workspaces, switchWorkspace } = useAccount();
  const [open, setOpen] = useState(false);
  const [dialog, setDialog] = useState<'workspace' | 'sessions' | null>(null);
  const [signingOut, setSigningOut] = useState(false);
  const panelId = useId();
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);

  // Closes on a click elsewhere and on Escape (focus back on the button).
  useEffect(() => {
    if (!open) return;
    const onPointerDown = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      setOpen(false);
      button.current?.focus();
    };
    document.addEventListener('pointerdown', onPointerDown);
    document.addEventListener('keydown', onKeyDown);
    return () => {
      document.removeEventListener('pointerdown', onPointerDown);
      document.removeEventListener('keydown', onKeyDown);
    };
  }, [open]);

  const openDialog = (which: 'workspace' | 'sessions') => {
    setOpen(false);
    setDialog(which);
  };

  return (
    <div className="account-menu" ref={root}>
      <button
        ref={button}
        type="button"
        className="account-menu__button"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((value) => !value)}
      >
        <span className="account-menu__avatar" aria-hidden="true">
          {initialsOf(user.name)}
        </span>
        <span className="account-menu__who">
          <span className="account-menu__name">{user.name}</span>
          <span className="account-menu__workspace">{workspace.name}</span>
        </span>
        <span className="visually-hidden">, account menu</span>
      </button>
      <div id={panelId} className="account-menu__panel" hidden={!open}>
        <div className="account-menu__section">
          <p className="account-menu__user">{user.name}</p>
          <p className="account-menu__email">{user.email}</p>
        </div>
        <div className="account-menu__section">
          <h2 className="account-menu__heading">
            {workspaces.length > 1 ? 'Workspaces' : 'Workspace'}
          </h2>
          {workspaces.length > 1 ? (
            <ul className="account-menu__workspaces" aria-label="Switch workspace">
              {workspaces.map((item) => (
                <li key={item.id}>
                  <button
                    type="button"
                    className="account-menu__item account-menu__workspace-option"
                    aria-current={item.id === workspace.id ? 'true' : undefined}
                    onClick={() => {
                      setOpen(false);
                      if (item.id !== workspace.id) {
                        switchWorkspace(item.id);
                        toast.info(`Now working in “${item.name}”.`);
                      }
                    }}
                  >
                    <span className="account-menu__option-name">{item.name}</span>
                    <span className="account-menu__role">{roleLabel(item.role)}</span>
                  </button>
                </li>
              ))}
            </ul>
          ) : (
            <p className="account-menu__current">
              {workspace.name}{' '}
              <span className="account-menu__role">{roleLabel(workspace.role)}</span>
            </p>
          )}
        </div>
        <div className="account-menu__section">
          <button
            type="button"
            className="account-menu__item"
            onClick={() => openDialog('workspace')}
          >
            New workspace
          </button>
          <button
            type="button"
            className="account-menu__item"
            onClick={() => openDialog('sessions')}
          >
            Sessions
          </button>
          <button
            type="button"
            className="account-menu__item"
            disabled={signingOut}
            onClick={() => {
              setSigningOut(true);
              void signOutAndLeave().finally(() => setSigningOut(false));
            }}
          >
            {signingOut ? 'Signing out…' : 'Sign out'}
          </button>
        </div>
      </div>

      <ModalDialog
        open={dialog === 'workspace'}
        title="New workspace"
        onClose={() => setDialog(null)}
        actions={null}
      >
        <NewWorkspaceForm
          autoFocus
          onCreated={(created) => {
            setDialog(null);
            switchWorkspace(created.id);
            toast.success(`Created “${created.name}”. You are its owner.`);
          }}
          secondary={
            <button type="button" className="button" onClick={() => setDialog(null)}>
              Cancel
            </button>
          }
        />
      </ModalDialog>
      <SessionsDialog open={dialog === 'sessions'} onClose={() => setDialog(null)} />
    </div>
  );
}
