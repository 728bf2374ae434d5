import mongoose, { type Connection } from 'mongoose';
import type {
  CallEndedReason,
  CallStatus,
  CallType,
  ParticipantKind,
} from '../../../shared/call-session.schema.ts';
import {
  callIdForKey,
  startedLifecycle,
  type CallEventRecord,
  type CallSessionRecord,
  type CallSessionStore,
  type NewCallSession,
} from '../../ports/call-session-store.port.ts';
import { ignoreAlreadyExists, pingDatabase, translate } from './agent-store.mongoose.ts';
import {
  callEventModel,
  callSessionModel,
  type CallEventDocument,
  type CallSessionDocument,
} from './call-session.model.ts';
import { isDuplicateKey } from './did-route-store.mongoose.ts';

/** The explicit mapper from a lean document: nothing Mongoose-shaped leaves this file. */
export function toCallSessionRecord(doc: CallSessionDocument): CallSessionRecord {
  return {
    id: doc._id.toHexString(),
    workspaceId: doc.workspaceId,
    type: doc.type as CallType,
    agentId: doc.agentId ?? null,
    // Calls stored before versions were pinned ran the agent's saved config.
    agentVersion: doc.agentVersion ?? null,
    draft: doc.draft ?? false,
    roomName: doc.roomName,
    config: doc.config as Record<string, unknown>,
    configHash: doc.configHash,
    overrides: (doc.overrides ?? null) as Record<string, unknown> | null,
    startedBy: doc.startedBy,
    createdAt: doc.createdAt,
    status: doc.status as CallStatus,
    roomSid: doc.roomSid ?? null,
    activeAt: doc.activeAt ?? null,
    endedAt: doc.endedAt ?? null,
    endedReason: (doc.endedReason ?? null) as CallEndedReason | null,
    participants: doc.participants.map((p) => ({
      identity: p.identity,
      kind: p.kind as ParticipantKind,
      joinedAt: p.joinedAt,
      leftAt: p.leftAt ?? null,
    })),
    // Calls stored before these fields existed: never awaited by the watcher, no SIP leg.
    awaitingAgent: doc.awaitingAgent ?? false,
    sip: doc.sip
      ? {
          callId: doc.sip.callId,
          trunkId: doc.sip.trunkId ?? null,
          ruleId: doc.sip.ruleId ?? null,
          fromNumber: doc.sip.fromNumber ?? null,
          toNumber: doc.sip.toNumber ?? null,
        }
      : null,
    dispatchId: doc.dispatchId ?? null,
  };
}

/** The document of a new call: its lifecycle `started`, its numbers indexed for the filter. */
function newDocument(session: NewCallSession) {
  const sip = session.sip ?? null;
  return {
    ...session,
    sip,
    dispatchId: session.dispatchId ?? null,
    agentVersion: session.agentVersion ?? null,
    draft: session.draft ?? false,
    phoneNumbers: [...new Set([sip?.fromNumber, sip?.toNumber].filter((n): n is string => !!n))],
    ...startedLifecycle(),
  };
}

export function toCallEventRecord(doc: CallEventDocument): CallEventRecord {
  return {
    id: doc._id,
    workspaceId: doc.workspaceId,
    sessionId: doc.sessionId,
    type: doc.type,
    at: doc.at,
    roomSid: doc.roomSid ?? null,
    participant: doc.participant
      ? {
          identity: doc.participant.identity,
          kind: doc.participant.kind as ParticipantKind,
          ...(doc.participant.disconnectReason && {
            disconnectReason: doc.participant.disconnectReason,
          }),
        }
      : null,
  };
}

export interface MongooseCallSessionStore extends CallSessionStore {
  /** Creates the collections and the indexes the queries rely on (idempotent). */
  ensureIndexes(): Promise<void>;
}

const NEWEST_FIRST = { createdAt: -1, _id: -1 } as const;

