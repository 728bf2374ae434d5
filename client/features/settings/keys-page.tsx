import '../../lib/zod-messages.ts';
import { useId, useState } from 'react';
import { PERMISSIONS, type Permission } from '../../../shared/access.ts';
import { MAX_KEY_AGENTS } from '../../../shared/workspace.schema.ts';
import { ConfirmDeleteDialog } from '../../components/confirm-delete-dialog.tsx';
import { CopyField } from '../../components/copy-field.tsx';
import { Field } from '../../components/field.tsx';
import { LoadMore } from '../../components/load-more.tsx';
import { ModalDialog } from '../../components/modal-dialog.tsx';
import { apiErrorInfo, describeApiError } from '../../lib/api-error.ts';
import { formatDateTime, timeAgo } from '../../lib/format.ts';
import { issuesByField } from '../../lib/form-issues.ts';
import { toast } from '../../lib/toast-store.ts';
import { trpc, type RouterOutputs } from '../../lib/trpc.ts';
import { useAccount, useCan } from '../account/account-context.ts';
import { NoAccess } from '../account/no-access.tsx';
import { grantableScopes } from '../account/permissions.ts';
import { parseOriginList } from './origin-list.ts';

type ApiKey = RouterOutputs['keys']['list'][number];
type Created = RouterOutputs['keys']['create'];
type Kind = ApiKey['kind'];

/** API keys of the workspace (for `keys:admin`): list, create (shown once), revoke. */
export function KeysPage() {
  const allowed = useCan('keys:admin');
  if (!allowed) return <NoAccess title="API keys" permission="keys:admin" />;
  return <Keys />;
}

function Keys() {
  const { workspace } = useAccount();
  const utils = trpc.useUtils();
  const keys = trpc.keys.list.useQuery();
  const [creating, setCreating] = useState<Kind | null>(null);
  const [toRevoke, setToRevoke] = useState<ApiKey | null>(null);
  const revoke = trpc.keys.revoke.useMutation({
    onSuccess: (_result, { id }) => {
      const key = keys.data?.find((item) => item.id === id);
      toast.success(`Revoked “${key?.name ?? 'the key'}”: it no longer works.`);
    },
    onError: (error) => toast.error(`Not revoked: ${describeApiError(error)}`),
    onSettled: () => utils.keys.list.invalidate(),
  });
  const live = keys.data?.filter((key) => !key.revokedAt) ?? [];
  const revoked = keys.data?.filter((key) => key.revokedAt) ?? [];

  return (
    <div className="page">
      <title>API keys · Switchboard</title>
      <header className="page-header">
        <div className="page-header__text">
          <h1 className="page-header__title">API keys</h1>
          <p className="page-header__subtitle">
            For programs that use {workspace.name}: secret keys for servers, publishable keys for
            web pages that start calls.
          </p>
        </div>
        <div className="page-header__actions">
          <button type="button" className="button" onClick={() => setCreating('publishable')}>
            New publishable key
          </button>
          <button
            type="button"
            className="button button--primary"
            onClick={() => setCreating('secret')}
          >
            New secret key
          </button>
        </div>
      </header>

      {keys.isPending ? (
        <p className="muted" role="status">
          Loading keys…
        </p>
      ) : keys.isError ? (
        <div className="state state--error" role="alert">
          <h2 className="state__title">Could not load keys</h2>
          <p>{describeApiError(keys.error)}</p>
          <button type="button" className="button" onClick={() => void keys.refetch()}>
            Try again
          </button>
        </div>
      ) : keys.data.length === 0 ? (
        <div className="state state--empty">
          <h2 className="state__title">No API keys yet</h2>
          <p>
            A secret key lets a program on a server call the API with the scopes you give it. A
            publishable key lets your web page start calls from the origins you list.
          </p>
        </div>
      ) : (
        <>
          <ul className="settings-list" aria-label="API keys">
            {live.map((key) => (
              <KeyRow key={key.id} apiKey={key} onRevoke={() => setToRevoke(key)} />
            ))}
          </ul>
          {revoked.length > 0 && (
            <>
              <h2 className="settings-section__subtitle">Revoked</h2>
              <ul className="settings-list" aria-label="Revoked keys">
                {revoked.map((key) => (
                  <KeyRow key={key.id} apiKey={key} />
                ))}
              </ul>
            </>
          )}
        </>
      )}

      <CreateKeyDialog kind={creating} onClose={() => setCreating(null)} />
      <ConfirmDeleteDialog
        item={toRevoke}
        title={(key) => `Revoke “${key?.name ?? ''}”?`}
        confirmLabel="Revoke key"
        onCancel={() => setToRevoke(null)}
        onConfirm={(key) => {
          setToRevoke(null);
          revoke.mutate({ id: key.id });
        }}
      >
        <p>
          Every program or page using it is refused from now on. This cannot be undone: to let them
          in again, create a new key and give it to them.
        </p>
      </ConfirmDeleteDialog>
    </div>
  );
}

