import { useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useMemo, useState, type ReactNode } from 'react';
import { useNavigate } from 'react-router';
import { describeApiError } from '../../lib/api-error.ts';
import {
  chooseWorkspace,
  rememberedWorkspaceId,
  setRequestWorkspace,
} from '../../lib/current-workspace.ts';
import { errorCode, trpc } from '../../lib/trpc.ts';
import { AccountContext, type Account } from './account-context.ts';
import { NoWorkspacePage } from './no-workspace-page.tsx';
import { permissionsOf } from './permissions.ts';

const isAccountQuery = (key: QueryKey) => JSON.stringify(key[0]) === '["account","me"]';

/**
 * Every signed-in page is under this gate: it reads who is signed in (`account.me`), picks the
 * workspace to work in (the remembered one if the person is still in it, else their first) and
 * names it in every call from then on, before any page asks for workspace data. Signed out, the
 * query client sends the person to sign in (lib/trpc.ts).
 */
export function AccountGate({ children }: { children: (workspaceId: string) => ReactNode }) {
  const me = trpc.account.me.useQuery(undefined, { staleTime: 60_000 });
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [preferred, setPreferred] = useState(rememberedWorkspaceId);

  const workspace = me.data ? chooseWorkspace(me.data.workspaces, preferred) : null;
  // Set while rendering (it is idempotent): the pages below start their calls in effects, which
  // run before this component's own.
  if (workspace) setRequestWorkspace(workspace.id);

  const account = useMemo((): Account | null => {
    if (!me.data || !workspace) return null;
    return {
      user: me.data.user,
      workspaces: me.data.workspaces,
      workspace,
      permissions: permissionsOf(workspace.role),
      switchWorkspace: (id) => {
        setRequestWorkspace(id);
        // Nothing cached is the next workspace's; the pages remount (keyed by the workspace).
        queryClient.removeQueries({ predicate: (query) => !isAccountQuery(query.queryKey) });
        setPreferred(id);
        void navigate('/agents');
      },
    };
  }, [me.data, workspace, queryClient, navigate]);

  if (me.isPending || (me.isError && errorCode(me.error) === 'UNAUTHORIZED')) {
    return <GateLoading />;
  }
  if (me.isError) {
    return (
      <div className="auth-page">
        <div className="state state--error" role="alert">
          <h1 className="state__title">Could not load your account</h1>
          <p>{describeApiError(me.error)}</p>
          <button type="button" className="button" onClick={() => void me.refetch()}>
            Try again
          </button>
        </div>
      </div>
    );
  }
  if (!account) return <NoWorkspacePage user={me.data.user} />;
  return <AccountContext value={account}>{children(account.workspace.id)}</AccountContext>;
}

function GateLoading() {
  return (
    <div className="auth-page" aria-busy="true">
      <p className="visually-hidden" role="status">
        Loading…
      </p>
    </div>
  );
}
