import { useId, useState, type ReactNode } from 'react';
import { Field } from '../../components/field.tsx';
import { apiErrorInfo, describeApiError } from '../../lib/api-error.ts';
import { trpc } from '../../lib/trpc.ts';
import type { Membership } from './account-context.ts';

interface NewWorkspaceFormProps {
  /** The new workspace, once the server made it (the person is its owner). */
  onCreated: (workspace: Membership) => void;
  /** Beside the create button (Cancel, in a dialog). */
  secondary?: ReactNode;
  autoFocus?: boolean;
}

/** A name, and a new workspace of one's own (its owner). */
export function NewWorkspaceForm({ onCreated, secondary, autoFocus }: NewWorkspaceFormProps) {
  const id = useId();
  const utils = trpc.useUtils();
  const [name, setName] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const create = trpc.workspaces.create.useMutation({
    onSuccess: (workspace) => {
      // Known to the account at once: the gate only switches to workspaces the person is in.
      utils.account.me.setData(undefined, (me) =>
        me ? { ...me, workspaces: [...me.workspaces, workspace] } : me,
      );
      void utils.account.me.invalidate();
      onCreated(workspace);
    },
    onError: (error) => {
      const info = apiErrorInfo(error);
      setProblem(
        info.issues.find((issue) => issue.path[0] === 'name')?.message ?? describeApiError(error),
      );
    },
  });

  return (
    <form
      noValidate
      aria-label="New workspace"
      onSubmit={(event) => {
        event.preventDefault();
        if (!name.trim()) {
          setProblem('Give the workspace a name.');
          return;
        }
        setProblem(null);
        create.mutate({ name: name.trim() });
      }}
    >
      <Field
        id={`${id}-name`}
        label="Workspace name"
        required
        hint="A workspace has its own agents, phone numbers, members and keys. You will be its owner."
        errors={problem ? [problem] : undefined}
      >
        {(control) => (
          <input
            {...control}
            className="input"
            value={name}
            required
            autoComplete="organization"
            autoFocus={autoFocus}
            onChange={(event) => setName(event.target.value)}
          />
        )}
      </Field>
      <div className="dialog__actions">
        {secondary}
        <button type="submit" className="button button--primary" disabled={create.isPending}>
          {create.isPending ? 'Creating…' : 'Create workspace'}
        </button>
      </div>
    </form>
  );
}