function KeyRow({ apiKey, onRevoke }: { apiKey: ApiKey; onRevoke?: () => void }) {
  const secret = apiKey.kind === 'secret';
  return (
    <li className={`settings-row key-row${apiKey.revokedAt ? ' key-row--revoked' : ''}`}>
      <div className="settings-row__main">
        <span className="settings-row__name">
          {apiKey.name}
          <span className={`badge${secret ? ' badge--accent' : ''}`}>
            {secret ? 'Secret' : 'Publishable'}
          </span>
          {apiKey.revokedAt && <span className="badge badge--danger">Revoked</span>}
        </span>
        <span className="settings-row__meta">
          <code>{apiKey.start}…</code> · created by {apiKey.createdBy}{' '}
          <time dateTime={apiKey.createdAt} title={formatDateTime(apiKey.createdAt)}>
            {timeAgo(apiKey.createdAt)}
          </time>{' '}
          ·{' '}
          {apiKey.revokedAt ? (
            <>
              revoked{' '}
              <time dateTime={apiKey.revokedAt} title={formatDateTime(apiKey.revokedAt)}>
                {timeAgo(apiKey.revokedAt)}
              </time>
            </>
          ) : apiKey.lastUsedAt ? (
            <>
              last used{' '}
              <time dateTime={apiKey.lastUsedAt} title={formatDateTime(apiKey.lastUsedAt)}>
                {timeAgo(apiKey.lastUsedAt)}
              </time>
            </>
          ) : (
            'never used'
          )}
        </span>
        <dl className="key-row__grants">
          {secret ? (
            <div>
              <dt>Scopes</dt>
              <dd>
                <ul className="chip-list" aria-label={`Scopes of ${apiKey.name}`}>
                  {apiKey.scopes.map((scope) => (
                    <li key={scope} className="chip" title={PERMISSIONS[scope]}>
                      {scope}
                    </li>
                  ))}
                </ul>
              </dd>
            </div>
          ) : (
            <>
              <div>
                <dt>Origins</dt>
                <dd>
                  <ul className="chip-list" aria-label={`Origins of ${apiKey.name}`}>
                    {apiKey.origins.map((origin) => (
                      <li key={origin} className="chip">
                        {origin}
                      </li>
                    ))}
                  </ul>
                </dd>
              </div>
              <div>
                <dt>Agents</dt>
                <dd>
                  {apiKey.agentIds === null ? (
                    'All agents'
                  ) : (
                    <AgentNames agentIds={apiKey.agentIds} />
                  )}
                </dd>
              </div>
            </>
          )}
        </dl>
      </div>
      {onRevoke && (
        <div className="settings-row__actions">
          <button
            type="button"
            className="button button--ghost-danger button--small"
            onClick={onRevoke}
            aria-label={`Revoke ${apiKey.name}`}
          >
            Revoke
          </button>
        </div>
      )}
    </li>
  );
}

/** A publishable key's agents by name, from the first page of the agents list (else their ids). */
function AgentNames({ agentIds }: { agentIds: readonly string[] }) {
  const agents = trpc.agents.list.useQuery({ limit: 100 }, { staleTime: 60_000 });
  const names = agentIds.map(
    (id) => agents.data?.items.find((agent) => agent.id === id)?.name ?? id,
  );
  return <>{names.join(', ')}</>;
}

