import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

export const ROOMS_COLLECTION = 'rooms';

/**
 * `rooms` documents: the LiveKit rooms `session.start` made, and whose they are. `_id` IS the room
 * name: its unique index is what makes a name claimable once (an insert of a taken `_id` fails
 * with 11000 on MongoDB and FerretDB alike, no transaction needed), and `{ _id }` is the one filter
 * the bundled FerretDB 1.x pushes down to SQLite. `createdAt` is the service's clock, not
 * Mongoose's timestamps, so tests can pin it.
 */
export const roomMongooseSchema = new Schema(
  {
    _id: { type: String, required: true },
    workspaceId: { type: String, required: true },
    agentId: { type: String, default: null },
    startedBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  {
    collection: ROOMS_COLLECTION,
    versionKey: false,
    // Indexes are created explicitly by the adapter's `ensureIndexes()` at start-up.
    autoIndex: false,
    autoCreate: false,
    strict: true,
  },
);

/**
 * Every query the API makes, and its index:
 * - claim (insert; a taken name reads the record back by `_id`), get (`_id`, the workspace
 *   checked in code) → the `_id` index, unique on the room name across workspaces.
 * - listRecent (`workspaceId`, `createdAt >= since`, sort createdAt desc, limit) →
 *   `workspace_newest_first`.
 * The integration test checks every query the adapter sends against this list.
 */
export const ROOMS_RECENT_INDEX = 'workspace_newest_first';
roomMongooseSchema.index({ workspaceId: 1, createdAt: -1 }, { name: ROOMS_RECENT_INDEX });

export type RoomDocument = InferSchemaType<typeof roomMongooseSchema>;

export function roomModel(connection: Connection): Model<RoomDocument> {
  return (
    (connection.models.Room as Model<RoomDocument> | undefined) ??
    connection.model<RoomDocument>('Room', roomMongooseSchema)
  );
}
