import '../../lib/zod-messages.ts';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { Link, Navigate, useLocation, useNavigate } from 'react-router';
import {
  invitationTokenSchema,
  PASSWORD_MIN_LENGTH,
  setupClaimInputSchema,
} from '../../../shared/workspace.schema.ts';
import { Field } from '../../components/field.tsx';
import { apiErrorInfo, describeApiError } from '../../lib/api-error.ts';
import { setRequestWorkspace } from '../../lib/current-workspace.ts';
import { formatDateTime } from '../../lib/format.ts';
import { issuesByField } from '../../lib/form-issues.ts';
import { readSignInFragment, signInHref } from '../../lib/return-to.ts';
import { errorCode, trpc } from '../../lib/trpc.ts';
import { roleLabel } from '../account/permissions.ts';
import {
  describeSignInProblem,
  developmentSignIn,
  signInWithPassword,
  signOut,
  type SignInProblem,
} from './auth-api.ts';

type FieldErrors = Record<string, string[]>;

/**
 * Into the dashboard once signed in: nothing cached from before (it was asked signed out), the
 * workspace to open named when it is known (an invitation's).
 */
function useEnterDashboard() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  return (path: string, workspaceId?: string) => {
    if (workspaceId) setRequestWorkspace(workspaceId);
    queryClient.clear();
    void navigate(path, { replace: true });
  };
}

/** "Am I signed in?" asked from a signed-out page: UNAUTHORIZED is an answer, not an error. */
function useSignedInAccount() {
  return trpc.account.me.useQuery(undefined, {
    retry: false,
    staleTime: 0,
    meta: { signedOutIsExpected: true },
  });
}

function AuthCard({
  title,
  lead,
  children,
}: {
  title: string;
  lead?: ReactNode;
  children: ReactNode;
}) {
  return (
    <div className="auth-card">
      <h1 className="auth-card__title">{title}</h1>
      {lead && <p className="auth-card__lead">{lead}</p>}
      {children}
    </div>
  );
}

function FormAlert({ children }: { children: ReactNode }) {
  return (
    <div className="callout callout--error" role="alert">
      {children}
    </div>
  );
}

// ---- Sign in ----------------------------------------------------------------------------------

