/** A LiveKit room Switchboard started, as stores keep it. */
export interface RoomRecord {
  /** The LiveKit room name: one record per name, across all workspaces. */
  name: string;
  /** The workspace whose `session.start` made the room; set once, never changed. */
  workspaceId: string;
  /** The saved agent it started with (null: from overrides alone). */
  agentId: string | null;
  /** Who started it: `user:<id>`, `api-key:<id>`, `publishable-key:<id>` or `local:local`. */
  startedBy: string;
  createdAt: Date;
}

export type RoomClaimOutcome =
  | { status: 'claimed'; room: RoomRecord }
  /**
   * A record of that name exists: `existing` is it, whichever workspace it is in (null if it went
   * away meanwhile); the service decides what the caller may be told.
   */
  | { status: 'taken'; existing: RoomRecord | null };

/**
 * Which workspace each room name belongs to. A name is claimed once, by ONE insert that the store
 * makes atomic (a unique key on MongoDB and FerretDB alike, no transaction): of racing claims for a
 * name exactly one is `claimed`. Records are never changed or removed by the API: a name stays its
 * workspace's. Adapters translate their driver's failures into AppErrors (an outage is a
 * ServiceUnavailableError).
 */
export interface RoomStore {
  /** Records the room for `room.workspaceId` unless a record of that name exists in ANY workspace. */
  claim(room: RoomRecord): Promise<RoomClaimOutcome>;
  /** The workspace's record of that name, or null (also when another workspace has it). */
  get(workspaceId: string, name: string): Promise<RoomRecord | null>;
  /**
   * The workspace's rooms created at or after `since`, newest first, at most `limit` of them:
   * what the concurrency cap of `session.start` looks at.
   */
  listRecent(workspaceId: string, query: { since: Date; limit: number }): Promise<RoomRecord[]>;
  /** Resolves when the backing database answers; throws ServiceUnavailableError otherwise. */
  ping(): Promise<void>;
}
