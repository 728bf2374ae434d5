import { createContext, useContext } from 'react';
import type { Permission } from '../../../shared/access.ts';
import type { RouterOutputs } from '../../lib/trpc.ts';

type Me = RouterOutputs['account']['me'];
export type Membership = Me['workspaces'][number];

/** The signed-in person, the workspace they work in and what they may do there. */
export interface Account {
  user: Me['user'];
  workspaces: Membership[];
  workspace: Membership;
  permissions: ReadonlySet<Permission>;
  /** Works in another of their workspaces from now on (remembered in this browser). */
  switchWorkspace: (workspaceId: string) => void;
}

export const AccountContext = createContext<Account | null>(null);

/** The signed-in account; only under the account gate (every page but the signed-out ones). */
export function useAccount(): Account {
  const account = useContext(AccountContext);
  if (!account) throw new Error('useAccount is used outside the account gate');
  return account;
}

/** Whether the person's role in the current workspace includes `permission`. */
export function useCan(permission: Permission): boolean {
  return useAccount().permissions.has(permission);
}
