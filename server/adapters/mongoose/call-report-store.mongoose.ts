import type { Connection } from 'mongoose';
import type { CallUsage } from '../../../shared/call-report.schema.ts';
import type {
  CallReportRecord,
  CallReportStore,
  StoredTranscriptEntry,
} from '../../ports/call-report-store.port.ts';
import { ignoreAlreadyExists, pingDatabase, translate } from './agent-store.mongoose.ts';
import { callReportModel, type CallReportDocument } from './call-report.model.ts';
import { isDuplicateKey } from './did-route-store.mongoose.ts';

/** The explicit mapper from a lean document: nothing Mongoose-shaped leaves this file. */
export function toCallReportRecord(doc: CallReportDocument): CallReportRecord {
  return {
    sessionId: doc._id,
    workspaceId: doc.workspaceId,
    transcript: doc.transcript.map((entry) => ({
      role: entry.role as StoredTranscriptEntry['role'],
      text: entry.text ?? '',
      startedAt: entry.startedAt,
      endedAt: entry.endedAt ?? null,
    })),
    usage: (doc.usage ?? null) as CallUsage | null,
    reportedAt: doc.reportedAt,
  };
}

export interface MongooseCallReportStore extends CallReportStore {
  /** Creates the collection (idempotent); the `_id` index is all its queries need. */
  ensureIndexes(): Promise<void>;
}

export function createMongooseCallReportStore(connection: Connection): MongooseCallReportStore {
  const Reports = callReportModel(connection);
  const replace = (report: CallReportRecord) =>
    Reports.replaceOne(
      { _id: report.sessionId },
      {
        _id: report.sessionId,
        workspaceId: report.workspaceId,
        transcript: report.transcript,
        usage: report.usage,
        reportedAt: report.reportedAt,
      },
      { upsert: true },
    ).exec();

  return {
    ensureIndexes: () =>
      translate(async () => {
        await Reports.createCollection().catch(ignoreAlreadyExists);
      }),

    save: (report) =>
      translate(async () => {
        try {
          await replace(report);
        } catch (error) {
          // Two first reports racing: both upserts inserted and one lost on the unique `_id`.
          // The document exists now, so the retry replaces it.
          if (!isDuplicateKey(error)) throw error;
          await replace(report);
        }
      }),

    get: (workspaceId, sessionId) =>
      translate(async () => {
        // By `_id` alone (FerretDB pushes only that down); another workspace's is answered as none.
        const doc = await Reports.findOne({ _id: sessionId }).lean<CallReportDocument>().exec();
        return doc?.workspaceId === workspaceId ? toCallReportRecord(doc) : null;
      }),

    ping: () => translate(() => pingDatabase(connection)),
  };
}
