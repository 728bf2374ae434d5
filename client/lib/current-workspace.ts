/**
 * The workspace the dashboard works in: chosen in the account menu, remembered in this browser,
 * sent with every call as the `x-switchboard-workspace` header (see lib/trpc.ts). What is
 * remembered is only a preference: the account gate checks it against `account.me` before any
 * workspace call is made, and falls back to the person's first workspace.
 */

const STORAGE_KEY = 'switchboard.workspace';

/** localStorage may be unavailable (a locked-down browser): then the choice lasts for the tab. */
function readStored(): string | null {
  try {
    return window.localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

let current: string | null = null;

/** The workspace remembered in this browser, if any (not yet checked against the account). */
export function rememberedWorkspaceId(): string | null {
  return current ?? readStored();
}

/** The workspace the next calls name (null: none yet, the server takes the person's first). */
export function requestWorkspaceId(): string | null {
  return current;
}

/** Calls from now on name `id`; it is remembered for the next visit. Idempotent. */
export function setRequestWorkspace(id: string): void {
  if (current === id) return;
  current = id;
  try {
    window.localStorage.setItem(STORAGE_KEY, id);
  } catch {
    // Remembered for this tab only.
  }
}

/** Forgets the choice (it named a workspace the person is no longer in). */
export function forgetWorkspace(): void {
  current = null;
  try {
    window.localStorage.removeItem(STORAGE_KEY);
  } catch {
    // Nothing was remembered.
  }
}

/** The preferred workspace if the person is in it, else their first; null when they have none. */
export function chooseWorkspace<T extends { id: string }>(
  workspaces: readonly T[],
  preferred: string | null,
): T | null {
  return workspaces.find((workspace) => workspace.id === preferred) ?? workspaces[0] ?? null;
}
