import type { AgentConfig } from '../../shared/agent.schema.ts';

/** An agent as stores keep it: `Date`s, not the wire's ISO strings. */
export interface AgentRecord {
  id: string;
  /** The workspace the agent belongs to; set on create, never changed. */
  workspaceId: string;
  name: string;
  description: string;
  config: AgentConfig;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  deletedAt: Date | null;
}

export interface NewAgentRecord {
  name: string;
  description: string;
  config: AgentConfig;
}

export interface AgentRecordPatch {
  name?: string;
  description?: string;
  config?: AgentConfig;
}

/** A keyset position: the last item of the previous page. */
export interface AgentPosition {
  createdAt: Date;
  id: string;
}

export interface AgentListQuery {
  /** Items to return; stores return at most this many. */
  limit: number;
  /** Return only agents strictly after this position in (createdAt desc, id desc) order. */
  after?: AgentPosition;
  /** Case-insensitive substring of the name, as literal text (never a pattern). */
  nameContains?: string;
}

export type AgentUpdateOutcome =
  | { status: 'updated'; agent: AgentRecord }
  | { status: 'not_found' }
  | { status: 'conflict'; currentVersion: number };

/**
 * Where agents live. Every method takes the caller's workspace first and sees only that
 * workspace's agents: an agent of another workspace behaves exactly like a missing one (null,
 * `not_found`, left out). Every method ignores soft-deleted agents except where it says otherwise.
 * Adapters translate their driver's failures into AppErrors (an outage is a
 * ServiceUnavailableError), so services never see a driver type.
 */
export interface AgentStore {
  /** Live agents, newest created first (createdAt desc, then id desc). */
  list(workspaceId: string, query: AgentListQuery): Promise<AgentRecord[]>;
  /** A live agent, or null when it is missing, deleted or another workspace's. */
  get(workspaceId: string, id: string): Promise<AgentRecord | null>;
  /**
   * The names of the agents with these ids, in ONE query however many ids: deleted agents
   * included (whatever still points at one shows its last name); ids no agent has are left out.
   */
  namesByIds(workspaceId: string, ids: readonly string[]): Promise<Map<string, string>>;
  /** Inserts into the workspace with version 1 and fresh timestamps. */
  create(workspaceId: string, agent: NewAgentRecord): Promise<AgentRecord>;
  /**
   * Applies the patch and bumps `version` by one in ONE conditional write: when `expectedVersion`
   * is given and is not the stored version, nothing changes and the outcome is `conflict`.
   */
  update(
    workspaceId: string,
    id: string,
    patch: AgentRecordPatch,
    expectedVersion?: number,
  ): Promise<AgentUpdateOutcome>;
  /** Sets `deletedAt` (the document stays); null when the agent is missing or already deleted. */
  softDelete(workspaceId: string, id: string, at: Date): Promise<AgentRecord | null>;
  /** Resolves when the backing database answers; throws ServiceUnavailableError otherwise. */
  ping(): Promise<void>;
}
