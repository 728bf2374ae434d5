import type { RouterOutputs } from '../../lib/trpc.ts';
import { formatDid } from './phone-format.ts';

export type SyncReport = RouterOutputs['telephony']['sync'];

export interface SyncSummary {
  /** What was done, for a success (or info) toast. */
  done: string;
  /** Numbers that could not be brought in step, for an error toast; null when none failed. */
  failed: string | null;
  /** Things to look at that sync does not change. */
  warnings: string[];
}

const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function listNumbers(dids: readonly string[], max = 3): string {
  const shown = dids.slice(0, max).map(formatDid);
  return dids.length > max ? `${shown.join(', ')} and ${dids.length - max} more` : shown.join(', ');
}

/** What `telephony.sync` did, in a sentence or three. */
export function summariseSyncReport(report: SyncReport): SyncSummary {
  const actions: string[] = [];
  if (report.trunk.action === 'created') actions.push('created the inbound trunk');
  if (report.trunk.action === 'updated') actions.push('updated the inbound trunk’s numbers');
  if (report.created.length > 0)
    actions.push(`created ${count(report.created.length, 'dispatch rule')}`);
  if (report.updated.length > 0)
    actions.push(`updated ${count(report.updated.length, 'dispatch rule')}`);
  if (report.deleted.length > 0)
    actions.push(`removed ${count(report.deleted.length, 'stale rule')}`);

  const inStep =
    report.unchanged > 0
      ? `${count(report.unchanged, 'number was', 'numbers were')} already in step`
      : '';
  let done: string;
  if (actions.length > 0) {
    const first = actions.join(', ');
    done = `Synced with LiveKit: ${first.charAt(0).toUpperCase()}${first.slice(1)}${inStep ? `; ${inStep}` : ''}.`;
  } else if (report.unchanged > 0) {
    done = `Synced with LiveKit: nothing to change, ${inStep}.`;
  } else if (report.failed.length === 0) {
    done = 'Synced with LiveKit: there are no numbers to sync.';
  } else {
    done = '';
  }
  if (report.unknown.length > 0) {
    done += `${done ? ' ' : ''}${count(report.unknown.length, 'rule')} not made by Switchboard ${report.unknown.length === 1 ? 'was' : 'were'} left alone.`;
  }

  const failed =
    report.failed.length === 0
      ? null
      : report.failed.length === 1 && report.failed[0]
        ? `Could not sync ${formatDid(report.failed[0].did)}: ${report.failed[0].error}`
        : `Could not sync ${count(report.failed.length, 'number')} (${listNumbers(report.failed.map((f) => f.did))}): ${report.failed[0]?.error ?? ''}`;

  return { done, failed, warnings: report.warnings };
}
