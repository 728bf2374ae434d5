import type { ConfigChange } from '../../shared/agent-version.schema.ts';
import type { AuditAction, AuditActor, AuditTarget, AuditVia } from '../../shared/audit.schema.ts';

/** One audit entry as stores keep it: `Date`s, not the wire's ISO strings. */
export interface AuditRecord {
  id: string;
  workspaceId: string;
  at: Date;
  actor: AuditActor;
  via: AuditVia;
  action: AuditAction;
  target: AuditTarget;
  /** The agent concerned (the target agent, or the agent a number routes to), else null. */
  agentId: string | null;
  changes?: ConfigChange[];
  details?: Record<string, unknown>;
}

/** What `append` is given: the store assigns the id, the workspace is its first argument. */
export type NewAuditRecord = Omit<AuditRecord, 'id' | 'workspaceId'>;

/** A keyset position: the last entry of the previous page. */
export interface AuditPosition {
  at: Date;
  id: string;
}

export interface AuditListQuery {
  /** Entries to return; stores return at most this many. */
  limit: number;
  /** Only entries strictly after this position in (at desc, id desc) order. */
  after?: AuditPosition;
  /** Only entries whose `agentId` is this. */
  agentId?: string;
  /** Only entries whose `actor.id` is this. */
  actorId?: string;
}

/**
 * Where audit entries live. Append-only: no method changes or removes an entry (the contract suite
 * checks that an adapter has these methods and no others). Every method takes the caller's
 * workspace first and sees only that workspace's entries. Adapters translate their driver's
 * failures into AppErrors (an outage is a ServiceUnavailableError).
 */
export interface AuditStore {
  /** Stores one entry (one single-document insert) and answers it with its new id. */
  append(workspaceId: string, entry: NewAuditRecord): Promise<AuditRecord>;
  /**
   * Newest first: `at` desc, then `id` desc, so entries made in the same millisecond page stably.
   */
  list(workspaceId: string, query: AuditListQuery): Promise<AuditRecord[]>;
}

/**
 * Who makes a change, as a procedure passes it to a service: the caller's kind and id (a person's
 * user id, a key's id), how the log names them, and the dashboard session a person acted from.
 */
export interface Actor {
  kind: AuditActor['kind'];
  id: string;
  name?: string;
  /** The better-auth session id of a signed-in person's request. */
  sessionId?: string;
}
