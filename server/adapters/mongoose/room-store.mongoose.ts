import mongoose, { type Connection } from 'mongoose';
import { ServiceUnavailableError } from '../../errors.ts';
import type { RoomRecord, RoomStore } from '../../ports/room-store.port.ts';
import {
  DATABASE_DOWN,
  DATABASE_UNAVAILABLE,
  ignoreAlreadyExists,
  translate,
} from './agent-store.mongoose.ts';
import { isDuplicateKey } from './did-route-store.mongoose.ts';
import { roomModel, type RoomDocument } from './room.model.ts';

/** The explicit mapper from a lean document: nothing Mongoose-shaped leaves this file. */
export function toRoomRecord(doc: RoomDocument): RoomRecord {
  return {
    name: doc._id,
    workspaceId: doc.workspaceId,
    agentId: doc.agentId ?? null,
    startedBy: doc.startedBy,
    createdAt: doc.createdAt,
  };
}

export interface MongooseRoomStore extends RoomStore {
  /** Creates the collection and the indexes the queries rely on (idempotent). */
  ensureIndexes(): Promise<void>;
}

export function createMongooseRoomStore(connection: Connection): MongooseRoomStore {
  const Rooms = roomModel(connection);
  const byName = async (name: string) => {
    const doc = await Rooms.findOne({ _id: name }).lean<RoomDocument>().exec();
    return doc ? toRoomRecord(doc) : null;
  };

  return {
    ensureIndexes: () =>
      translate(async () => {
        await Rooms.createCollection().catch(ignoreAlreadyExists);
        await Rooms.createIndexes();
      }),

    claim: (room) =>
      translate(async () => {
        try {
          await Rooms.create({
            _id: room.name,
            workspaceId: room.workspaceId,
            agentId: room.agentId,
            startedBy: room.startedBy,
            createdAt: room.createdAt,
          });
          return { status: 'claimed', room: { ...room } };
        } catch (error) {
          if (!isDuplicateKey(error)) throw error;
          return { status: 'taken', existing: await byName(room.name) };
        }
      }),

    get: (workspaceId, name) =>
      translate(async () => {
        // By `_id` alone (FerretDB pushes only that down); another workspace's is answered as none.
        const room = await byName(name);
        return room?.workspaceId === workspaceId ? room : null;
      }),

    listRecent: (workspaceId, { since, limit }) =>
      translate(async () => {
        const docs = await Rooms.find({ workspaceId, createdAt: { $gte: since } })
          .sort({ createdAt: -1 })
          .limit(limit)
          .lean<RoomDocument[]>()
          .exec();
        return docs.map(toRoomRecord);
      }),

    ping: () =>
      translate(async () => {
        const db = connection.db;
        if (!db || connection.readyState !== mongoose.ConnectionStates.connected) {
          throw new ServiceUnavailableError(DATABASE_UNAVAILABLE, DATABASE_DOWN);
        }
        await db.admin().ping();
      }),
  };
}
