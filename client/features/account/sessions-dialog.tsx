import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ModalDialog } from '../../components/modal-dialog.tsx';
import { formatDateTime, timeAgo } from '../../lib/format.ts';
import { toast } from '../../lib/toast-store.ts';
import {
  describeUserAgent,
  loadSessions,
  revokeOtherSessions,
  revokeSession,
  type AuthSession,
} from '../auth/auth-api.ts';

const SESSIONS_KEY = ['auth', 'sessions'];

/** Where the person is signed in: this device marked; any other can be signed out from here. */
export function SessionsDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const queryClient = useQueryClient();
  const sessions = useQuery({
    queryKey: SESSIONS_KEY,
    queryFn: loadSessions,
    enabled: open,
    staleTime: 0,
  });
  const onSettled = () => queryClient.invalidateQueries({ queryKey: SESSIONS_KEY });
  const revokeOne = useMutation({
    mutationFn: (session: AuthSession) => revokeSession(session.token),
    onSuccess: () => toast.success('That session is signed out.'),
    onError: (error) => toast.error(error.message),
    onSettled,
  });
  const revokeOthers = useMutation({
    mutationFn: revokeOtherSessions,
    onSuccess: () => toast.success('Every other session is signed out.'),
    onError: (error) => toast.error(error.message),
    onSettled,
  });

  const list = sessions.data
    ? [...sessions.data.sessions].sort(
        (a, b) =>
          Number(b.id === sessions.data.currentId) - Number(a.id === sessions.data.currentId) ||
          b.updatedAt.localeCompare(a.updatedAt),
      )
    : [];
  const others = list.filter((session) => session.id !== sessions.data?.currentId);

  return (
    <ModalDialog
      open={open}
      title="Sessions"
      size="large"
      onClose={onClose}
      actions={
        <>
          {others.length > 0 && (
            <button
              type="button"
              className="button button--ghost-danger"
              disabled={revokeOthers.isPending}
              onClick={() => revokeOthers.mutate()}
            >
              {revokeOthers.isPending ? 'Signing out…' : 'Sign out all other sessions'}
            </button>
          )}
          <button type="button" className="button" onClick={onClose} autoFocus>
            Done
          </button>
        </>
      }
    >
      <p>Browsers signed in to your account. Sign out any you do not recognise.</p>
      {sessions.isPending ? (
        <p className="muted" role="status">
          Loading sessions…
        </p>
      ) : sessions.isError ? (
        <p className="inline-error" role="alert">
          {sessions.error.message}
        </p>
      ) : (
        <ul className="session-list" aria-label="Sessions">
          {list.map((session) => {
            const device = describeUserAgent(session.userAgent);
            const current = session.id === sessions.data.currentId;
            return (
              <li key={session.id} className="session-row">
                <div className="session-row__main">
                  <span className="session-row__device">
                    {device}
                    {current && <span className="badge badge--accent">This device</span>}
                  </span>
                  <span className="session-row__meta">
                    {session.ipAddress ? `${session.ipAddress} · ` : ''}
                    signed in{' '}
                    <time dateTime={session.createdAt} title={formatDateTime(session.createdAt)}>
                      {timeAgo(session.createdAt)}
                    </time>{' '}
                    · active{' '}
                    <time dateTime={session.updatedAt} title={formatDateTime(session.updatedAt)}>
                      {timeAgo(session.updatedAt)}
                    </time>
                  </span>
                </div>
                {!current && (
                  <button
                    type="button"
                    className="button button--small"
                    disabled={revokeOne.isPending}
                    onClick={() => revokeOne.mutate(session)}
                    aria-label={`Sign out ${device}, signed in ${timeAgo(session.createdAt)}`}
                  >
                    Sign out
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </ModalDialog>
  );
}
