import type { RoomRecord, RoomStore } from '../../ports/room-store.port.ts';

/**
 * Room records in memory: the embedded default and the fast-test store. Same observable behaviour
 * as the Mongoose adapter (the contract suite runs on both). `claim` does not await between its
 * check and its write, which makes it as atomic here as the unique key makes it in MongoDB.
 */
export function createMemoryRoomStore(): RoomStore {
  const rooms = new Map<string, RoomRecord>();
  return {
    async claim(room) {
      const existing = rooms.get(room.name);
      if (existing) return { status: 'taken', existing: clone(existing) };
      rooms.set(room.name, clone(room));
      return { status: 'claimed', room: clone(room) };
    },

    async get(workspaceId, name) {
      const room = rooms.get(name);
      return room?.workspaceId === workspaceId ? clone(room) : null;
    },

    async listRecent(workspaceId, { since, limit }) {
      return [...rooms.values()]
        .filter((room) => room.workspaceId === workspaceId && room.createdAt >= since)
        .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
        .slice(0, limit)
        .map(clone);
    },

    async ping() {},
  };
}

function clone(room: RoomRecord): RoomRecord {
  return structuredClone(room);
}
