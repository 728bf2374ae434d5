import { useId, useState } from 'react';
import { ROLES, type Role } from '../../../shared/access.ts';
import { ConfirmDeleteDialog } from '../../components/confirm-delete-dialog.tsx';
import { CopyField } from '../../components/copy-field.tsx';
import { Field } from '../../components/field.tsx';
import { apiErrorInfo, describeApiError } from '../../lib/api-error.ts';
import { formatDateTime, timeAgo } from '../../lib/format.ts';
import { toast } from '../../lib/toast-store.ts';
import { trpc, type RouterOutputs } from '../../lib/trpc.ts';
import { useAccount, useCan } from '../account/account-context.ts';
import { NoAccess } from '../account/no-access.tsx';
import { roleLabel } from '../account/permissions.ts';

type Member = RouterOutputs['members']['list'][number];
type Invitation = RouterOutputs['invitations']['list'][number];

/** Members of the workspace, their roles, and invitations (for `members:admin`). */
export function MembersPage() {
  const allowed = useCan('members:admin');
  if (!allowed) return <NoAccess title="Members" permission="members:admin" />;
  return <Members />;
}

function Members() {
  const { workspace } = useAccount();
  return (
    <div className="page">
      <title>Members · Switchboard</title>
      <header className="page-header">
        <div className="page-header__text">
          <h1 className="page-header__title">Members</h1>
          <p className="page-header__subtitle">
            Who works in {workspace.name}, and what each may do. Invite people with a one-time link.
          </p>
        </div>
      </header>
      <MemberList />
      <InviteSection />
    </div>
  );
}

function MemberList() {
  const { user } = useAccount();
  const utils = trpc.useUtils();
  const members = trpc.members.list.useQuery();
  // Refusals beside their row (the last owner cannot be demoted or removed).
  const [rowErrors, setRowErrors] = useState<Record<string, string>>({});
  const [toRemove, setToRemove] = useState<Member | null>(null);
  const [toDemoteSelf, setToDemoteSelf] = useState<Role | null>(null);

  const rowError = (userId: string, error: unknown) => {
    const info = apiErrorInfo(error);
    setRowErrors((current) => ({
      ...current,
      [userId]: info.details?.reason === 'last-owner' ? info.message : describeApiError(error),
    }));
  };
  const clearRowError = (userId: string) => setRowErrors(({ [userId]: _dropped, ...rest }) => rest);

  const setRole = trpc.members.setRole.useMutation({
    onMutate: ({ userId }) => clearRowError(userId),
    onSuccess: (member) => {
      toast.success(`${member.name} is now ${roleLabel(member.role)}.`);
      if (member.userId === user.id) void utils.account.me.invalidate();
    },
    onError: (error, { userId }) => rowError(userId, error),
    onSettled: () => utils.members.list.invalidate(),
  });
  const remove = trpc.members.remove.useMutation({
    onMutate: ({ userId }) => clearRowError(userId),
    onSuccess: (_result, { userId }) => {
      const member = members.data?.find((item) => item.userId === userId);
      toast.success(`${member?.name ?? 'The member'} was removed.`);
      if (userId === user.id) void utils.account.me.invalidate();
    },
    onError: (error, { userId }) => rowError(userId, error),
    onSettled: () => utils.members.list.invalidate(),
  });

  const changeRole = (member: Member, role: Role) => {
    if (member.userId === user.id && role !== 'owner') {
      setToDemoteSelf(role);
      return;
    }
    setRole.mutate({ userId: member.userId, role });
  };

  return (
    <section className="settings-section" aria-labelledby="members-heading">
      <h2 className="settings-section__title" id="members-heading">
        People
      </h2>
      {members.isPending ? (
        <p className="muted" role="status">
          Loading members…
        </p>
      ) : members.isError ? (
        <div className="state state--error" role="alert">
          <h3 className="state__title">Could not load members</h3>
          <p>{describeApiError(members.error)}</p>
          <button type="button" className="button" onClick={() => void members.refetch()}>
            Try again
          </button>
        </div>
      ) : (
        <ul className="settings-list" aria-label="Members">
          {members.data.map((member) => {
            const pendingRole =
              setRole.isPending && setRole.variables.userId === member.userId
                ? setRole.variables.role
                : null;
            const errorId = `member-error-${member.userId}`;
            const error = rowErrors[member.userId];
            return (
              <li key={member.userId} className="settings-row">
                <div className="settings-row__main">
                  <span className="settings-row__name">
                    {member.name}
                    {member.userId === user.id && <span className="badge">You</span>}
                  </span>
                  <span className="settings-row__meta">
                    {member.email} · joined{' '}
                    <time dateTime={member.joinedAt} title={formatDateTime(member.joinedAt)}>
                      {timeAgo(member.joinedAt)}
                    </time>
                  </span>
                </div>
                <div className="settings-row__actions">
                  <select
                    className="input input--select"
                    aria-label={`Role of ${member.name}`}
                    aria-describedby={error ? errorId : undefined}
                    aria-invalid={error ? true : undefined}
                    value={pendingRole ?? member.role}
                    disabled={pendingRole !== null}
                    onChange={(event) => changeRole(member, event.target.value as Role)}
                  >
                    {ROLES.map((role) => (
                      <option key={role} value={role}>
                        {roleLabel(role)}
                      </option>
                    ))}
                  </select>
                  <button
                    type="button"
                    className="button button--ghost-danger button--small"
                    onClick={() => setToRemove(member)}
                    aria-label={`Remove ${member.name}`}
                  >
                    Remove
                  </button>
                </div>
                {error && (
                  <p className="settings-row__error inline-error" id={errorId} role="alert">
                    {error}
                  </p>
                )}
              </li>
            );
          })}
        </ul>
      )}
      <ConfirmDeleteDialog
        item={toRemove}
        title={(member) =>
          member?.userId === user.id ? 'Leave this workspace?' : `Remove ${member?.name ?? ''}?`
        }
        confirmLabel={toRemove?.userId === user.id ? 'Leave workspace' : 'Remove member'}
        onCancel={() => setToRemove(null)}
        onConfirm={(member) => {
          setToRemove(null);
          remove.mutate({ userId: member.userId });
        }}
      >
        <p>
          {toRemove?.userId === user.id
            ? 'You lose access to its agents, numbers and keys at once. Someone has to invite you again to come back.'
            : `${toRemove?.name ?? ''} (${toRemove?.email ?? ''}) loses access to this workspace at once. Their account stays; you can invite them again.`}
        </p>
      </ConfirmDeleteDialog>
      <ConfirmDeleteDialog
        item={toDemoteSelf}
        title={() => 'Change your own role?'}
        confirmLabel="Change my role"
        onCancel={() => setToDemoteSelf(null)}
        onConfirm={(role) => {
          setToDemoteSelf(null);
          setRole.mutate({ userId: user.id, role });
        }}
      >
        <p>
          As {toDemoteSelf ? roleLabel(toDemoteSelf) : ''} you can no longer manage members: only
          another owner can give the role back.
        </p>
      </ConfirmDeleteDialog>
    </section>
  );
}

