import type { CallUsage, TranscriptEntry } from '../../shared/call-report.schema.ts';

/** One turn of the conversation as stored: the times as the worker sent them (ISO-8601). */
export interface StoredTranscriptEntry {
  role: TranscriptEntry['role'];
  text: string;
  startedAt: string;
  endedAt: string | null;
}

/** What an agent worker reported about one call (`POST /api/sessions/:id/report`). */
export interface CallReportRecord {
  /** The call (`call_sessions` id) the report is about: one report per call. */
  sessionId: string;
  workspaceId: string;
  transcript: StoredTranscriptEntry[];
  usage: CallUsage | null;
  /** When the server received it (the last report, when the worker reported again). */
  reportedAt: Date;
}

/**
 * The workers' reports, one per call, apart from the call records (which webhooks rewrite):
 * keyed by the session id, so a repeat is ONE replacing write (the last one wins) on MongoDB and
 * FerretDB alike, with no transaction. Adapters translate their driver's failures into AppErrors
 * (an outage is a ServiceUnavailableError).
 */
export interface CallReportStore {
  /** Stores the call's report, replacing any earlier one. */
  save(report: CallReportRecord): Promise<void>;
  /** The call's report, or null (also when the call is another workspace's). */
  get(workspaceId: string, sessionId: string): Promise<CallReportRecord | null>;
  /** Resolves when the backing database answers; throws ServiceUnavailableError otherwise. */
  ping(): Promise<void>;
}
