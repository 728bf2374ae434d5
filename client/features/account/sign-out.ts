import { forgetWorkspace } from '../../lib/current-workspace.ts';
import { toast } from '../../lib/toast-store.ts';
import { signOut } from '../auth/auth-api.ts';

/**
 * Signs out, then loads the sign-in page afresh: nothing of the account stays in this tab's
 * memory (cached agents, members, keys).
 */
export async function signOutAndLeave(): Promise<void> {
  try {
    await signOut();
  } catch (error) {
    toast.error(error instanceof Error ? error.message : 'Signing out failed. Try again.');
    return;
  }
  forgetWorkspace();
  window.location.assign('/sign-in');
}
