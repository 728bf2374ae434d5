import { useId, useRef, useState, type ReactNode } from 'react';
import { useNavigate } from 'react-router';
import { Field } from '../../components/field.tsx';
import { ModalDialog } from '../../components/modal-dialog.tsx';
import { apiErrorInfo, type ApiErrorInfo } from '../../lib/api-error.ts';
import { issuesByField } from '../../lib/form-issues.ts';
import { showPath } from '../../lib/issue-path.ts';
import { toast } from '../../lib/toast-store.ts';
import { trpc } from '../../lib/trpc.ts';
import { useCan } from '../account/account-context.ts';
import { useStoreSavedAgent, type Agent } from './agent-cache.ts';
import { AGENT_EXPORT_MAX_BYTES, exportFileName, NAME_MAX_LENGTH } from './export-file.ts';

/**
 * A file bigger than this is not read at all. The server's limit counts the file's JSON without
 * whitespace; a pretty-printed export is larger on disk, so the browser's bound is looser.
 */
const FILE_READ_MAX_BYTES = 4 * AGENT_EXPORT_MAX_BYTES;

/** Why an import failed, as a title and one line per problem (each naming its path). */
interface ImportProblem {
  fileName: string;
  lines: string[];
}

/** The problems of a failed import, each with its path in the file (`draft.llm.temperature`). */
function importProblemLines(error: ApiErrorInfo): string[] {
  if (error.issues.length === 0) return [error.message];
  return error.issues.map((issue) => {
    // Paths lead from the procedure's input: `['file', 'draft', …]` is `draft…` in the file.
    const inFile = issue.path[0] === 'file' ? issue.path.slice(1) : issue.path;
    const at = showPath(inFile);
    return !at || issue.message.startsWith(at) ? issue.message : `${at}: ${issue.message}`;
  });
}

const kib = (bytes: number) => `${Math.ceil(bytes / 1024)} KiB`;

/** Reads a chosen file as JSON, refusing what is too big to be an export before reading it. */
async function readJsonFile(
  file: File,
): Promise<{ ok: true; value: unknown } | { ok: false; message: string }> {
  if (file.size > FILE_READ_MAX_BYTES) {
    return {
      ok: false,
      message: `The file is ${kib(file.size)}: an agent export is much smaller (at most ${kib(AGENT_EXPORT_MAX_BYTES)} of JSON).`,
    };
  }
  try {
    return { ok: true, value: JSON.parse(await file.text()) as unknown };
  } catch {
    return { ok: false, message: 'The file is not JSON: choose a .switchboard-agent.json file.' };
  }
}

/** A button that opens the file picker, and the hidden input behind it. */
function FilePickerButton({
  children,
  onFile,
  disabled,
  className = 'button',
}: {
  children: ReactNode;
  onFile: (file: File) => void;
  disabled?: boolean;
  className?: string;
}) {
  const input = useRef<HTMLInputElement>(null);
  const inputId = useId();
  return (
    <>
      <button
        type="button"
        className={className}
        disabled={disabled}
        onClick={() => input.current?.click()}
      >
        {children}
      </button>
      <input
        ref={input}
        id={inputId}
        type="file"
        accept=".json,application/json"
        className="visually-hidden"
        tabIndex={-1}
        aria-hidden="true"
        onChange={(event) => {
          const file = event.target.files?.[0];
          // Cleared so that choosing the same file again (after fixing it) fires again.
          event.target.value = '';
          if (file) onFile(file);
        }}
      />
    </>
  );
}

