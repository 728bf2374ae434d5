import { expect, test } from 'vitest';
import { summariseSyncReport, type SyncReport } from './sync-report.ts';

const report = (patch: Partial<SyncReport> = {}): SyncReport => ({
  trunk: { id: 'ST_1', managed: true, action: 'unchanged', numbers: [] },
  created: [],
  updated: [],
  deleted: [],
  unknown: [],
  failed: [],
  unchanged: 0,
  warnings: [],
  syncedAt: '2025-01-01T00:00:00.000Z',
  ...patch,
});

test('what sync did reads as one sentence', () => {
  expect(
    summariseSyncReport(
      report({
        trunk: { id: 'ST_1', managed: true, action: 'created', numbers: ['+14155550100'] },
        created: [{ routeId: 'r', did: '+14155550100', ruleId: 'SDR_1' }],
        unchanged: 2,
      }),
    ).done,
  ).toBe(
    'Synced with LiveKit: Created the inbound trunk, created 1 dispatch rule; 2 numbers were already in step.',
  );
  expect(summariseSyncReport(report({ unchanged: 1 })).done).toBe(
    'Synced with LiveKit: nothing to change, 1 number was already in step.',
  );
  expect(summariseSyncReport(report()).done).toBe(
    'Synced with LiveKit: there are no numbers to sync.',
  );
});

test('failures name the numbers; rules of others are mentioned', () => {
  const summary = summariseSyncReport(
    report({
      failed: [
        { routeId: 'a', did: '+14155550100', error: 'LiveKit is not answering' },
        { routeId: 'b', did: '+14155550101', error: 'LiveKit is not answering' },
      ],
      unknown: [{ ruleId: 'SDR_x', name: 'theirs', numbers: [], trunkIds: [] }],
    }),
  );
  expect(summary.failed).toBe(
    'Could not sync 2 numbers (+1 415 555 0100, +1 415 555 0101): LiveKit is not answering',
  );
  expect(summary.done).toBe('1 rule not made by Switchboard was left alone.');
});
