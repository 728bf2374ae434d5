import { beforeEach, describe, expect, test } from 'vitest';
import type { CallReportRecord, CallReportStore } from './call-report-store.port.ts';

/** The workspace most tests work in, and another one that must never see into it. */
const WS = 'aaaaaaaaaaaaaaaaaaaaaaaa';
const OTHER_WS = 'bbbbbbbbbbbbbbbbbbbbbbbb';
const SESSION = '64c0000000000000000000a1';

/**
 * The behaviour every CallReportStore adapter must have. Each adapter's test file runs it:
 * `describeCallReportStoreContract('memory', async () => createMemoryCallReportStore())`.
 * `makeStore` is called before every test and must return an empty store.
 */
export function describeCallReportStoreContract(
  name: string,
  makeStore: () => Promise<CallReportStore>,
): void {
  describe(`CallReportStore contract: ${name}`, () => {
    let store: CallReportStore;
    beforeEach(async () => {
      store = await makeStore();
    });

    const buildReport = (overrides: Partial<CallReportRecord> = {}): CallReportRecord => ({
      sessionId: SESSION,
      workspaceId: WS,
      transcript: [
        {
          role: 'agent',
          text: 'Hello! How can I help?',
          startedAt: '2026-01-01T12:00:01.250Z',
          endedAt: '2026-01-01T12:00:03Z',
        },
        { role: 'user', text: 'Ünïcode ✓', startedAt: '2026-01-01T13:00:04+01:00', endedAt: null },
      ],
      usage: { llmPromptTokens: 120, llmCompletionTokens: 30, ttsAudioSeconds: 2.5 },
      reportedAt: new Date(Date.UTC(2026, 0, 1, 12, 5, 0, 123)),
      ...overrides,
    });

    test('a saved report reads back exactly, in its workspace only', async () => {
      const report = buildReport();
      await store.save(report);
      expect(await store.get(WS, SESSION)).toEqual(report);
      expect(await store.get(OTHER_WS, SESSION)).toBeNull();
      expect(await store.get(WS, '64c0000000000000000000a2')).toBeNull();
    });

    test('a repeat replaces the earlier report whole (nothing of it is kept)', async () => {
      await store.save(buildReport());
      const again = buildReport({
        transcript: [
          { role: 'user', text: 'only this', startedAt: '2026-01-01T12:00:09Z', endedAt: null },
        ],
        usage: null,
        reportedAt: new Date(Date.UTC(2026, 0, 1, 12, 6)),
      });
      await store.save(again);
      expect(await store.get(WS, SESSION)).toEqual(again);
    });

    test('an empty transcript and empty usage are kept as given', async () => {
      const report = buildReport({ transcript: [], usage: {} });
      await store.save(report);
      expect(await store.get(WS, SESSION)).toEqual(report);
    });

    test('racing repeats for one call leave exactly one of them', async () => {
      const reports = [1, 2, 3, 4].map((i) =>
        buildReport({
          usage: { llmPromptTokens: i },
          reportedAt: new Date(Date.UTC(2026, 0, 1, 12, i)),
        }),
      );
      await Promise.all(reports.map((report) => store.save(report)));
      expect(reports).toContainEqual(await store.get(WS, SESSION));
    });

    test('ping resolves', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
}