function CreateKeyDialog({ kind, onClose }: { kind: Kind | null; onClose: () => void }) {
  const [created, setCreated] = useState<Created | null>(null);
  const close = () => {
    setCreated(null);
    onClose();
  };
  if (created) {
    return (
      <ModalDialog
        open
        title={`Your new key “${created.key.name}”`}
        onClose={close}
        role="alertdialog"
        actions={
          <button type="button" className="button button--primary" onClick={close}>
            I have copied it
          </button>
        }
      >
        <div className="secret-box secret-box--plain">
          <CopyField
            label={created.key.kind === 'secret' ? 'Secret key' : 'Publishable key'}
            value={created.secret}
          />
          <p className="secret-box__warning">
            <strong>Copy it now: it is shown only this once.</strong> Switchboard keeps only a hash
            of it. If you lose it, revoke it and create another.
          </p>
        </div>
      </ModalDialog>
    );
  }
  return (
    <ModalDialog
      open={kind !== null}
      title={kind === 'publishable' ? 'New publishable key' : 'New secret key'}
      onClose={close}
      size="large"
      actions={null}
    >
      {kind === 'secret' && <SecretKeyForm onCreated={setCreated} onCancel={close} />}
      {kind === 'publishable' && <PublishableKeyForm onCreated={setCreated} onCancel={close} />}
    </ModalDialog>
  );
}

interface KeyFormProps {
  onCreated: (created: Created) => void;
  onCancel: () => void;
}

function useCreateKey(
  onCreated: (created: Created) => void,
  onProblems: (p: Record<string, string[]>) => void,
) {
  const utils = trpc.useUtils();
  return trpc.keys.create.useMutation({
    onSuccess: (created) => {
      void utils.keys.list.invalidate();
      onCreated(created);
    },
    onError: (error) => {
      const info = apiErrorInfo(error);
      onProblems(
        info.issues.length > 0 ? issuesByField(info.issues) : { form: [describeApiError(error)] },
      );
    },
  });
}

function FormProblems({ problems }: { problems: string[] | undefined }) {
  if (!problems?.length) return null;
  return (
    <div className="callout callout--error" role="alert">
      <p>{problems.join(' ')}</p>
    </div>
  );
}

function KeyFormActions({ pending, onCancel }: { pending: boolean; onCancel: () => void }) {
  return (
    <div className="dialog__actions">
      <button type="button" className="button" onClick={onCancel}>
        Cancel
      </button>
      <button type="submit" className="button button--primary" disabled={pending}>
        {pending ? 'Creating…' : 'Create key'}
      </button>
    </div>
  );
}

function NameField({
  id,
  value,
  onChange,
  errors,
  placeholder,
}: {
  id: string;
  value: string;
  onChange: (value: string) => void;
  errors: string[] | undefined;
  placeholder: string;
}) {
  return (
    <Field
      id={id}
      label="Name"
      required
      hint="Say what uses it, to know later what revoking it stops."
      errors={errors}
    >
      {(control) => (
        <input
          {...control}
          className="input"
          required
          autoFocus
          autoComplete="off"
          placeholder={placeholder}
          value={value}
          onChange={(event) => onChange(event.target.value)}
        />
      )}
    </Field>
  );
}

function SecretKeyForm({ onCreated, onCancel }: KeyFormProps) {
  const id = useId();
  const { permissions } = useAccount();
  const grantable = grantableScopes(permissions);
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<Permission[]>(() =>
    grantable.filter((scope) => scope === 'agents:read'),
  );
  const [problems, setProblems] = useState<Record<string, string[]>>({});
  const create = useCreateKey(onCreated, setProblems);

  return (
    <form
      aria-label="New secret key"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        const next: Record<string, string[]> = {};
        if (!name.trim()) next.name = ['Must not be empty'];
        if (scopes.length === 0) next.scopes = ['Choose at least one scope'];
        setProblems(next);
        if (Object.keys(next).length > 0) return;
        create.mutate({ kind: 'secret', name: name.trim(), scopes });
      }}
    >
      <p className="dialog__lead">
        For a program on a server (never in a web page): it can do what its scopes allow, in this
        workspace. You can give only what your own role allows.
      </p>
      <FormProblems problems={problems.form} />
      <NameField
        id={`${id}-name`}
        value={name}
        onChange={setName}
        errors={problems.name}
        placeholder="Billing sync"
      />
      <fieldset
        className="checkbox-group"
        aria-describedby={problems.scopes ? `${id}-scopes-error` : undefined}
      >
        <legend className="field__label">Scopes</legend>
        {grantable.map((scope) => (
          <label key={scope} className="checkbox-group__option">
            <input
              type="checkbox"
              checked={scopes.includes(scope)}
              onChange={(event) =>
                setScopes((current) =>
                  event.target.checked
                    ? grantable.filter((item) => item === scope || current.includes(item))
                    : current.filter((item) => item !== scope),
                )
              }
            />
            <span>
              <code>{scope}</code> <span className="muted">{PERMISSIONS[scope]}</span>
            </span>
          </label>
        ))}
        {problems.scopes && (
          <ul className="field__errors" id={`${id}-scopes-error`}>
            {problems.scopes.map((message) => (
              <li key={message}>{message}</li>
            ))}
          </ul>
        )}
      </fieldset>
      <KeyFormActions pending={create.isPending} onCancel={onCancel} />
    </form>
  );
}