export function SignInPage() {
  const location = useLocation();
  const { returnTo, email: suggestedEmail } = readSignInFragment(
    location.hash,
    window.location.origin,
  );
  const id = useId();
  const enter = useEnterDashboard();
  const status = trpc.setup.status.useQuery(undefined, { staleTime: 0, retry: false });
  const me = useSignedInAccount();
  const [email, setEmail] = useState(suggestedEmail);
  const [password, setPassword] = useState('');
  const [pending, setPending] = useState(false);
  const [problem, setProblem] = useState<SignInProblem | null>(null);
  const [devState, setDevState] = useState<'idle' | 'signing-in' | 'failed'>('idle');
  const passwordRef = useRef<HTMLInputElement>(null);
  const devStarted = useRef(false);

  const developmentOn = status.data?.developmentSignIn === true;
  const signedOut = me.isError && errorCode(me.error) === 'UNAUTHORIZED';

  // `npm run dev` on this machine: sign in as the development owner without asking.
  useEffect(() => {
    if (!developmentOn || !signedOut || devStarted.current) return;
    devStarted.current = true;
    void Promise.resolve()
      .then(() => {
        setDevState('signing-in');
        return developmentSignIn();
      })
      .then((ok) => {
        if (ok) enter(returnTo);
        else setDevState('failed');
      });
  }, [developmentOn, signedOut, enter, returnTo]);

  if (me.isSuccess) return <Navigate to={returnTo} replace />;

  const submit = async () => {
    if (pending) return;
    setProblem(null);
    setPending(true);
    const result = await signInWithPassword(email.trim(), password);
    if (result.ok) {
      enter(returnTo);
      return;
    }
    setPending(false);
    setProblem(result.problem);
    if (result.problem.kind === 'wrong-credentials') {
      requestAnimationFrame(() => passwordRef.current?.select());
    }
  };

  if (devState === 'signing-in') {
    return (
      <AuthCard title="Signing in…">
        <p className="muted" role="status">
          Signing in as the development owner…
        </p>
        <DevelopmentNote />
      </AuthCard>
    );
  }

  return (
    <AuthCard title="Sign in to Switchboard">
      <title>Sign in · Switchboard</title>
      {status.data?.needed && (
        <div className="callout callout--warning">
          <p>
            This server has no owner yet. <Link to="/setup">Set it up</Link> with the setup token it
            printed when it started.
          </p>
        </div>
      )}
      {devState === 'failed' && (
        <FormAlert>
          <p>The development sign-in did not work: sign in with an e-mail and password.</p>
        </FormAlert>
      )}
      {problem && (
        <FormAlert>
          <p>{describeSignInProblem(problem)}</p>
        </FormAlert>
      )}
      <form
        className="auth-form"
        aria-label="Sign in"
        aria-busy={pending}
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <Field id={`${id}-email`} label="E-mail">
          {(control) => (
            <input
              {...control}
              className="input"
              type="email"
              autoComplete="username"
              required
              autoFocus={!suggestedEmail}
              value={email}
              onChange={(event) => setEmail(event.target.value)}
            />
          )}
        </Field>
        <Field id={`${id}-password`} label="Password">
          {(control) => (
            <input
              {...control}
              ref={passwordRef}
              className="input"
              type="password"
              autoComplete="current-password"
              required
              autoFocus={Boolean(suggestedEmail)}
              aria-invalid={problem?.kind === 'wrong-credentials' || undefined}
              value={password}
              onChange={(event) => setPassword(event.target.value)}
            />
          )}
        </Field>
        <button type="submit" className="button button--primary button--block" disabled={pending}>
          {pending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p className="auth-card__fine">
        No account? Ask an owner of your workspace for an invitation link.
      </p>
      {developmentOn && <DevelopmentNote />}
    </AuthCard>
  );
}

function DevelopmentNote() {
  return (
    <p className="auth-card__fine">
      Development server (<code>npm run dev</code> on this machine): it signs you in as the
      development owner without a password. A production server never does.
    </p>
  );
}

// ---- First start --------------------------------------------------------------------------------

type SetupField = 'token' | 'name' | 'email' | 'password' | 'workspaceName';

/** `#token=sb_setup_…` (or the bare token) in the address the server printed. */
function tokenFromFragment(hash: string): string {
  const fragment = hash.replace(/^#/, '');
  return new URLSearchParams(fragment).get('token') ?? (fragment.includes('=') ? '' : fragment);
}

export function SetupPage() {
  const location = useLocation();
  const id = useId();
  const enter = useEnterDashboard();
  const navigate = useNavigate();
  const status = trpc.setup.status.useQuery(undefined, { staleTime: 0, retry: false });
  const [values, setValues] = useState<Record<SetupField, string>>(() => ({
    token: tokenFromFragment(location.hash),
    name: '',
    email: '',
    password: '',
    workspaceName: '',
  }));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [done, setDone] = useState(false);
  const [signingIn, setSigningIn] = useState(false);
  const claim = trpc.setup.claim.useMutation();

  const set = (field: SetupField) => (value: string) =>
    setValues((current) => ({ ...current, [field]: value }));

  if (status.data && !status.data.needed && !claim.isSuccess && !signingIn) {
    return (
      <AuthCard title="This server is set up">
        <title>Set up · Switchboard</title>
        <p className="auth-card__lead">
          It has an owner already. Sign in, or ask an owner for an invitation.
        </p>
        <Link className="button button--primary button--block" to="/sign-in">
          Go to sign-in
        </Link>
      </AuthCard>
    );
  }

  const submit = () => {
    const parsed = setupClaimInputSchema.safeParse(values);
    if (!parsed.success) {
      setErrors(issuesByField(parsed.error.issues));
      return;
    }
    setErrors({});
    claim.mutate(parsed.data, {
      onSuccess: () => {
        setSigningIn(true);
        void signInWithPassword(parsed.data.email, parsed.data.password).then((signedIn) => {
          if (signedIn.ok) enter('/agents');
          else void navigate(signInHref('/agents', parsed.data.email), { replace: true });
        });
      },
      onError: (error) => {
        const info = apiErrorInfo(error);
        if (info.details?.reason === 'setup-token') {
          setErrors({ token: [info.message] });
        } else if (info.details?.reason === 'setup-done') {
          setDone(true);
        } else if (info.issues.length > 0) {
          setErrors(issuesByField(info.issues));
        } else {
          setErrors({ form: [describeApiError(error)] });
        }
      },
    });
  };

  const field = (
    name: SetupField,
    label: string,
    input: { type?: string; autoComplete: string; hint?: string; mono?: boolean },
  ) => (
    <Field id={`${id}-${name}`} label={label} required hint={input.hint} errors={errors[name]}>
      {(control) => (
        <input
          {...control}
          className={`input${input.mono ? ' input--mono' : ''}`}
          type={input.type ?? 'text'}
          autoComplete={input.autoComplete}
          required
          spellCheck={false}
          value={values[name]}
          onChange={(event) => set(name)(event.target.value)}
        />
      )}
    </Field>
  );

  return (
    <AuthCard
      title="Set up Switchboard"
      lead="Create the first owner and their workspace. The setup token is in the server’s log from its start."
    >
      <title>Set up · Switchboard</title>
      {done && (
        <FormAlert>
          <p>
            Someone has set this server up already. <Link to="/sign-in">Sign in</Link> instead.
          </p>
        </FormAlert>
      )}
      {errors.form && (
        <FormAlert>
          <p>{errors.form.join(' ')}</p>
        </FormAlert>
      )}
      <form
        className="auth-form"
        aria-label="Set up"
        noValidate
        aria-busy={claim.isPending || signingIn}
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
      >
        {field('token', 'Setup token', {
          autoComplete: 'off',
          mono: true,
          hint: 'sb_setup_…, printed once by the server when it started with no owner.',
        })}
        {field('name', 'Your name', { autoComplete: 'name' })}
        {field('email', 'E-mail', { type: 'email', autoComplete: 'username' })}
        {field('password', 'Password', {
          type: 'password',
          autoComplete: 'new-password',
          hint: `At least ${PASSWORD_MIN_LENGTH} characters.`,
        })}
        {field('workspaceName', 'Workspace name', {
          autoComplete: 'organization',
          hint: 'Your team or company; you can add more workspaces later.',
        })}
        <button
          type="submit"
          className="button button--primary button--block"
          disabled={claim.isPending || signingIn}
        >
          {claim.isPending || signingIn ? 'Setting up…' : 'Create owner and sign in'}
        </button>
      </form>
    </AuthCard>
  );
}

// ---- Invitations ------------------------------------------------------------------------------

export function AcceptInvitationPage() {
  const location = useLocation();
  const token = location.hash.replace(/^#(token=)?/, '');
  const validToken = invitationTokenSchema.safeParse(token).success;
  const preview = trpc.invitations.preview.useQuery(
    { token },
    { enabled: validToken, retry: false, staleTime: 0, meta: { signedOutIsExpected: true } },
  );
  const me = useSignedInAccount();

  if (!validToken) {
    return (
      <AuthCard title="This invitation link is incomplete">
        <title>Invitation · Switchboard</title>
        <p className="auth-card__lead">
          Open the whole link you were sent (it ends with a long code after <code>#</code>), or ask
          for a new invitation.
        </p>
      </AuthCard>
    );
  }
  if (preview.isPending || me.isPending) {
    return (
      <AuthCard title="Invitation">
        <title>Invitation · Switchboard</title>
        <p className="muted" role="status">
          Loading the invitation…
        </p>
      </AuthCard>
    );
  }
  if (preview.isError) {
    return (
      <AuthCard title="This invitation cannot be used">
        <title>Invitation · Switchboard</title>
        <FormAlert>
          <p>{describeApiError(preview.error)}</p>
        </FormAlert>
        <p className="auth-card__fine">Ask whoever invited you for a new link.</p>
      </AuthCard>
    );
  }

  const invitation = preview.data;
  const summary = (
    <dl className="auth-summary">
      <div>
        <dt>Workspace</dt>
        <dd>{invitation.workspaceName}</dd>
      </div>
      <div>
        <dt>Role</dt>
        <dd>{roleLabel(invitation.role)}</dd>
      </div>
      <div>
        <dt>E-mail</dt>
        <dd>{invitation.email}</dd>
      </div>
      <div>
        <dt>Expires</dt>
        <dd>{formatDateTime(invitation.expiresAt)}</dd>
      </div>
    </dl>
  );
  const title = `Join ${invitation.workspaceName}`;

  if (me.isSuccess) {
    if (me.data.user.email === invitation.email) {
      return (
        <AuthCard title={title}>
          <title>{`${title} · Switchboard`}</title>
          {summary}
          <AcceptAsSignedIn token={token} />
        </AuthCard>
      );
    }
    return (
      <AuthCard title={title}>
        <title>{`${title} · Switchboard`}</title>
        {summary}
        <div className="callout callout--warning" role="alert">
          <p>
            This invitation is for <strong>{invitation.email}</strong>, but you are signed in as{' '}
            <strong>{me.data.user.email}</strong>. Sign out, then open the link again to accept it
            as {invitation.email}.
          </p>
        </div>
        <SignOutHere />
      </AuthCard>
    );
  }
  if (invitation.hasAccount) {
    return (
      <AuthCard title={title}>
        <title>{`${title} · Switchboard`}</title>
        {summary}
        <p className="auth-card__lead">
          {invitation.email} has an account: sign in with it, and you come back here to accept.
        </p>
        <Link
          className="button button--primary button--block"
          to={signInHref(`/accept-invitation#${token}`, invitation.email)}
        >
          Sign in as {invitation.email}
        </Link>
      </AuthCard>
    );
  }
  return (
    <AuthCard title={title}>
      <title>{`${title} · Switchboard`}</title>
      {summary}
      <CreateAccountAndAccept token={token} email={invitation.email} />
    </AuthCard>
  );
}

function AcceptAsSignedIn({ token }: { token: string }) {
  const enter = useEnterDashboard();
  const accept = trpc.invitations.accept.useMutation({
    onSuccess: (membership) => enter('/agents', membership.id),
  });
  return (
    <>
      {accept.isError && (
        <FormAlert>
          <p>{describeApiError(accept.error)}</p>
        </FormAlert>
      )}
      <button
        type="button"
        className="button button--primary button--block"
        disabled={accept.isPending}
        onClick={() => accept.mutate({ token })}
      >
        {accept.isPending ? 'Joining…' : 'Accept and open the workspace'}
      </button>
    </>
  );
}

function SignOutHere() {
  const [pending, setPending] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  return (
    <>
      {problem && <p className="inline-error">{problem}</p>}
      <button
        type="button"
        className="button button--block"
        disabled={pending}
        onClick={() => {
          setPending(true);
          signOut().then(
            // Afresh, signed out: the page then offers to sign in or create the account.
            () => window.location.reload(),
            (error: unknown) => {
              setPending(false);
              setProblem(error instanceof Error ? error.message : 'Signing out failed.');
            },
          );
        }}
      >
        {pending ? 'Signing out…' : 'Sign out'}
      </button>
    </>
  );
}

function CreateAccountAndAccept({ token, email }: { token: string; email: string }) {
  const id = useId();
  const enter = useEnterDashboard();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [accountTaken, setAccountTaken] = useState(false);
  const [signingIn, setSigningIn] = useState(false);
  const accept = trpc.invitations.accept.useMutation({
    // The e-mail may have got an account meanwhile: that is said here, not a trip to sign-in.
    meta: { signedOutIsExpected: true },
  });
  const busy = accept.isPending || signingIn;

  const submit = () => {
    const next: FieldErrors = {};
    if (!name.trim()) next.name = ['Must not be empty'];
    if (password.length < PASSWORD_MIN_LENGTH) {
      next.password = [`At least ${PASSWORD_MIN_LENGTH} characters`];
    }
    setErrors(next);
    if (Object.keys(next).length > 0) return;
    accept.mutate(
      { token, newAccount: { name: name.trim(), password } },
      {
        onSuccess: (membership) => {
          // The account exists now: sign in with what was just chosen, into the workspace.
          setSigningIn(true);
          void signInWithPassword(email, password).then((signedIn) => {
            if (signedIn.ok) {
              enter('/agents', membership.id);
            } else {
              setSigningIn(false);
              setErrors({ form: [describeSignInProblem(signedIn.problem)] });
            }
          });
        },
        onError: (error) => {
          const info = apiErrorInfo(error);
          if (info.details?.reason === 'account-exists') setAccountTaken(true);
          else if (info.issues.length > 0) setErrors(issuesByField(info.issues, ['newAccount']));
          else setErrors({ form: [describeApiError(error)] });
        },
      },
    );
  };

  if (accountTaken) {
    return (
      <>
        <FormAlert>
          <p>{email} has an account already: sign in with it to accept.</p>
        </FormAlert>
        <Link
          className="button button--primary button--block"
          to={signInHref(`/accept-invitation#${token}`, email)}
        >
          Sign in as {email}
        </Link>
      </>
    );
  }

  return (
    <>
      <p className="auth-card__lead">Choose your name and a password for {email}.</p>
      {errors.form && (
        <FormAlert>
          <p>{errors.form.join(' ')}</p>
        </FormAlert>
      )}
      <form
        className="auth-form"
        aria-label="Create your account"
        noValidate
        aria-busy={busy}
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
      >
        {/* For password managers: the account this password is for. */}
        <input type="hidden" name="username" autoComplete="username" value={email} />
        <Field id={`${id}-name`} label="Your name" required errors={errors.name}>
          {(control) => (
            <input
              {...control}
              className="input"
              autoComplete="name"
              required
              autoFocus
              value={name}
              onChange={(event) => setName(event.target.value)}
            />
          )}
        </Field>
        <Field
          id={`${id}-password`}
          label="Password"
          required
          hint={`At least ${PASSWORD_MIN_LENGTH} characters.`}
          errors={errors.password}
        >
          {(control) => (
            <input
              {...control}
              className="input"
              type="password"
              autoComplete="new-password"
              required
              value={password}
              onChange={(event) => setPassword(event.target.value)}
            />
          )}
        </Field>
        <button type="submit" className="button button--primary button--block" disabled={busy}>
          {busy ? 'Creating your account…' : 'Create account and join'}
        </button>
      </form>
    </>
  );
}
