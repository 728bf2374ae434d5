import type { CallReportRecord, CallReportStore } from '../../ports/call-report-store.port.ts';

/**
 * Workers' call reports in memory: the embedded default and the fast-test store. Same observable
 * behaviour as the Mongoose adapter (the contract suite runs on both).
 */
export function createMemoryCallReportStore(): CallReportStore {
  const reports = new Map<string, CallReportRecord>();
  return {
    async save(report) {
      reports.set(report.sessionId, structuredClone(report));
    },

    async get(workspaceId, sessionId) {
      const report = reports.get(sessionId);
      return report?.workspaceId === workspaceId ? structuredClone(report) : null;
    },

    async ping() {},
  };
}
