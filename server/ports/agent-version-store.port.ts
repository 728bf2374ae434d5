import type { AgentConfig } from '../../shared/agent.schema.ts';
import type { VersionAuthor } from '../../shared/agent-version.schema.ts';

/** One published version of an agent as stores keep it: `Date`s, not the wire's ISO strings. */
export interface AgentVersionRecord {
  workspaceId: string;
  agentId: string;
  /** 1, 2, 3…: claimed once per agent and never reused. */
  version: number;
  config: AgentConfig;
  /** sha-256 (hex) of the canonical JSON of `config`. */
  configHash: string;
  /** The version that was published when this one was (null for version 1). */
  parentVersion: number | null;
  /** The earlier version this one copies (a restore), else null. */
  restoredFrom: number | null;
  note: string | null;
  publishedBy: VersionAuthor;
  publishedAt: Date;
}

/** What a publish stores; the store assigns `version` (and `parentVersion`, the latest before). */
export type NewAgentVersionRecord = Omit<
  AgentVersionRecord,
  'workspaceId' | 'agentId' | 'version' | 'parentVersion'
>;

export type AgentVersionAppendOutcome =
  /** A new version, numbered one above the latest. */
  | { status: 'created'; version: AgentVersionRecord }
  /** The latest version already has this `configHash`: nothing was stored. */
  | { status: 'unchanged'; latest: AgentVersionRecord };

/**
 * Where agents' published versions live. Versions are immutable: no method changes what one says.
 * A version can be deleted (hidden): `get`, `latest` and `list` no longer answer it, its document
 * stays and its number stays claimed, so numbers never repeat. A version number is claimed by a unique key (`<workspaceId>:<agentId>:v<N>`), one single-document insert
 * that is atomic on MongoDB and FerretDB alike, so racing publishers never share a number and a
 * failed publish stores nothing. Every method takes the caller's workspace first: another
 * workspace's versions behave exactly like missing ones. Adapters translate their driver's
 * failures into AppErrors (an outage is a ServiceUnavailableError).
 */
export interface AgentVersionStore {
  /**
   * Stores `version` as latest + 1, unless the latest version's `configHash` equals its own
   * (`unchanged`). A number lost to a racing publisher is retried with the next one.
   */
  append(
    workspaceId: string,
    agentId: string,
    version: NewAgentVersionRecord,
  ): Promise<AgentVersionAppendOutcome>;
  /**
   * The agent's version 1, storing `first` as it when the agent has no version yet (idempotent:
   * racing callers all get the one stored). For a new agent, and agents stored before versions.
   */
  ensureFirst(
    workspaceId: string,
    agentId: string,
    first: NewAgentVersionRecord,
  ): Promise<AgentVersionRecord>;
  /** The highest-numbered version (the published one), or null when the agent has none. */
  latest(workspaceId: string, agentId: string): Promise<AgentVersionRecord | null>;
  get(workspaceId: string, agentId: string, version: number): Promise<AgentVersionRecord | null>;
  /** Newest first; only versions numbered strictly below `beforeVersion` when it is given. */
  list(
    workspaceId: string,
    agentId: string,
    query: { limit: number; beforeVersion?: number },
  ): Promise<AgentVersionRecord[]>;
  /**
   * Deletes (hides) a version: true when it was there and is hidden now, false when it is missing
   * or already hidden. The service never hides the latest version, so `latest` stays the published
   * one and the next number stays latest + 1.
   */
  markDeleted(workspaceId: string, agentId: string, version: number, at: Date): Promise<boolean>;
  /** Shows a hidden version again: only to undo a delete that lost a race with a pin. */
  unmarkDeleted(workspaceId: string, agentId: string, version: number): Promise<void>;
}
