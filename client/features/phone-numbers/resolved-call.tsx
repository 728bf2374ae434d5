import { useId, useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { Field } from '../../components/field.tsx';
import { ModalDialog } from '../../components/modal-dialog.tsx';
import { apiErrorInfo, describeApiError } from '../../lib/api-error.ts';
import { trpc, type RouterOutputs } from '../../lib/trpc.ts';
import { checkDid, formatDid } from './phone-format.ts';
import { versionName } from '../agents/version-labels.ts';

type Resolved = RouterOutputs['telephony']['resolve'];
type ResolvedConfig = Resolved['config'];

/** Keys the summary shows; any other top-level key is listed as "other settings". */
const KNOWN_KEYS = new Set([
  'instructions',
  'greeting',
  'llm',
  'stt',
  'tts',
  'tools',
  'knowledgeBase',
  'variables',
  'rag',
]);

/** Configs are free-form JSON (and typed loosely over the wire): read values by their type. */
const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
const num = (value: unknown) => (typeof value === 'number' ? value : undefined);

const join = (...parts: unknown[]) =>
  parts
    .filter((part) => part !== undefined && part !== null && part !== '' && part !== false)
    .map(String)
    .join(' · ');

function Row({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}

/** The resolved config in words: what the caller will hear and what the agent can do. */
function ConfigSummary({ config }: { config: ResolvedConfig }) {
  const variables = Object.keys(config.variables);
  const others = Object.keys(config).filter((key) => !KNOWN_KEYS.has(key));
  return (
    <dl className="resolved__summary">
      <Row term="Instructions">
        <span className="resolved__instructions">{text(config.instructions)}</span>
      </Row>
      <Row term="Greeting">
        {text(config.greeting) ? (
          `“${text(config.greeting)}”`
        ) : (
          <span className="muted">None: the agent waits for the caller to speak</span>
        )}
      </Row>
      <Row term="LLM">
        {join(
          config.llm.provider,
          config.llm.model,
          num(config.llm.temperature) !== undefined && `temperature ${num(config.llm.temperature)}`,
        )}
      </Row>
      <Row term="Speech-to-text">
        {join(config.stt.provider, config.stt.model, config.stt.language)}
      </Row>
      <Row term="Voice">
        {join(
          config.tts.provider,
          config.tts.model,
          text(config.tts.voice),
          num(config.tts.speed) !== undefined && `speed ${num(config.tts.speed)}`,
        )}
      </Row>
      <Row term="Tools">
        {config.tools.length > 0 ? (
          config.tools.map((tool) => tool.name).join(', ')
        ) : (
          <span className="muted">None</span>
        )}
      </Row>
      <Row term="Knowledge base">
        {config.rag.enabled ? (
          `${config.rag.documentIds.length} document${config.rag.documentIds.length === 1 ? '' : 's'}, top ${config.rag.topK} passages`
        ) : (
          <span className="muted">Off</span>
        )}
      </Row>
      {variables.length > 0 && <Row term="Variables">{variables.join(', ')}</Row>}
      {others.length > 0 && <Row term="Other settings">{others.join(', ')}</Row>}
    </dl>
  );
}

/**
 * What an inbound call to `did` gets: the agent and its resolved config (`telephony.resolve`),
 * as a summary and as the JSON the agent worker receives.
 */
export function ResolvedCall({ did, headingLevel = 3 }: { did: string; headingLevel?: 2 | 3 }) {
  const resolved = trpc.telephony.resolve.useQuery({ did }, { staleTime: 0 });
  const agentId = resolved.data?.agentId ?? '';
  const agent = trpc.agents.get.useQuery({ agentId }, { enabled: agentId !== '' });
  const Heading = headingLevel === 2 ? 'h2' : 'h3';

  if (resolved.isPending) {
    return (
      <p className="resolved resolved--loading muted" role="status">
        Looking up {formatDid(did)}…
      </p>
    );
  }
  if (resolved.isError) {
    const failure = apiErrorInfo(resolved.error);
    if (failure.code === 'NOT_FOUND') {
      const missing = failure.details?.reason === 'not-found' ? failure.details.resource : null;
      return (
        <div className="resolved callout callout--warning" role="status">
          <p>
            <strong>No agent answers {formatDid(did)}.</strong>{' '}
            {missing === 'agent'
              ? 'Its number points at an agent that was deleted: edit the number to choose another.'
              : missing === 'number' || missing === 'route'
                ? 'No number here routes it, so LiveKit has no rule for calls to it.'
                : failure.message}
          </p>
        </div>
      );
    }
    return (
      <div className="resolved callout callout--error" role="alert">
        <p>
          Could not look up {formatDid(did)}: {describeApiError(resolved.error)}
        </p>
        <div className="callout__actions">
          <button
            type="button"
            className="button button--small"
            onClick={() => void resolved.refetch()}
          >
            Try again
          </button>
        </div>
      </div>
    );
  }

  const { config } = resolved.data;
  const metadata = { agentId: resolved.data.agentId, did: resolved.data.did, config };
  const name = agent.data?.name;
  return (
    <section className="resolved" aria-label={`What a call to ${resolved.data.did} gets`}>
      <Heading className="resolved__title">
        A call to <span className="nowrap">{formatDid(resolved.data.did)}</span> reaches{' '}
        <Link to={`/agents/${resolved.data.agentId}`}>
          {name ?? (agent.isError ? `agent ${resolved.data.agentId}` : 'the agent…')}
        </Link>
      </Heading>
      <p className="muted">
        Calls run its published version {versionName(resolved.data.agentVersion)}.
      </p>
      <ConfigSummary config={config} />
      <details className="resolved__json">
        <summary>Job metadata the agent worker receives (JSON)</summary>
        <pre tabIndex={0} aria-label="Job metadata (JSON)">
          {JSON.stringify(metadata, null, 2)}
        </pre>
      </details>
    </section>
  );
}

/** "Test a number": any number, typed, resolved as an inbound call would be. */
export function TestNumberPanel() {
  const id = useId();
  const [text, setText] = useState('');
  const [tested, setTested] = useState<string | null>(null);
  const [showProblem, setShowProblem] = useState(false);
  const check = checkDid(text);
  const utils = trpc.useUtils();

  return (
    <section className="card test-panel" aria-labelledby={`${id}-title`}>
      <h2 className="card__title" id={`${id}-title`}>
        Test a number
      </h2>
      <p className="muted test-panel__intro">
        See which agent answers a call to a number, with the config it would start with.
      </p>
      <form
        className="test-panel__form"
        noValidate
        aria-labelledby={`${id}-title`}
        onSubmit={(event) => {
          event.preventDefault();
          if (!check.ok) {
            setShowProblem(true);
            return;
          }
          // The same number again means "look again": the answer may have changed.
          if (check.did === tested) void utils.telephony.resolve.invalidate({ did: check.did });
          setTested(check.did);
        }}
      >
        <Field
          id={`${id}-number`}
          label="Number to test"
          errors={showProblem && !check.ok ? [check.message] : undefined}
          hint={
            check.ok ? (
              <span className="did-preview did-preview--ok">
                Tests <strong className="mono">{check.did}</strong>
              </span>
            ) : undefined
          }
        >
          {(control) => (
            <div className="test-panel__row">
              <input
                {...control}
                className="input input--mono"
                type="tel"
                inputMode="tel"
                autoComplete="off"
                maxLength={64}
                placeholder="+1 415 555 0100"
                value={text}
                onChange={(event) => {
                  setText(event.target.value);
                  setShowProblem(false);
                }}
              />
              <button type="submit" className="button">
                Test
              </button>
            </div>
          )}
        </Field>
      </form>
      {tested && <ResolvedCall did={tested} />}
    </section>
  );
}

/** The same answer for one row's number, in a dialog. */
export function TestNumberDialog({ did, onClose }: { did: string | null; onClose: () => void }) {
  return (
    <ModalDialog
      open={did !== null}
      size="large"
      title={did ? `Test ${formatDid(did)}` : 'Test a number'}
      onClose={onClose}
      actions={
        <button type="button" className="button" onClick={onClose} autoFocus>
          Close
        </button>
      }
    >
      {did && <ResolvedCall did={did} />}
    </ModalDialog>
  );
}
