import { useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useNavigate } from 'react-router';
import { DESCRIPTION_MAX_LENGTH, NAME_MAX_LENGTH } from '../../../shared/agent.schema.ts';
import type { ApiIssue } from '../../../shared/errors.ts';
import { Field, fieldDomId } from '../../components/field.tsx';
import { apiErrorInfo, describeApiError } from '../../lib/api-error.ts';
import { toast } from '../../lib/toast-store.ts';
import { trpc, type RouterInputs } from '../../lib/trpc.ts';
import { useStoreSavedAgent, type Agent } from './agent-cache.ts';
import { jsonEqual } from '../../../shared/json-guard.ts';
import type { JsonObject } from '../../lib/json.ts';
import { summaryLabelOf } from './config-field-table.ts';
import { configToForm, formToConfig, type ConfigFormValues } from './config-form.ts';
import { ConfigFields } from './config-fields.tsx';
import { ConflictDialog, type ConflictState } from './conflict-dialog.tsx';
import {
  hasErrors,
  issuesToFields,
  serverIssuesOf,
  validateConfigJson,
  validateDraft,
  type FieldErrors,
  type JsonCheck,
} from './error-paths.ts';
import { JsonConfigEditor } from './json-config-editor.tsx';
import { useUnsavedChangesGuard } from './unsaved-changes-guard.tsx';

type ConfigInput = NonNullable<RouterInputs['agents']['create']['config']>;

interface Snapshot {
  name: string;
  description: string;
  config: JsonObject;
  version: number;
}

interface Draft {
  name: string;
  description: string;
  /** The whole config the form edits: unknown keys live here untouched. */
  base: JsonObject;
  values: ConfigFormValues;
}

type View = 'form' | 'json';
type Conflictable = ConflictState['mine'];

const EMPTY: Snapshot = { name: '', description: '', config: {}, version: 0 };

const snapshotOf = (agent: Agent): Snapshot => ({
  name: agent.name,
  description: agent.description,
  config: agent.config,
  version: agent.version,
});

const draftOf = (snapshot: Snapshot): Draft => ({
  name: snapshot.name,
  description: snapshot.description,
  base: snapshot.config,
  values: configToForm(snapshot.config),
});

/** What a save sends; server problems are about the values at their paths in it. */
type SaveInput = Conflictable;

/** The value at an issue's path (`['config', 'tools', '2', 'name']`) in a request, if any. */
function valueAt(input: unknown, path: readonly string[]): unknown {
  let current = input;
  for (const segment of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = Object.hasOwn(current, segment)
      ? (current as Record<string, unknown>)[segment]
      : undefined;
  }
  return current;
}

/** Lists of messages per field, each list without repeats, in the order given. */
function mergeErrors(...sources: FieldErrors[]): FieldErrors {
  const out: FieldErrors = {};
  for (const source of sources) {
    for (const [target, messages] of Object.entries(source)) {
      const list = (out[target] ??= []);
      for (const message of messages) if (!list.includes(message)) list.push(message);
    }
  }
  return out;
}

interface AgentEditorProps {
  /** The stored agent; null on the "new agent" page. */
  agent: Agent | null;
  /** Shown, not edited (a role without `agents:write`): the fields are disabled, nothing saves. */
  readOnly?: boolean;
}

/**
 * Create or edit an agent: the main fields as a form, the whole config as JSON, validation with
 * the shared schema before a save and the server's answer beside its fields after one. Saves
 * carry `expectedVersion`, so a concurrent edit is a conflict dialog, never a silent overwrite.
 */
