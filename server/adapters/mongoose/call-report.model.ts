import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

export const CALL_REPORTS_COLLECTION = 'call_session_reports';

const transcriptEntrySchema = new Schema(
  {
    role: { type: String, required: true },
    // Not `required`: Mongoose refuses an empty string there, and a turn may be empty.
    text: { type: String, default: '' },
    startedAt: { type: String, required: true },
    endedAt: { type: String, default: null },
  },
  { _id: false },
);

/**
 * `call_session_reports` documents: what an agent worker reported about a call. `_id` IS the call's
 * id (`call_sessions._id` as hex), so a repeat is one replacing upsert of that `_id` and a read is
 * by `{ _id }` alone — the one filter the bundled FerretDB 1.x pushes down. No other index: every
 * query is by `_id` (the workspace is checked in code). Kept apart from `call_sessions`, whose
 * lifecycle the webhooks rewrite whole.
 */
export const callReportMongooseSchema = new Schema(
  {
    _id: { type: String, required: true },
    workspaceId: { type: String, required: true },
    transcript: { type: [transcriptEntrySchema], default: [] },
    usage: { type: Schema.Types.Mixed, default: null },
    reportedAt: { type: Date, required: true },
  },
  {
    collection: CALL_REPORTS_COLLECTION,
    versionKey: false,
    // Keep an empty `usage: {}` as given.
    minimize: false,
    autoIndex: false,
    autoCreate: false,
    strict: true,
  },
);

export type CallReportDocument = InferSchemaType<typeof callReportMongooseSchema>;

export function callReportModel(connection: Connection): Model<CallReportDocument> {
  return (
    (connection.models.CallReport as Model<CallReportDocument> | undefined) ??
    connection.model<CallReportDocument>('CallReport', callReportMongooseSchema)
  );
}