function PublishableKeyForm({ onCreated, onCancel }: KeyFormProps) {
  const id = useId();
  const [name, setName] = useState('');
  const [originsText, setOriginsText] = useState('');
  const [allAgents, setAllAgents] = useState(true);
  const [agentIds, setAgentIds] = useState<string[]>([]);
  const [problems, setProblems] = useState<Record<string, string[]>>({});
  const create = useCreateKey(onCreated, setProblems);
  const agents = trpc.agents.list.useInfiniteQuery(
    { limit: 50 },
    { getNextPageParam: (page) => page.nextCursor ?? undefined, enabled: !allAgents },
  );
  const agentItems = agents.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <form
      aria-label="New publishable key"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        const next: Record<string, string[]> = {};
        if (!name.trim()) next.name = ['Must not be empty'];
        const parsed = parseOriginList(originsText);
        if (parsed.problems.length > 0) next.origins = parsed.problems;
        if (!allAgents && agentIds.length === 0) next.agentIds = ['Choose at least one agent'];
        if (!allAgents && agentIds.length > MAX_KEY_AGENTS) {
          next.agentIds = [`At most ${MAX_KEY_AGENTS} agents`];
        }
        setProblems(next);
        if (Object.keys(next).length > 0) return;
        create.mutate({
          kind: 'publishable',
          name: name.trim(),
          origins: parsed.origins,
          agentIds: allAgents ? null : agentIds,
        });
      }}
    >
      <p className="dialog__lead">
        For a web page: it can only start calls (<code>sessions:start</code>), only from the origins
        you list, only with the agents you allow. It is not a secret: it is in the page’s code.
      </p>
      <FormProblems problems={problems.form} />
      <NameField
        id={`${id}-name`}
        value={name}
        onChange={setName}
        errors={problems.name}
        placeholder="Website call button"
      />
      <Field
        id={`${id}-origins`}
        label="Origins"
        required
        hint="One per line: scheme://host[:port], e.g. https://shop.example or http://localhost:3000."
        errors={problems.origins}
      >
        {(control) => (
          <textarea
            {...control}
            className="input input--mono"
            rows={3}
            spellCheck={false}
            autoCapitalize="off"
            value={originsText}
            onChange={(event) => setOriginsText(event.target.value)}
          />
        )}
      </Field>
      <fieldset
        className="checkbox-group"
        aria-describedby={problems.agentIds ? `${id}-agents-error` : undefined}
      >
        <legend className="field__label">Agents</legend>
        <label className="checkbox-group__option">
          <input
            type="radio"
            name={`${id}-agents`}
            checked={allAgents}
            onChange={() => setAllAgents(true)}
          />
          <span>All agents of the workspace, also those created later</span>
        </label>
        <label className="checkbox-group__option">
          <input
            type="radio"
            name={`${id}-agents`}
            checked={!allAgents}
            onChange={() => setAllAgents(false)}
          />
          <span>Only the agents I choose</span>
        </label>
        {!allAgents && (
          <div className="agent-checklist">
            {agents.isPending ? (
              <p className="muted" role="status">
                Loading agents…
              </p>
            ) : agents.isError ? (
              <p className="inline-error" role="alert">
                Could not load agents: {describeApiError(agents.error)}
              </p>
            ) : agentItems.length === 0 ? (
              <p className="muted">This workspace has no agents yet.</p>
            ) : (
              agentItems.map((agent) => (
                <label key={agent.id} className="checkbox-group__option">
                  <input
                    type="checkbox"
                    checked={agentIds.includes(agent.id)}
                    onChange={(event) =>
                      setAgentIds((current) =>
                        event.target.checked
                          ? [...current, agent.id]
                          : current.filter((item) => item !== agent.id),
                      )
                    }
                  />
                  <span>{agent.name}</span>
                </label>
              ))
            )}
            <LoadMore list={agents} noun="agents" />
          </div>
        )}
        {problems.agentIds && (
          <ul className="field__errors" id={`${id}-agents-error`}>
            {problems.agentIds.map((message) => (
              <li key={message}>{message}</li>
            ))}
          </ul>
        )}
      </fieldset>
      <KeyFormActions pending={create.isPending} onCancel={onCancel} />
    </form>
  );
}
