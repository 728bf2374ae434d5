import { randomBytes } from 'node:crypto';
import {
  callIdForKey,
  startedLifecycle,
  type CallEventRecord,
  type CallSessionRecord,
  type CallSessionStore,
  type NewCallSession,
} from '../../ports/call-session-store.port.ts';

/**
 * Calls and their events in memory: the embedded default and the fast-test store. Same observable
 * behaviour as the Mongoose adapter (the contract suite runs on both). `recordEvent` does not await
 * between its check and its write, which makes it as atomic here as the unique `_id` in MongoDB.
 */
export function createMemoryCallSessionStore(): CallSessionStore {
  const sessions = new Map<string, CallSessionRecord>();
  const events = new Map<string, CallEventRecord>();
  // Ids grow like ObjectIds do (seconds, a per-store random part, a counter), so within a store a
  // later id is greater and breaks createdAt ties as MongoDB's do.
  const storeRandom = randomBytes(5).toString('hex');
  let counter = 0;
  const newId = () =>
    Math.floor(Date.now() / 1000)
      .toString(16)
      .padStart(8, '0') +
    storeRandom +
    (counter++).toString(16).padStart(6, '0');
  const newestFirst = (a: CallSessionRecord, b: CallSessionRecord) =>
    b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

  return {
    async create(session) {
      const record = newRecord(session, newId());
      sessions.set(record.id, record);
      return clone(record);
    },

    async createOnce(key, session) {
      const id = callIdForKey(key);
      const existing = sessions.get(id);
      if (existing) return { session: clone(existing), created: false };
      const record = newRecord(session, id);
      sessions.set(id, record);
      return { session: clone(record), created: true };
    },

    async listAwaitingAgent({ type, createdBefore, limit }) {
      return [...sessions.values()]
        .filter((s) => s.awaitingAgent && s.type === type && s.createdAt < createdBefore)
        .sort((a, b) => -newestFirst(a, b))
        .slice(0, limit)
        .map(clone);
    },

    async saveDispatchId(workspaceId, sessionId, dispatchId) {
      const session = sessions.get(sessionId);
      if (session?.workspaceId !== workspaceId) return;
      sessions.set(sessionId, { ...session, dispatchId });
    },

    async get(workspaceId, id) {
      const session = sessions.get(id);
      return session?.workspaceId === workspaceId ? clone(session) : null;
    },

    async list(workspaceId, query) {
      const after = query.after;
      return [...sessions.values()]
        .filter(
          (s) =>
            s.workspaceId === workspaceId &&
            (query.agentId === undefined || s.agentId === query.agentId) &&
            (query.status === undefined || s.status === query.status) &&
            (query.type === undefined || s.type === query.type) &&
            (query.phoneNumber === undefined ||
              s.sip?.fromNumber === query.phoneNumber ||
              s.sip?.toNumber === query.phoneNumber) &&
            (query.from === undefined || s.createdAt >= query.from) &&
            (query.to === undefined || s.createdAt < query.to) &&
            (after === undefined ||
              s.createdAt < after.createdAt ||
              (s.createdAt.getTime() === after.createdAt.getTime() && s.id < after.id)),
        )
        .sort(newestFirst)
        .slice(0, query.limit)
        .map(clone);
    },

    async latestForRoom(roomName) {
      const [newest] = [...sessions.values()]
        .filter((s) => s.roomName === roomName)
        .sort(newestFirst);
      return newest ? clone(newest) : null;
    },

    async listOpen({ createdBefore, limit }) {
      return [...sessions.values()]
        .filter((s) => s.status !== 'ended' && s.createdAt < createdBefore)
        .sort((a, b) => -newestFirst(a, b))
        .slice(0, limit)
        .map(clone);
    },

    async recordEvent(event) {
      if (events.has(event.id)) return false;
      events.set(event.id, clone(event));
      return true;
    },

    async listEvents(workspaceId, sessionId) {
      return [...events.values()]
        .filter((e) => e.workspaceId === workspaceId && e.sessionId === sessionId)
        .map(clone);
    },

    async saveLifecycle(workspaceId, sessionId, lifecycle) {
      const session = sessions.get(sessionId);
      if (session?.workspaceId !== workspaceId) return;
      sessions.set(sessionId, { ...session, ...clone(lifecycle) });
    },

    async ping() {},
  };
}

function newRecord(session: NewCallSession, id: string): CallSessionRecord {
  return {
    ...clone(session),
    sip: clone(session.sip ?? null),
    dispatchId: session.dispatchId ?? null,
    agentVersion: session.agentVersion ?? null,
    draft: session.draft ?? false,
    ...startedLifecycle(),
    id,
  };
}

function clone<T>(value: T): T {
  return structuredClone(value);
}