function ImportProblemDialog({
  problem,
  onClose,
}: {
  problem: ImportProblem | null;
  onClose: () => void;
}) {
  return (
    <ModalDialog
      open={problem !== null}
      title={`Could not import “${problem?.fileName ?? ''}”`}
      onClose={onClose}
      role="alertdialog"
      actions={
        <button type="button" className="button button--primary" onClick={onClose}>
          OK
        </button>
      }
    >
      <p>Nothing was changed. Fix the file and import it again:</p>
      <div className="callout callout--error">
        <ul>
          {problem?.lines.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      </div>
    </ModalDialog>
  );
}

/**
 * Imports a chosen export file: as a new agent without `agentId`, else as that agent's draft.
 * The problems of a refused file open a dialog, each naming its path in the file.
 */
function useImportFile(target: Agent | null) {
  const [problem, setProblem] = useState<ImportProblem | null>(null);
  const mutation = trpc.agents.import.useMutation();
  const run = async (file: File) => {
    const read = await readJsonFile(file);
    if (!read.ok) {
      setProblem({ fileName: file.name, lines: [read.message] });
      return null;
    }
    try {
      return await mutation.mutateAsync({
        file: read.value,
        ...(target && { agentId: target.id, expectedVersion: target.version }),
      });
    } catch (error) {
      setProblem({ fileName: file.name, lines: importProblemLines(apiErrorInfo(error)) });
      return null;
    }
  };
  const dialog = <ImportProblemDialog problem={problem} onClose={() => setProblem(null)} />;
  return { run, dialog, isPending: mutation.isPending };
}

/** The agents list's "Import agent": a file becomes a new agent, opened at once. */
export function ImportAgentButton() {
  const navigate = useNavigate();
  const utils = trpc.useUtils();
  const { run, dialog, isPending } = useImportFile(null);
  return (
    <>
      <FilePickerButton
        disabled={isPending}
        onFile={(file) =>
          void run(file).then(async (result) => {
            if (!result) return;
            utils.agents.get.setData({ agentId: result.agent.id }, result.agent);
            await utils.agents.list.invalidate();
            toast.success(`Imported “${result.agent.name}”`);
            await navigate(`/agents/${result.agent.id}`);
          })
        }
      >
        {isPending ? 'Importing…' : 'Import agent'}
      </FilePickerButton>
      {dialog}
    </>
  );
}

/** An agent page's Export, and for writers Duplicate and Import into draft. */
export function AgentTransferActions({ agent }: { agent: Agent }) {
  const canWrite = useCan('agents:write');
  const utils = trpc.useUtils();
  const storeSaved = useStoreSavedAgent();
  const [duplicating, setDuplicating] = useState(false);
  const [exporting, setExporting] = useState(false);
  const { run, dialog, isPending } = useImportFile(agent);

  const exportFile = async () => {
    setExporting(true);
    try {
      const file = await utils.agents.export.fetch({ agentId: agent.id });
      const url = URL.createObjectURL(
        new Blob([`${JSON.stringify(file, null, 2)}\n`], { type: 'application/json' }),
      );
      const link = document.createElement('a');
      link.href = url;
      link.download = exportFileName(agent.name);
      link.click();
      // The click parsed the URL, which resolves it to the blob (File API): the download holds
      // the blob itself, so letting go of the URL afterwards cannot cut it short.
      window.setTimeout(() => URL.revokeObjectURL(url), 0);
    } catch (error) {
      toast.error(`Could not export “${agent.name}”: ${apiErrorInfo(error).message}`);
    } finally {
      setExporting(false);
    }
  };

  return (
    <>
      <button
        type="button"
        className="button"
        disabled={exporting}
        onClick={() => void exportFile()}
      >
        {exporting ? 'Exporting…' : 'Export'}
      </button>
      {canWrite && (
        <>
          <button type="button" className="button" onClick={() => setDuplicating(true)}>
            Duplicate
          </button>
          <FilePickerButton
            disabled={isPending}
            onFile={(file) =>
              void run(file).then((result) => {
                if (!result) return;
                storeSaved(result.agent);
                void utils.agents.diff.invalidate({ agentId: agent.id });
                toast.success(
                  `Imported the draft from “${file.name}”. Review it, then publish when it is ready.`,
                );
              })
            }
          >
            {isPending ? 'Importing…' : 'Import into draft'}
          </FilePickerButton>
          <DuplicateDialog
            agent={duplicating ? agent : null}
            onClose={() => setDuplicating(false)}
          />
        </>
      )}
      {dialog}
    </>
  );
}

/** Asks for the copy's name, then opens the copy. */
function DuplicateDialog({ agent, onClose }: { agent: Agent | null; onClose: () => void }) {
  const navigate = useNavigate();
  const utils = trpc.useUtils();
  const nameId = useId();
  const [name, setName] = useState('');
  const [shownFor, setShownFor] = useState<string | null>(null);
  const mutation = trpc.agents.duplicate.useMutation();
  // A fresh name each time the dialog opens (adjusted while rendering, not in an effect).
  if ((agent?.id ?? null) !== shownFor) {
    setShownFor(agent?.id ?? null);
    setName(agent ? `${agent.name} (copy)`.slice(0, NAME_MAX_LENGTH) : '');
    mutation.reset();
  }
  const failure = mutation.error ? apiErrorInfo(mutation.error) : null;
  const errors = failure ? issuesByField(failure.issues) : {};
  const formError = failure && !errors.name ? [failure.message] : (errors.form ?? []);

  const close = () => {
    if (!mutation.isPending) onClose();
  };

  return (
    <ModalDialog open={agent !== null} title="Duplicate agent" onClose={close} actions={null}>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          if (!agent) return;
          mutation.mutate(
            { agentId: agent.id, name },
            {
              onSuccess: (result) => {
                utils.agents.get.setData({ agentId: result.agent.id }, result.agent);
                void utils.agents.list.invalidate();
                onClose();
                toast.success(`Duplicated as “${result.agent.name}”`);
                void navigate(`/agents/${result.agent.id}`);
              },
            },
          );
        }}
      >
        <p>
          The copy gets this agent’s draft, and its published configuration as its version 1. Phone
          numbers and call history stay with this agent.
        </p>
        <Field id={nameId} label="Name of the copy" errors={errors.name} required>
          {(control) => (
            <input
              {...control}
              className="input"
              value={name}
              maxLength={NAME_MAX_LENGTH}
              required
              autoComplete="off"
              onChange={(event) => setName(event.target.value)}
            />
          )}
        </Field>
        {formError.length > 0 && (
          <p className="inline-error" role="alert">
            {formError.join(' ')}
          </p>
        )}
        <div className="dialog__actions">
          <button type="button" className="button" onClick={close}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" disabled={mutation.isPending}>
            {mutation.isPending ? 'Duplicating…' : 'Duplicate'}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
