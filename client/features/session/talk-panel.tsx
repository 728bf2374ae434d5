import { lazy, Suspense, useState } from 'react';
import { Field, fieldDomId } from '../../components/field.tsx';
import { apiErrorInfo, describeApiError } from '../../lib/api-error.ts';
import { trpc, type RouterOutputs } from '../../lib/trpc.ts';
import {
  configFieldById,
  placeholderOf,
  type ConfigFieldId,
} from '../agents/config-field-table.ts';
import { configToForm } from '../agents/config-form.ts';
import { useCan } from '../account/account-context.ts';
import {
  buildOverrides,
  EMPTY_OVERRIDES,
  serverOverrideProblem,
  type OverrideFields,
  type OverrideProblem,
} from './call-overrides.ts';

type Agent = RouterOutputs['agents']['get'];
type StartedSession = RouterOutputs['session']['start'];

// livekit-client is large: it loads with the call view, when a call starts, never with the dashboard.
const loadCallView = () => import('./call-view.tsx');
const CallView = lazy(() => loadCallView().then((module) => ({ default: module.CallView })));

/** Start a call with the saved agent (optionally with per-call overrides) and run it here. */
export function TalkPanel({ agent }: { agent: Agent }) {
  const info = trpc.system.info.useQuery(undefined, { staleTime: Number.POSITIVE_INFINITY });
  const start = trpc.session.start.useMutation();
  const utils = trpc.useUtils();
  const [session, setSession] = useState<StartedSession | null>(null);
  const [ranDraft, setRanDraft] = useState(false);
  const [fields, setFields] = useState<OverrideFields>(EMPTY_OVERRIDES);
  const [fieldError, setFieldError] = useState<OverrideProblem | null>(null);
  const livekitOff = info.data?.livekitConfigured === false;
  // Who may edit the agent tests what they edit (the unpublished draft, marked on the call
  // record); everyone else talks to what callers get, the published version.
  const testsDraft = useCan('agents:write');

  const startCall = () => {
    const built = buildOverrides(fields);
    if (!built.ok) {
      setFieldError({ field: built.field, message: built.message });
      document.getElementById(fieldDomId(`override.${built.field}`))?.focus();
      return;
    }
    setFieldError(null);
    void loadCallView(); // fetch the call chunk while the server mints the token
    start.mutate(
      {
        agentId: agent.id,
        agentVersion: testsDraft ? 'draft' : 'published',
        ...(built.overrides && { agentConfig: built.overrides }),
      },
      {
        onSuccess: (started) => {
          setSession(started);
          setRanDraft(testsDraft);
          // The new call shows in the agent's recent calls (and Calls) at once.
          void utils.sessions.list.invalidate();
        },
        // The server's problem with an override goes beside that override, like the browser's.
        onError: (error) => setFieldError(serverOverrideProblem(apiErrorInfo(error))),
      },
    );
  };

  if (session) {
    return (
      <div className="card talk-panel">
        <h2 className="card__title">Call with {agent.name}</h2>
        {ranDraft && (
          <p>
            <span className="badge badge--warning">Testing the draft</span>
          </p>
        )}
        <Suspense
          fallback={
            <p className="muted" role="status">
              Loading the call…
            </p>
          }
        >
          <CallView
            session={session}
            agentLabel={agent.name}
            onClose={() => {
              setSession(null);
              start.reset();
            }}
          />
        </Suspense>
      </div>
    );
  }

  // Each placeholder says what the call gets without an override: the saved value, else the
  // default (the same words as the editor's, from the same table).
  const saved = configToForm(agent.config).fields;
  const withoutOverride = (id: ConfigFieldId): string | undefined => {
    const field = configFieldById(id);
    return saved[id] || (field && placeholderOf(field, saved));
  };

  const overrideField = (
    key: keyof OverrideFields,
    label: string,
    placeholder: string | undefined,
    hint?: string,
  ) => (
    <Field
      id={fieldDomId(`override.${key}`)}
      label={label}
      hint={hint}
      errors={fieldError?.field === key ? [fieldError.message] : undefined}
    >
      {(control) => (
        <input
          {...control}
          className="input"
          value={fields[key]}
          placeholder={placeholder}
          autoComplete="off"
          onChange={(event) => setFields((current) => ({ ...current, [key]: event.target.value }))}
        />
      )}
    </Field>
  );

  return (
    <div className="card talk-panel">
      <h2 className="card__title">Talk to this agent</h2>
      {testsDraft ? (
        <p className="muted">
          <span className="badge badge--warning">Testing the draft</span> Calls from here run the
          saved draft (version {agent.version}), published or not; phone numbers keep running the
          published version. Your microphone is used; the agent answers through your speakers.
        </p>
      ) : (
        <p className="muted">
          Starts a call in your browser with the published version, as callers get it. Your
          microphone is used; the agent answers through your speakers.
        </p>
      )}
      {livekitOff && (
        <div className="callout callout--warning">
          <p>
            Calls are off: the server has no LiveKit settings (<code>LIVEKIT_URL</code>,{' '}
            <code>LIVEKIT_API_KEY</code>, <code>LIVEKIT_API_SECRET</code>).
          </p>
        </div>
      )}
      <details className="overrides">
        <summary>Per-call overrides</summary>
        <p className="field__hint">Apply to this call only; the saved agent does not change.</p>
        {overrideField('greeting', 'Greeting for this call', withoutOverride('greeting'))}
        {overrideField('voice', 'Voice for this call', withoutOverride('tts.voice'))}
        <div className="field-grid field-grid--two">
          {overrideField('language', 'Language for this call', withoutOverride('stt.language'))}
          {overrideField(
            'temperature',
            'Temperature for this call',
            withoutOverride('llm.temperature'),
          )}
        </div>
        <Field
          id={fieldDomId('override.json')}
          label="More overrides (JSON)"
          hint='Merged into the config: objects key by key, null clears a field. E.g. {"llm": {"model": "gpt-4.1"}}'
          errors={fieldError?.field === 'json' ? [fieldError.message] : undefined}
        >
          {(control) => (
            <textarea
              {...control}
              className="input input--mono"
              rows={4}
              spellCheck={false}
              value={fields.json}
              onChange={(event) =>
                setFields((current) => ({ ...current, json: event.target.value }))
              }
            />
          )}
        </Field>
      </details>
      {start.isError && (
        <div className="callout callout--error" role="alert">
          <p>Could not start the call: {describeApiError(start.error)}</p>
        </div>
      )}
      <button
        type="button"
        className="button button--primary button--block"
        onClick={startCall}
        onPointerEnter={() => void loadCallView()}
        onFocus={() => void loadCallView()}
        disabled={start.isPending || livekitOff}
      >
        {start.isPending ? 'Starting…' : 'Start call'}
      </button>
    </div>
  );
}
