import { useId, useState } from 'react';
import { ROUTE_LABEL_MAX_LENGTH } from '../../../shared/telephony.schema.ts';
import { Field } from '../../components/field.tsx';
import { ModalDialog } from '../../components/modal-dialog.tsx';
import { apiErrorInfo, describeApiError } from '../../lib/api-error.ts';
import { toast } from '../../lib/toast-store.ts';
import { trpc } from '../../lib/trpc.ts';
import { AgentPicker, type PickedAgent } from './agent-picker.tsx';
import { checkDid, formatDid } from './phone-format.ts';
import { routeErrorsToFields, takenMessage, type RouteFieldErrors } from './route-errors.ts';
import { useStoreSavedRoute, type DidRoute } from './route-cache.ts';
import { RouteVersionPicker } from './route-version-field.tsx';

/** What the dialog edits: a new number (optionally for a given agent), or an existing route. */
export type RouteDialogTarget =
  | { mode: 'create'; agent: PickedAgent | null }
  | { mode: 'edit'; route: DidRoute; agentName: string | null };

interface RouteDialogProps {
  target: RouteDialogTarget | null;
  onClose: () => void;
}

/** Add or edit a phone number: the number (normalised as you type), its agent, a label. */
export function RouteDialog({ target, onClose }: RouteDialogProps) {
  const formId = useId();
  const [busy, setBusy] = useState(false);
  return (
    <ModalDialog
      open={target !== null}
      title={target?.mode === 'edit' ? `Edit ${formatDid(target.route.did)}` : 'Add a phone number'}
      // A save in flight finishes here first: its answer (or its errors) belongs to this form.
      onClose={() => {
        if (!busy) onClose();
      }}
      actions={
        <>
          <button type="button" className="button" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" form={formId} className="button button--primary" disabled={busy}>
            {target?.mode === 'edit'
              ? busy
                ? 'Saving…'
                : 'Save changes'
              : busy
                ? 'Adding…'
                : 'Add number'}
          </button>
        </>
      }
    >
      {target && <RouteForm formId={formId} target={target} onBusy={setBusy} onDone={onClose} />}
    </ModalDialog>
  );
}

interface RouteFormProps {
  formId: string;
  target: RouteDialogTarget;
  onBusy: (busy: boolean) => void;
  onDone: () => void;
}

