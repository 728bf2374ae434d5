/** An agent dispatch as LiveKit lists it. */
export interface AgentDispatchRecord {
  id: string;
  agentName: string;
  /** The job metadata the worker receives, as the string it was given. */
  metadata: string;
}

/** A dispatch with what LiveKit says of its job. */
export interface AgentDispatchStatus extends AgentDispatchRecord {
  /**
   * A worker has its job: assigned (pending with a worker) or running. False when no worker took
   * it, or its job ended or failed.
   */
  jobAssigned: boolean;
}

export interface AgentDispatchRequest {
  roomName: string;
  agentName: string;
  /** Job metadata: a JSON string the worker parses. */
  metadata: string;
}

export interface AgentDispatchOutcome {
  /** True when this call made the dispatch (created the room with it, or added it). */
  created: boolean;
  /** The room's dispatches of `agentName` after the call: never empty. */
  dispatches: AgentDispatchRecord[];
}

export interface ParticipantTokenRequest {
  roomName: string;
  identity: string;
  ttlSeconds: number;
  /** Dispatched by the token's room configuration when the participant's join creates the room. */
  agentName: string;
  metadata: string;
}

export interface ParticipantToken {
  /** A signed JWT: a credential, never logged. */
  token: string;
  /** The token's `exp`. */
  expiresAt: Date;
}

/** A participant LiveKit lists in a room (joining, joined or active). */
export interface ParticipantRecord {
  identity: string;
}

/**
 * LiveKit rooms, tokens and agent dispatch: everything `session.start` needs from LiveKit.
 * Adapters translate their transport's failures into AppErrors: LiveKit missing or not answering
 * is a ServiceUnavailableError (within the adapter's timeout), metadata LiveKit refuses is a
 * ValidationError. Messages never carry a secret or a token.
 */
export interface LiveKitRooms {
  /** The URL (ws:// or wss://) clients connect to. */
  readonly serverUrl: string;
  /**
   * Makes sure the room exists and has a dispatch of `agentName`, never adding a second one:
   * - no such room: it is created with one dispatch carrying `metadata` (`created: true`);
   * - the room has no dispatch of `agentName`: one is added (`created: true`);
   * - it has one or more: nothing changes and they are returned (`created: false`) — whether
   *   their metadata fits is the caller's decision.
   * Not atomic across callers: a caller that may race itself must serialise per room.
   */
  ensureAgentDispatch(request: AgentDispatchRequest): Promise<AgentDispatchOutcome>;
  /**
   * Creates a room that cannot exist yet with one dispatch of `agentName` carrying `metadata`:
   * one server call, no look-up. Only for names nobody else can have used (Switchboard's
   * generated ones, 128 random bits): were the room there already, LiveKit would leave it
   * unchanged and add no dispatch. A name a caller chose goes through `ensureAgentDispatch`.
   */
  createRoomWithAgentDispatch(request: AgentDispatchRequest): Promise<void>;
  /**
   * An access token to join `roomName` as `identity` (publish, subscribe, publish data), whose
   * room configuration dispatches `agentName` with `metadata` should this join create the room.
   */
  mintParticipantToken(request: ParticipantTokenRequest): Promise<ParticipantToken>;
  /**
   * Which of these rooms exist now, in ONE server call (ListRooms with the names); names of rooms
   * that do not exist are left out. An empty list is answered without a call (ListRooms without
   * names would list every room of the server).
   */
  listExistingRooms(roomNames: readonly string[]): Promise<string[]>;
  /**
   * The participant with this identity in the room, or null when the room or the participant
   * does not exist (a normal answer, not an error).
   */
  getParticipant(roomName: string, identity: string): Promise<ParticipantRecord | null>;
  /**
   * Every dispatch of `agentName` in the room (ListDispatch), oldest first; [] when the room does
   * not exist (looked up first: ListDispatch of a missing room waits seconds for an answer).
   */
  listAgentDispatches(roomName: string, agentName: string): Promise<AgentDispatchStatus[]>;
  /**
   * Replaces the room's dispatches of `agentName` with ONE new dispatch carrying `metadata`: the
   * old ones are deleted first (so never two live at once from this call), then one is created.
   * A job LiveKit could not assign is never retried by LiveKit: this is how it is asked again.
   * Answers the new dispatch, or null when the room no longer exists (nothing is created).
   */
  redispatchAgent(request: AgentDispatchRequest): Promise<AgentDispatchRecord | null>;
  /** Deletes the room (its participants are disconnected); false when there was none. */
  deleteRoom(roomName: string): Promise<boolean>;
}