export function AgentEditor({ agent, readOnly = false }: AgentEditorProps) {
  const navigate = useNavigate();
  const utils = trpc.useUtils();
  const storeSavedAgent = useStoreSavedAgent();
  const [saved, setSaved] = useState<Snapshot>(() => (agent ? snapshotOf(agent) : EMPTY));
  const [draft, setDraft] = useState<Draft>(() => draftOf(saved));
  const [view, setView] = useState<View>('form');
  const [jsonText, setJsonText] = useState('');
  const [jsonCheck, setJsonCheck] = useState<JsonCheck>({ ok: true, config: {} });
  // Problems are derived, never stored: once a save was tried, the draft's own problems follow
  // every keystroke, and the server's stay only while the value they are about is unchanged.
  const [attempted, setAttempted] = useState(false);
  const [refused, setRefused] = useState<{ issues: ApiIssue[]; sent: SaveInput } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [conflict, setConflict] = useState<ConflictState | null>(null);
  const [viewNotice, setViewNotice] = useState<string | null>(null);
  const [seenVersion, setSeenVersion] = useState(agent?.version);
  const summaryRef = useRef<HTMLDivElement>(null);

  const effective = useMemo(
    () => formToConfig(draft.values, draft.base),
    [draft.values, draft.base],
  );
  const input: SaveInput = useMemo(
    () => ({ name: draft.name, description: draft.description, config: effective.config }),
    [draft.name, draft.description, effective.config],
  );
  const jsonBroken = view === 'json' && !jsonCheck.ok;
  const dirty =
    jsonBroken ||
    draft.name !== saved.name ||
    draft.description !== saved.description ||
    !jsonEqual(effective.config, saved.config);

  const guardDialog = useUnsavedChangesGuard(dirty);

  const ownProblems = useMemo(
    () => (attempted ? validateDraft(input, effective.issues) : {}),
    [attempted, input, effective.issues],
  );
  const errors = mergeErrors(
    ownProblems,
    attempted && !jsonCheck.ok && view === 'json'
      ? { config: [`${jsonCheck.path ? `${jsonCheck.path}: ` : ''}${jsonCheck.message}`] }
      : {},
    refused
      ? issuesToFields(
          refused.issues.filter((issue) =>
            jsonEqual(valueAt(input, issue.path), valueAt(refused.sent, issue.path)),
          ),
        )
      : {},
    notice ? { form: [notice] } : {},
  );

  const openJson = (config: JsonObject) => {
    const text = JSON.stringify(config, null, 2);
    setJsonText(text);
    setJsonCheck(validateConfigJson(text));
  };

  const resetTo = (snapshot: Snapshot) => {
    setSaved(snapshot);
    setDraft(draftOf(snapshot));
    setAttempted(false);
    setRefused(null);
    setNotice(null);
    if (view === 'json') openJson(snapshot.config);
  };

  // A newer version arrived (another tab's save, a refetch) while nothing here is unsaved: show
  // it. Adjusted while rendering, when the stored version changes (not in an effect, which would
  // paint the old version first).
  if (agent && agent.version !== seenVersion) {
    setSeenVersion(agent.version);
    if (agent.version !== saved.version && !dirty) resetTo(snapshotOf(agent));
  }

  const switchView = (next: View) => {
    if (next === view) return;
    if (next === 'form' && !jsonCheck.ok) {
      setViewNotice('Fix the JSON first: the form can only show a valid config.');
      return;
    }
    setViewNotice(null);
    if (next === 'json') openJson(effective.config);
    setView(next);
  };

  const onJsonChange = (text: string) => {
    setJsonText(text);
    const check = validateConfigJson(text);
    setJsonCheck(check);
    if (check.ok) {
      setViewNotice(null);
      setDraft((current) => ({
        ...current,
        base: check.config,
        values: configToForm(check.config),
      }));
    }
  };

  const domIdOf = (field: string): string => {
    const [first, index, key] = field.split('.');
    if (first === 'tools' && index !== undefined && key !== undefined) {
      const toolKey = draft.values.tools[Number(index)]?.key;
      return fieldDomId(toolKey ? `tools.${toolKey}.${key}` : 'tools');
    }
    return fieldDomId(field);
  };

  const focusField = (field: string) => {
    const inForm =
      field !== 'config' && field !== 'form' && field !== 'name' && field !== 'description';
    if (field === 'config' && view !== 'json') switchView('json');
    else if (inForm && view !== 'form' && jsonCheck.ok) switchView('form');
    requestAnimationFrame(() => {
      const element = document.getElementById(domIdOf(field));
      element?.focus();
      element?.scrollIntoView({ block: 'center', behavior: 'smooth' });
    });
  };

  const focusSummary = () => requestAnimationFrame(() => summaryRef.current?.focus());

  const onSaveError = (error: unknown, sent: SaveInput) => {
    const info = apiErrorInfo(error);
    switch (info.code) {
      case 'CONFLICT':
        if (agent) openConflict(agent.id, sent);
        return;
      case 'BAD_REQUEST':
      case 'PAYLOAD_TOO_LARGE':
        setRefused({ issues: serverIssuesOf(info), sent });
        focusSummary();
        toast.error('The server did not accept the agent: see the highlighted fields.');
        return;
      case 'NOT_FOUND':
        setNotice(
          'This agent no longer exists: it was deleted elsewhere. Copy what you need from the form.',
        );
        focusSummary();
        toast.error('Not saved: the agent was deleted elsewhere.');
        return;
      default:
        toast.error(`Not saved: ${describeApiError(error)}`);
    }
  };

  const openConflict = (agentId: string, mine: Conflictable) => {
    setConflict({ baseVersion: saved.version, mine, theirs: null, loadError: null });
    utils.agents.get.fetch({ agentId }, { staleTime: 0 }).then(
      (theirs) => setConflict((current) => current && { ...current, theirs }),
      (error: unknown) =>
        setConflict((current) => current && { ...current, loadError: describeApiError(error) }),
    );
  };

  const createMutation = trpc.agents.create.useMutation();
  const updateMutation = trpc.agents.update.useMutation();
  const saving = createMutation.isPending || updateMutation.isPending;

  const save = (expectedVersion = saved.version) => {
    if (saving) return;
    setAttempted(true);
    setRefused(null);
    if (jsonBroken || hasErrors(validateDraft(input, effective.issues))) {
      focusSummary();
      return;
    }
    const sent = input;
    const config = sent.config as ConfigInput;

    if (!agent) {
      createMutation.mutate(
        { name: sent.name, description: sent.description, config },
        {
          onSuccess: (created) => {
            storeSavedAgent(created);
            void utils.agents.list.invalidate();
            toast.success(`Created “${created.name}”`);
            void navigate(`/agents/${created.id}`, { replace: true });
          },
          onError: (error) => onSaveError(error, sent),
        },
      );
      return;
    }

    updateMutation.mutate(
      {
        agentId: agent.id,
        expectedVersion,
        name: sent.name,
        description: sent.description,
        config,
      },
      {
        onSuccess: (updated) => {
          storeSavedAgent(updated);
          resetTo(snapshotOf(updated));
          setConflict(null);
          toast.success(
            `Saved “${updated.name}” as a draft (version ${updated.version}): publish to make it live`,
          );
        },
        onError: (error) => onSaveError(error, sent),
      },
    );
  };

  const errorEntries = Object.entries(errors).filter(([, messages]) => messages.length > 0);

  const onTabKeyDown = (event: KeyboardEvent<HTMLButtonElement>) => {
    if (
      event.key !== 'ArrowLeft' &&
      event.key !== 'ArrowRight' &&
      event.key !== 'Home' &&
      event.key !== 'End'
    )
      return;
    event.preventDefault();
    const next: View =
      event.key === 'Home'
        ? 'form'
        : event.key === 'End'
          ? 'json'
          : view === 'form'
            ? 'json'
            : 'form';
    switchView(next);
    document.getElementById(`tab-${next}`)?.focus();
  };

  return (
    <>
      <form
        className="editor"
        noValidate
        aria-label={agent ? (readOnly ? saved.name : `Edit ${saved.name}`) : 'New agent'}
        onSubmit={(event) => {
          event.preventDefault();
          if (!readOnly) save();
        }}
        onKeyDown={(event) => {
          if (readOnly) return;
          if ((event.metaKey || event.ctrlKey) && event.key.toLowerCase() === 's') {
            event.preventDefault();
            save();
          }
        }}
      >
        {errorEntries.length > 0 && (
          <div className="error-summary" role="alert" tabIndex={-1} ref={summaryRef}>
            <h2 className="error-summary__title">
              {errorEntries.length === 1
                ? 'One problem stops the save'
                : `${errorEntries.length} problems stop the save`}
            </h2>
            <ul>
              {errorEntries.map(([field, messages]) => (
                <li key={field}>
                  {field === 'form' ? (
                    messages.join(' ')
                  ) : (
                    <a
                      href={`#${domIdOf(field)}`}
                      onClick={(event) => {
                        event.preventDefault();
                        focusField(field);
                      }}
                    >
                      {summaryLabelOf(field) ? `${summaryLabelOf(field)}: ` : ''}
                      {messages.join(' ')}
                    </a>
                  )}
                </li>
              ))}
            </ul>
          </div>
        )}

        {readOnly && (
          <p className="callout callout--info">
            Read only: your role in this workspace can read agents and talk to them, not change
            them.
          </p>
        )}
        {/* A disabled fieldset disables every control in it: a read-only editor shows, never edits. */}
        <fieldset className="editor__fieldset" disabled={readOnly}>
          <section className="form-section" aria-labelledby="section-basics">
            <h2 className="form-section__title" id="section-basics">
              Basics
            </h2>
            <Field id={fieldDomId('name')} label="Name" required errors={errors.name}>
              {(control) => (
                <input
                  {...control}
                  className="input"
                  value={draft.name}
                  required
                  maxLength={NAME_MAX_LENGTH}
                  autoComplete="off"
                  placeholder="Front desk"
                  autoFocus={!agent}
                  onChange={(event) => setDraft((d) => ({ ...d, name: event.target.value }))}
                />
              )}
            </Field>
            <Field
              id={fieldDomId('description')}
              label="Description"
              hint="For your team: what this agent is for."
              errors={errors.description}
            >
              {(control) => (
                <textarea
                  {...control}
                  className="input"
                  rows={3}
                  maxLength={DESCRIPTION_MAX_LENGTH}
                  value={draft.description}
                  onChange={(event) => setDraft((d) => ({ ...d, description: event.target.value }))}
                />
              )}
            </Field>
          </section>
        </fieldset>

        <div className="config-editor">
          <div className="tabs" role="tablist" aria-label="Edit the config as">
            {(['form', 'json'] as const).map((tab) => (
              <button
                key={tab}
                type="button"
                role="tab"
                id={`tab-${tab}`}
                className="tabs__tab"
                aria-selected={view === tab}
                aria-controls={`panel-${tab}`}
                tabIndex={view === tab ? 0 : -1}
                onClick={() => switchView(tab)}
                onKeyDown={onTabKeyDown}
              >
                {tab === 'form' ? 'Form' : 'Advanced: raw JSON'}
              </button>
            ))}
          </div>
          {viewNotice && (
            <p className="inline-error" role="alert">
              {viewNotice}
            </p>
          )}
          <div role="tabpanel" id="panel-form" aria-labelledby="tab-form" hidden={view !== 'form'}>
            <fieldset className="editor__fieldset" disabled={readOnly}>
              {view === 'form' && (
                <>
                  {errors.config && (
                    <div className="callout callout--error">
                      <p>
                        Problems in parts of the config the form does not show (open the raw JSON to
                        fix them):
                      </p>
                      <ul>
                        {errors.config.map((message) => (
                          <li key={message}>{message}</li>
                        ))}
                      </ul>
                    </div>
                  )}
                  <ConfigFields
                    values={draft.values}
                    errors={errors}
                    onFieldChange={(id, text) =>
                      setDraft((d) => ({
                        ...d,
                        values: { ...d.values, fields: { ...d.values.fields, [id]: text } },
                      }))
                    }
                    onToolsChange={(tools) =>
                      setDraft((d) => ({ ...d, values: { ...d.values, tools } }))
                    }
                  />
                </>
              )}
            </fieldset>
          </div>
          <div role="tabpanel" id="panel-json" aria-labelledby="tab-json" hidden={view !== 'json'}>
            {view === 'json' && (
              <JsonConfigEditor
                text={jsonText}
                check={jsonCheck}
                onChange={onJsonChange}
                errors={errors.config}
                readOnly={readOnly}
              />
            )}
          </div>
        </div>

        {/* Stays in view while there is something to save; otherwise it rests below the form. */}
        {!readOnly && (
          <div className={`save-bar${dirty || saving ? ' save-bar--sticky' : ''}`}>
            <p className="save-bar__status" role="status">
              {saving
                ? 'Saving…'
                : dirty
                  ? 'Unsaved changes'
                  : agent
                    ? `Saved as draft · version ${saved.version}`
                    : ''}
            </p>
            <div className="save-bar__actions">
              {agent && dirty && (
                <button
                  type="button"
                  className="button button--ghost"
                  onClick={() => resetTo(saved)}
                  disabled={saving}
                >
                  Discard changes
                </button>
              )}
              <button
                type="submit"
                className="button button--primary"
                disabled={saving || (agent !== null && !dirty)}
              >
                {agent
                  ? saving
                    ? 'Saving…'
                    : 'Save changes'
                  : saving
                    ? 'Creating…'
                    : 'Create agent'}
              </button>
            </div>
          </div>
        )}
      </form>

      <ConflictDialog
        conflict={conflict}
        busy={saving}
        onKeepEditing={() => setConflict(null)}
        onReload={() => {
          const theirs = conflict?.theirs;
          setConflict(null);
          if (theirs) {
            resetTo(snapshotOf(theirs));
            toast.info(`Loaded version ${theirs.version}; your edits were discarded.`);
          } else if (agent) {
            void utils.agents.get.fetch({ agentId: agent.id }, { staleTime: 0 }).then(
              (latest) => resetTo(snapshotOf(latest)),
              (error: unknown) => toast.error(`Could not reload: ${describeApiError(error)}`),
            );
          }
        }}
        onOverwrite={() => {
          const theirs = conflict?.theirs;
          if (theirs) save(theirs.version);
        }}
      />
      {guardDialog}
    </>
  );
}