function RouteForm({ formId, target, onBusy, onDone }: RouteFormProps) {
  const utils = trpc.useUtils();
  const storeSavedRoute = useStoreSavedRoute();
  const route = target.mode === 'edit' ? target.route : null;
  const [number, setNumber] = useState(route?.did ?? '');
  const [numberTouched, setNumberTouched] = useState(false);
  const [picked, setAgent] = useState<PickedAgent | null>(() =>
    target.mode === 'edit'
      ? { id: target.route.agentId, name: target.agentName ?? '' }
      : target.agent,
  );
  const [label, setLabel] = useState(route?.label ?? '');
  const [version, setVersion] = useState<number | null>(route?.agentVersion ?? null);
  const [errors, setErrors] = useState<RouteFieldErrors>({});
  const [submitted, setSubmitted] = useState(false);
  const ids = {
    did: `${formId}-did`,
    agentId: `${formId}-agent`,
    version: `${formId}-version`,
    label: `${formId}-label`,
  };

  // Opened before the page knew the agent's name: look it up, then show it in the picker.
  const initialAgentId = picked?.name === '' ? picked.id : '';
  const initial = trpc.agents.get.useQuery(
    { agentId: initialAgentId },
    { enabled: initialAgentId !== '' },
  );
  const agent =
    picked && initial.data?.id === picked.id && picked.name === ''
      ? { ...picked, name: initial.data.name }
      : picked;

  const create = trpc.telephony.routes.create.useMutation();
  const update = trpc.telephony.routes.update.useMutation();

  const check = checkDid(number);
  // A problem shows once the field was left or a save was tried; from then on it follows typing.
  const numberErrors =
    errors.did ?? (!check.ok && (numberTouched || submitted) ? [check.message] : undefined);

  const setField = (field: keyof RouteFieldErrors) =>
    setErrors((current) => ({ ...current, [field]: undefined, form: undefined }));

  const focus = (field: 'did' | 'agentId' | 'label') =>
    requestAnimationFrame(() => document.getElementById(ids[field])?.focus());

  const onSaved = (saved: DidRoute, verb: string) => {
    storeSavedRoute(saved);
    const who = agent ? ` → ${agent.name}` : '';
    if (saved.sync.state === 'synced') {
      toast.success(`${verb} ${formatDid(saved.did)}${who}`);
    } else {
      toast.info(
        `${verb} ${formatDid(saved.did)}${who}, but LiveKit is not updated yet${saved.sync.error ? `: ${saved.sync.error}` : ''}. “Sync now” tries again.`,
      );
    }
    onDone();
  };

  const onError = (error: unknown) => {
    const info = apiErrorInfo(error);
    const fields = routeErrorsToFields(info);
    if (Object.keys(fields).length === 0) {
      toast.error(`Not saved: ${describeApiError(error)}`);
      return;
    }
    setErrors(fields);
    const first = (['did', 'agentId', 'label'] as const).find((field) => fields[field]);
    if (first) focus(first);
    // Another route has the number: say which agent answers it, by name, once that is loaded.
    const taken = info.details?.reason === 'number-taken' ? info.details : null;
    if (taken) {
      void utils.agents.get.fetch({ agentId: taken.agentId }).then(
        (other) =>
          setErrors((current) =>
            current.did ? { ...current, did: [takenMessage(taken.did, other.name)] } : current,
          ),
        () => undefined,
      );
    }
  };

  const save = () => {
    setSubmitted(true);
    const local: RouteFieldErrors = {};
    if (!check.ok) local.did = [check.message];
    if (!agent) local.agentId = ['Choose the agent that answers this number from the list'];
    if (Object.keys(local).length > 0) {
      setErrors(local);
      focus(local.did ? 'did' : 'agentId');
      return;
    }
    if (!check.ok || !agent) return;
    const trimmedLabel = label.trim();

    onBusy(true);
    const settle = { onSettled: () => onBusy(false) };
    if (!route) {
      create.mutate(
        {
          did: check.did,
          agentId: agent.id,
          agentVersion: version,
          ...(trimmedLabel && { label: trimmedLabel }),
        },
        { ...settle, onSuccess: (saved) => onSaved(saved, 'Added'), onError },
      );
      return;
    }
    const patch = {
      ...(check.did !== route.did && { did: check.did }),
      ...(agent.id !== route.agentId && { agentId: agent.id }),
      // Sent with a new agent too: without it the number would follow that agent's published one.
      ...((version !== route.agentVersion || agent.id !== route.agentId) && {
        agentVersion: version,
      }),
      ...(trimmedLabel !== (route.label ?? '') && { label: trimmedLabel }),
    };
    if (Object.keys(patch).length === 0) {
      onBusy(false);
      onDone();
      return;
    }
    update.mutate(
      { routeId: route.id, ...patch },
      { ...settle, onSuccess: (saved) => onSaved(saved, 'Saved'), onError },
    );
  };

  return (
    <form
      id={formId}
      noValidate
      aria-label={route ? `Edit ${route.did}` : 'Add a phone number'}
      onSubmit={(event) => {
        event.preventDefault();
        save();
      }}
    >
      {errors.form && (
        <div className="callout callout--error" role="alert">
          <p>{errors.form.join(' ')}</p>
        </div>
      )}
      <Field
        id={ids.did}
        label="Phone number"
        required
        errors={numberErrors}
        hint={
          check.ok ? (
            <span className={`did-preview${numberErrors ? '' : ' did-preview--ok'}`}>
              Normalised to <strong className="mono">{check.did}</strong>
              {formatDid(check.did) !== check.did && <> ({formatDid(check.did)})</>}
            </span>
          ) : (
            'With “+” and the country code, e.g. +1 415 555 0100. Spaces, dashes, dots and brackets are fine.'
          )
        }
      >
        {(control) => (
          <input
            {...control}
            className="input input--mono"
            type="tel"
            inputMode="tel"
            autoComplete="off"
            required
            autoFocus
            maxLength={64}
            placeholder="+1 415 555 0100"
            value={number}
            onChange={(event) => {
              setNumber(event.target.value);
              setField('did');
            }}
            onBlur={() => setNumberTouched(number.trim() !== '')}
          />
        )}
      </Field>
      <Field
        id={ids.agentId}
        label="Agent"
        required
        errors={errors.agentId}
        hint="Who answers calls to this number. Type part of a name to search."
      >
        {(control) => (
          <AgentPicker
            control={control}
            value={agent}
            onChange={(picked) => {
              // Another agent's version numbers mean nothing here: back to "Published".
              if (picked.id !== agent?.id) setVersion(null);
              setAgent(picked);
              setField('agentId');
            }}
          />
        )}
      </Field>
      <Field
        id={ids.label}
        label="Label"
        errors={errors.label}
        hint="Optional: for your team, e.g. “Main line” or “After hours”."
      >
        {(control) => (
          <input
            {...control}
            className="input"
            autoComplete="off"
            maxLength={ROUTE_LABEL_MAX_LENGTH}
            value={label}
            onChange={(event) => {
              setLabel(event.target.value);
              setField('label');
            }}
          />
        )}
      </Field>
      <Field
        id={ids.version}
        label="Version"
        hint="“Published” moves the number to each new publish; a pinned version stays until you change it here."
      >
        {(control) => (
          <RouteVersionPicker
            control={control}
            agentId={agent?.id ?? null}
            value={version}
            onChange={setVersion}
          />
        )}
      </Field>
    </form>
  );
}