function InviteSection() {
  const id = useId();
  const utils = trpc.useUtils();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('member');
  const [problem, setProblem] = useState<string | null>(null);
  const [created, setCreated] = useState<{ invitation: Invitation; link: string } | null>(null);
  const invitations = trpc.invitations.list.useQuery();
  const create = trpc.invitations.create.useMutation({
    onSuccess: ({ invitation, token }) => {
      setCreated({ invitation, link: `${window.location.origin}/accept-invitation#${token}` });
      setEmail('');
      void utils.invitations.list.invalidate();
    },
    onError: (error) => {
      const info = apiErrorInfo(error);
      setProblem(
        info.issues.find((issue) => issue.path[0] === 'email')?.message ?? describeApiError(error),
      );
    },
  });
  const revoke = trpc.invitations.revoke.useMutation({
    onSuccess: () => toast.success('Invitation revoked: its link no longer works.'),
    onError: (error) => toast.error(`Not revoked: ${describeApiError(error)}`),
    onSettled: () => utils.invitations.list.invalidate(),
  });

  return (
    <section className="settings-section" aria-labelledby="invite-heading">
      <h2 className="settings-section__title" id="invite-heading">
        Invite someone
      </h2>
      <form
        className="invite-form"
        aria-label="Invite someone"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          if (!email.trim()) {
            setProblem('Enter the e-mail address of the person to invite.');
            return;
          }
          setProblem(null);
          create.mutate({ email: email.trim(), role });
        }}
      >
        <Field id={`${id}-email`} label="E-mail" errors={problem ? [problem] : undefined}>
          {(control) => (
            <input
              {...control}
              className="input"
              type="email"
              autoComplete="off"
              value={email}
              onChange={(event) => setEmail(event.target.value)}
            />
          )}
        </Field>
        <Field id={`${id}-role`} label="Role">
          {(control) => (
            <select
              {...control}
              className="input input--select"
              value={role}
              onChange={(event) => setRole(event.target.value as Role)}
            >
              {ROLES.map((option) => (
                <option key={option} value={option}>
                  {roleLabel(option)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <button type="submit" className="button button--primary" disabled={create.isPending}>
          {create.isPending ? 'Creating…' : 'Create invitation link'}
        </button>
      </form>

      {created && (
        <div className="secret-box" role="region" aria-label="New invitation link">
          <p className="secret-box__title">
            Invitation for {created.invitation.email} as {roleLabel(created.invitation.role)}
          </p>
          <CopyField label="Invitation link" value={created.link} />
          <p className="secret-box__warning">
            <strong>Shown once.</strong> Copy it now and send it to them yourself: Switchboard sends
            no e-mail and cannot show this link again. It works once, until{' '}
            {formatDateTime(created.invitation.expiresAt)}.
          </p>
          <button type="button" className="button button--small" onClick={() => setCreated(null)}>
            Done
          </button>
        </div>
      )}

      <h3 className="settings-section__subtitle">Pending invitations</h3>
      {invitations.isPending ? (
        <p className="muted" role="status">
          Loading invitations…
        </p>
      ) : invitations.isError ? (
        <p className="inline-error" role="alert">
          Could not load invitations: {describeApiError(invitations.error)}
        </p>
      ) : invitations.data.length === 0 ? (
        <p className="muted">No pending invitations.</p>
      ) : (
        <ul className="settings-list" aria-label="Pending invitations">
          {invitations.data.map((invitation) => (
            <li key={invitation.id} className="settings-row">
              <div className="settings-row__main">
                <span className="settings-row__name">
                  {invitation.email} <span className="badge">{roleLabel(invitation.role)}</span>
                </span>
                <span className="settings-row__meta">
                  invited by {invitation.invitedBy}{' '}
                  <time
                    dateTime={invitation.createdAt}
                    title={formatDateTime(invitation.createdAt)}
                  >
                    {timeAgo(invitation.createdAt)}
                  </time>{' '}
                  · expires {formatDateTime(invitation.expiresAt)}
                </span>
              </div>
              <div className="settings-row__actions">
                <button
                  type="button"
                  className="button button--ghost-danger button--small"
                  disabled={revoke.isPending && revoke.variables.id === invitation.id}
                  onClick={() => revoke.mutate({ id: invitation.id })}
                  aria-label={`Revoke the invitation for ${invitation.email}`}
                >
                  Revoke
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
