import { useState } from 'react';
import { setRequestWorkspace } from '../../lib/current-workspace.ts';
import { signOutAndLeave } from './sign-out.ts';
import { NewWorkspaceForm } from './new-workspace-form.tsx';

/** Signed in, but in no workspace (removed from the last one): start one, or sign out. */
export function NoWorkspacePage({ user }: { user: { name: string; email: string } }) {
  const [signingOut, setSigningOut] = useState(false);
  return (
    <div className="auth-page">
      <title>No workspace · Switchboard</title>
      <div className="auth-card">
        <h1 className="auth-card__title">You are not in a workspace</h1>
        <p className="auth-card__lead">
          Signed in as {user.name} ({user.email}). Open an invitation link someone sent you, or
          start a workspace of your own.
        </p>
        <NewWorkspaceForm
          autoFocus
          onCreated={(workspace) => setRequestWorkspace(workspace.id)}
          secondary={
            <button
              type="button"
              className="button button--ghost"
              disabled={signingOut}
              onClick={() => {
                setSigningOut(true);
                void signOutAndLeave().finally(() => setSigningOut(false));
              }}
            >
              Sign out
            </button>
          }
        />
      </div>
    </div>
  );
}
