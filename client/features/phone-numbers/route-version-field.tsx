import type { ControlProps } from '../../components/field.tsx';
import { describeApiError } from '../../lib/api-error.ts';
import { trpc } from '../../lib/trpc.ts';
import { versionName } from '../agents/version-labels.ts';

/** The versions offered: the newest ones (older ones are pinned through the API). */
const VERSIONS_OFFERED = 100;
const FOLLOW_PUBLISHED = 'published';

interface RouteVersionPickerProps {
  control: ControlProps;
  /** The agent whose versions are offered; null before one is chosen. */
  agentId: string | null;
  /** null: follow "published"; a number: pinned. */
  value: number | null;
  onChange: (version: number | null) => void;
}

/**
 * Which of the agent's versions a number runs: "Published" (each new publish reaches the number)
 * or one version pinned, from `agents.versions`.
 */
export function RouteVersionPicker({ control, agentId, value, onChange }: RouteVersionPickerProps) {
  const versions = trpc.agents.versions.useQuery(
    { agentId: agentId ?? '', limit: VERSIONS_OFFERED },
    { enabled: agentId !== null },
  );
  const numbers = (versions.data?.items ?? []).map((version) => version.version);
  // A pinned version older than the ones listed is still shown as chosen.
  if (value !== null && !numbers.includes(value)) numbers.push(value);
  const latest = versions.data?.items[0]?.version;
  const noteOf = new Map(
    (versions.data?.items ?? []).map((version) => [version.version, version.note]),
  );

  return (
    <>
      <select
        {...control}
        className="input input--select"
        value={value === null ? FOLLOW_PUBLISHED : String(value)}
        disabled={agentId === null}
        onChange={(event) =>
          onChange(
            event.target.value === FOLLOW_PUBLISHED
              ? null
              : Number.parseInt(event.target.value, 10),
          )
        }
      >
        <option value={FOLLOW_PUBLISHED}>
          Published (follows new publishes){latest ? ` · now ${versionName(latest)}` : ''}
        </option>
        {numbers.map((version) => {
          const note = noteOf.get(version);
          return (
            <option key={version} value={String(version)}>
              {`Pin ${versionName(version)}${version === latest ? ' (published now)' : ''}${note ? ` · ${note.slice(0, 60)}` : ''}`}
            </option>
          );
        })}
      </select>
      {versions.isError && (
        <p className="inline-error" role="alert">
          Could not load the agent’s versions: {describeApiError(versions.error)}
        </p>
      )}
    </>
  );
}
