import type { RouteSyncState } from '../../shared/telephony.schema.ts';

/** Whether LiveKit has the route's dispatch rule: see `routeSyncStateSchema` in shared/. */
export interface RouteSyncRecord {
  state: RouteSyncState;
  /** The LiveKit dispatch rule last made for the route (kept while out of sync). */
  ruleId: string | null;
  error: string | null;
  syncedAt: Date | null;
}

/** A phone number → agent route as stores keep it: `Date`s, not the wire's ISO strings. */
export interface DidRouteRecord {
  id: string;
  /** The workspace the route belongs to; set on create, never changed. */
  workspaceId: string;
  /** E.164, normalised by the service. */
  did: string;
  agentId: string;
  /** The agent version calls run: null follows "published", a number pins that version. */
  agentVersion: number | null;
  label: string | null;
  sync: RouteSyncRecord;
  /**
   * Grows by one with every change of `did`, `agentId`, `agentVersion`, `label` or deletion (not with sync-state
   * writes): a LiveKit push records its outcome only if the route did not change meanwhile.
   */
  revision: number;
  createdAt: Date;
  updatedAt: Date;
  deletedAt: Date | null;
}

export interface NewDidRouteRecord {
  did: string;
  agentId: string;
  agentVersion: number | null;
  label: string | null;
  sync: RouteSyncRecord;
}

export interface DidRouteRecordPatch {
  did?: string;
  agentId?: string;
  /** null follows "published". */
  agentVersion?: number | null;
  /** null removes the label. */
  label?: string | null;
  sync?: RouteSyncRecord;
}

export interface DidRouteListQuery {
  limit: number;
  /** Only routes whose DID sorts strictly after this one. */
  afterDid?: string;
  agentId?: string;
}

export type DidRouteCreateOutcome =
  | { status: 'created'; route: DidRouteRecord }
  /** Another live route has the DID (`existing`, or null if it went away meanwhile). */
  | { status: 'did_taken'; existing: DidRouteRecord | null };

export type DidRouteUpdateOutcome =
  | { status: 'updated'; route: DidRouteRecord }
  | { status: 'not_found' }
  | { status: 'did_taken'; existing: DidRouteRecord | null };

/**
 * Where phone-number routes live. At most one LIVE route per DID across ALL workspaces (LiveKit's
 * dispatch rules are global per number), enforced by the store itself (a unique key, atomic on
 * MongoDB and FerretDB alike), so racing creates cannot both win. Every method ignores
 * soft-deleted routes unless it says otherwise. Adapters translate their driver's failures into
 * AppErrors (an outage is a ServiceUnavailableError).
 *
 * The methods taking `workspaceId` first see only that workspace's routes: another workspace's
 * route behaves exactly like a missing one. `listAllLive`, `getMany` and `setSync` span every
 * workspace: only the SIP reconcile (telephony-sync.ts) calls them, because LiveKit's trunk and
 * rules are one set for all workspaces; nothing they return reaches a caller unfiltered.
 */
export interface DidRouteStore {
  /** The workspace's live routes ordered by DID (ascending). */
  list(workspaceId: string, query: DidRouteListQuery): Promise<DidRouteRecord[]>;
  /** A live route of the workspace, or null when it is missing, deleted or another workspace's. */
  get(workspaceId: string, id: string): Promise<DidRouteRecord | null>;
  /** The workspace's live route of a DID, or null (also when another workspace routes it). */
  findByDid(workspaceId: string, did: string): Promise<DidRouteRecord | null>;
  /**
   * The live route of a DID, whichever workspace has it: for an inbound call's webhook (which
   * knows the number called, not the workspace); nothing it returns reaches a caller unfiltered.
   */
  findLiveByDid(did: string): Promise<DidRouteRecord | null>;
  /** Every live route of an agent of the workspace, ordered by DID. */
  listByAgent(workspaceId: string, agentId: string): Promise<DidRouteRecord[]>;
  /**
   * Inserts into the workspace with revision 1 and fresh timestamps, unless a live route of ANY
   * workspace has the DID: then `existing` is that route, whichever workspace it is in (the
   * service decides what the caller may be told).
   */
  create(workspaceId: string, route: NewDidRouteRecord): Promise<DidRouteCreateOutcome>;
  /**
   * Applies the patch to a live route of the workspace and bumps `revision`, unless another live
   * route (of any workspace, as in `create`) has the new DID.
   */
  update(
    workspaceId: string,
    id: string,
    patch: DidRouteRecordPatch,
  ): Promise<DidRouteUpdateOutcome>;
  /**
   * Sets `deletedAt` (the document stays, and frees its DID for a new route), bumps `revision`
   * and stores `sync`; null when the route is missing, already deleted or another workspace's.
   */
  softDelete(
    workspaceId: string,
    id: string,
    at: Date,
    sync: RouteSyncRecord,
  ): Promise<DidRouteRecord | null>;
  /** Every workspace's live routes ordered by DID: for the SIP reconcile only. */
  listAllLive(query: { limit: number; afterDid?: string }): Promise<DidRouteRecord[]>;
  /**
   * The routes with these ids that exist, deleted ones INCLUDED (any order), of every workspace:
   * for the SIP reconcile only.
   */
  getMany(ids: readonly string[]): Promise<DidRouteRecord[]>;
  /**
   * Records a LiveKit push's outcome on a route (deleted ones included) if its revision is still
   * `revision`; null when it is not (the route changed meanwhile: a later push records instead).
   * Does not bump `revision` or `updatedAt`. By id, across workspaces: for the SIP reconcile.
   */
  setSync(id: string, revision: number, sync: RouteSyncRecord): Promise<DidRouteRecord | null>;
  /** Resolves when the backing database answers; throws ServiceUnavailableError otherwise. */
  ping(): Promise<void>;
}
