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
  /** E.164, normalised by the service. */
  did: string;
  agentId: string;
  label: string | null;
  sync: RouteSyncRecord;
  /**
   * Grows by one with every change of `did`, `agentId`, `label` or deletion (not with sync-state
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
  label: string | null;
  sync: RouteSyncRecord;
}

export interface DidRouteRecordPatch {
  did?: string;
  agentId?: string;
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
 * Where phone-number routes live. At most one LIVE route per DID, enforced by the store itself
 * (a unique key, atomic on MongoDB and FerretDB alike), so racing creates cannot both win. Every
 * method ignores soft-deleted routes unless it says otherwise. Adapters translate their driver's
 * failures into AppErrors (an outage is a ServiceUnavailableError).
 */
export interface DidRouteStore {
  /** Live routes ordered by DID (ascending). */
  list(query: DidRouteListQuery): Promise<DidRouteRecord[]>;
  /** A live route, or null when it is missing or deleted. */
  get(id: string): Promise<DidRouteRecord | null>;
  /** The routes with these ids that exist, deleted ones INCLUDED (any order). */
  getMany(ids: readonly string[]): Promise<DidRouteRecord[]>;
  /** The live route of a DID, or null. */
  findByDid(did: string): Promise<DidRouteRecord | null>;
  /** Every live route of an agent, ordered by DID. */
  listByAgent(agentId: string): Promise<DidRouteRecord[]>;
  /** Inserts with revision 1 and fresh timestamps, unless a live route has the DID. */
  create(route: NewDidRouteRecord): Promise<DidRouteCreateOutcome>;
  /** Applies the patch to a live route and bumps `revision`, unless another live route has the new DID. */
  update(id: string, patch: DidRouteRecordPatch): Promise<DidRouteUpdateOutcome>;
  /**
   * Sets `deletedAt` (the document stays, and frees its DID for a new route), bumps `revision`
   * and stores `sync`; null when the route is missing or already deleted.
   */
  softDelete(id: string, at: Date, sync: RouteSyncRecord): Promise<DidRouteRecord | null>;
  /**
   * Records a LiveKit push's outcome on a route (deleted ones included) if its revision is still
   * `revision`; null when it is not (the route changed meanwhile: a later push records instead).
   * Does not bump `revision` or `updatedAt`.
   */
  setSync(id: string, revision: number, sync: RouteSyncRecord): Promise<DidRouteRecord | null>;
  /** Resolves when the backing database answers; throws ServiceUnavailableError otherwise. */
  ping(): Promise<void>;
}