export function createMongooseCallSessionStore(connection: Connection): MongooseCallSessionStore {
  const Sessions = callSessionModel(connection);
  const Events = callEventModel(connection);
  const byId = (id: string) =>
    mongoose.isValidObjectId(id) && /^[0-9a-f]{24}$/.test(id)
      ? Sessions.findOne({ _id: new mongoose.Types.ObjectId(id) })
          .lean<CallSessionDocument>()
          .exec()
      : Promise.resolve(null);

  return {
    ensureIndexes: () =>
      translate(async () => {
        await Sessions.createCollection().catch(ignoreAlreadyExists);
        await Events.createCollection().catch(ignoreAlreadyExists);
        await Sessions.createIndexes();
        await Events.createIndexes();
      }),

    create: (session) =>
      translate(async () => {
        const doc = await Sessions.create(newDocument(session));
        return toCallSessionRecord(doc.toObject<CallSessionDocument>());
      }),

    createOnce: (key, session) =>
      translate(async () => {
        const _id = new mongoose.Types.ObjectId(callIdForKey(key));
        try {
          const doc = await Sessions.create({ _id, ...newDocument(session) });
          return {
            session: toCallSessionRecord(doc.toObject<CallSessionDocument>()),
            created: true,
          };
        } catch (error) {
          if (!isDuplicateKey(error)) throw error;
          const doc = await Sessions.findOne({ _id }).lean<CallSessionDocument>().exec();
          if (!doc) throw error;
          return { session: toCallSessionRecord(doc), created: false };
        }
      }),

    listAwaitingAgent: ({ type, createdBefore, limit }) =>
      translate(async () => {
        const docs = await Sessions.find({
          awaitingAgent: true,
          type,
          createdAt: { $lt: createdBefore },
        })
          .sort({ createdAt: 1 })
          .limit(limit)
          .lean<CallSessionDocument[]>()
          .exec();
        return docs.map(toCallSessionRecord);
      }),

    saveDispatchId: (workspaceId, sessionId, dispatchId) =>
      translate(async () => {
        if (!/^[0-9a-f]{24}$/.test(sessionId)) return;
        await Sessions.updateOne(
          { _id: new mongoose.Types.ObjectId(sessionId), workspaceId },
          { $set: { dispatchId } },
        ).exec();
      }),

    get: (workspaceId, id) =>
      translate(async () => {
        // By `_id` alone (FerretDB pushes only that down); another workspace's is answered as none.
        const doc = await byId(id);
        return doc?.workspaceId === workspaceId ? toCallSessionRecord(doc) : null;
      }),

    list: (workspaceId, query) =>
      translate(async () => {
        const createdAt: Record<string, Date> = {};
        if (query.from) createdAt.$gte = query.from;
        if (query.to) createdAt.$lt = query.to;
        const filter: Record<string, unknown> = {
          workspaceId,
          ...(query.agentId !== undefined && { agentId: query.agentId }),
          ...(query.status !== undefined && { status: query.status }),
          ...(query.type !== undefined && { type: query.type }),
          ...(query.phoneNumber !== undefined && { phoneNumbers: query.phoneNumber }),
          ...(Object.keys(createdAt).length > 0 && { createdAt }),
        };
        if (query.after) {
          const afterId = new mongoose.Types.ObjectId(query.after.id);
          filter.$or = [
            { createdAt: { $lt: query.after.createdAt } },
            { createdAt: query.after.createdAt, _id: { $lt: afterId } },
          ];
        }
        const docs = await Sessions.find(filter)
          .sort(NEWEST_FIRST)
          .limit(query.limit)
          .lean<CallSessionDocument[]>()
          .exec();
        return docs.map(toCallSessionRecord);
      }),

    latestForRoom: (roomName) =>
      translate(async () => {
        const doc = await Sessions.findOne({ roomName })
          .sort(NEWEST_FIRST)
          .lean<CallSessionDocument>()
          .exec();
        return doc ? toCallSessionRecord(doc) : null;
      }),

    listOpen: ({ createdBefore, limit }) =>
      translate(async () => {
        // One equality query per open status, so each walks `status_oldest_first`.
        const pages = await Promise.all(
          (['started', 'active'] as const).map((status) =>
            Sessions.find({ status, createdAt: { $lt: createdBefore } })
              .sort({ createdAt: 1 })
              .limit(limit)
              .lean<CallSessionDocument[]>()
              .exec(),
          ),
        );
        return pages
          .flat()
          .map(toCallSessionRecord)
          .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1))
          .slice(0, limit);
      }),

    recordEvent: (event) =>
      translate(async () => {
        try {
          const { id, ...rest } = event;
          await Events.create({ _id: id, ...rest });
          return true;
        } catch (error) {
          if (isDuplicateKey(error)) return false;
          throw error;
        }
      }),

    listEvents: (workspaceId, sessionId) =>
      translate(async () => {
        const docs = await Events.find({ workspaceId, sessionId })
          .lean<CallEventDocument[]>()
          .exec();
        return docs.map(toCallEventRecord);
      }),

    saveLifecycle: (workspaceId, sessionId, lifecycle) =>
      translate(async () => {
        if (!/^[0-9a-f]{24}$/.test(sessionId)) return;
        await Sessions.updateOne(
          { _id: new mongoose.Types.ObjectId(sessionId), workspaceId },
          { $set: lifecycle },
        ).exec();
      }),

    ping: () => translate(() => pingDatabase(connection)),
  };
}
