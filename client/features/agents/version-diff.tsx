import type { VersionSelector } from '../../../shared/agent-version.schema.ts';
import { describeApiError } from '../../lib/api-error.ts';
import { trpc, type RouterOutputs } from '../../lib/trpc.ts';

/** A change as the API answers it (`before`/`after` arrive optional from `z.unknown()`). */
type ConfigChange = RouterOutputs['agents']['diff']['changes'][number];
import { diffValue, sideLabel, summarizeChanges } from './version-labels.ts';

interface VersionDiffProps {
  agentId: string;
  from: VersionSelector;
  to: VersionSelector;
}

/** What differs between two sides (draft, published, vN), path by path, as `agents.diff` says. */
export function VersionDiff({ agentId, from, to }: VersionDiffProps) {
  const diff = trpc.agents.diff.useQuery({ agentId, from, to });
  const fromLabel = sideLabel(from);
  const toLabel = sideLabel(to);
  const title = `Differences from ${fromLabel} to ${toLabel}`;

  if (diff.isPending) {
    return (
      <p className="muted" role="status">
        Comparing {fromLabel} with {toLabel}…
      </p>
    );
  }
  if (diff.isError) {
    return (
      <p className="inline-error" role="alert">
        Could not compare {fromLabel} with {toLabel}: {describeApiError(diff.error)}
      </p>
    );
  }
  const { changes } = diff.data;
  return (
    <div role="region" aria-label={title}>
      {changes.length === 0 ? (
        <p className="callout callout--info">
          {fromLabel} and {toLabel} have the same config.
        </p>
      ) : (
        <>
          <p className="muted card__lead">{summarizeChanges(changes)}</p>
          <div className="diff diff--inline">
            <table className="diff__table" role="table">
              <caption className="visually-hidden">{title}, path by path</caption>
              <thead className="diff__head">
                <tr role="row">
                  <th scope="col" role="columnheader">
                    Path
                  </th>
                  <th scope="col" role="columnheader">
                    {fromLabel}
                  </th>
                  <th scope="col" role="columnheader">
                    {toLabel}
                  </th>
                </tr>
              </thead>
              <tbody>
                {changes.map((change) => (
                  <ChangeRow
                    key={change.path}
                    change={change}
                    fromLabel={fromLabel}
                    toLabel={toLabel}
                  />
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </div>
  );
}

function ChangeRow({
  change,
  fromLabel,
  toLabel,
}: {
  change: ConfigChange;
  fromLabel: string;
  toLabel: string;
}) {
  return (
    <tr role="row" className={`diff__row diff__row--${change.kind}`}>
      <th scope="row" role="rowheader" className="diff__path">
        <code>{change.path || '(whole config)'}</code>{' '}
        <span className={`badge diff__kind diff__kind--${change.kind}`}>{change.kind}</span>
      </th>
      <td role="cell" className="diff__theirs" data-label={fromLabel}>
        <pre>{diffValue(change.kind === 'added' ? undefined : change.before)}</pre>
      </td>
      <td role="cell" className="diff__mine" data-label={toLabel}>
        <pre>{diffValue(change.kind === 'removed' ? undefined : change.after)}</pre>
      </td>
    </tr>
  );
}
