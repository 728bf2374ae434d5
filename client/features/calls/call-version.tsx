import { callVersionLabel } from '../agents/version-labels.ts';
import '../agents/versions.css';

/**
 * The agent version a call ran: `v3`, or a "Draft" badge for a test of the unpublished draft
 * (nothing for a call without a saved agent).
 */
export function CallVersion({
  call,
}: {
  call: { agentId: string | null; agentVersion: number | null; draft: boolean };
}) {
  const label = callVersionLabel(call);
  if (label === null) return null;
  return call.draft ? (
    <span className="badge badge--warning" title="Ran the agent’s unpublished draft">
      {label}
    </span>
  ) : (
    <span className="badge" title={`Ran published version ${label}`}>
      {label}
    </span>
  );
}
