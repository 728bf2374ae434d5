/**
 * What else points at agents. The agent service asks before it deletes one: an agent that
 * something still uses cannot be deleted (CONFLICT naming what uses it) until the user removes or
 * re-points those things first.
 */
export interface AgentReferences {
  /** The live phone numbers (E.164, sorted) routed to the agent; [] when none. */
  liveNumbersForAgent(workspaceId: string, agentId: string): Promise<string[]>;
  /** The live phone numbers (E.164, sorted) pinned to one version of the agent; [] when none. */
  numbersPinnedToVersion(workspaceId: string, agentId: string, version: number): Promise<string[]>;
}
