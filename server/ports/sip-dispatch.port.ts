/** A LiveKit SIP inbound trunk: where calls from a SIP provider enter LiveKit. */
export interface InboundTrunk {
  id: string;
  name: string;
  /** The called numbers the trunk accepts. */
  numbers: string[];
}

/** An agent a dispatch rule's rooms dispatch, with the job metadata the worker receives. */
export interface DispatchRuleAgent {
  agentName: string;
  metadata: string;
}

/** A LiveKit SIP dispatch rule, as far as Switchboard reads it. */
export interface DispatchRule {
  id: string;
  name: string;
  /** The trunks the rule answers ([] = any trunk). */
  trunkIds: string[];
  /** The called numbers the rule answers ([] = any). */
  numbers: string[];
  /** The calling numbers the rule answers ([] = any). */
  inboundNumbers: string[];
  /**
   * How callers are put in rooms: `individual` = a new room per call, named
   * `<roomPrefix>_<caller>_<random>`; `direct` = one room (`roomPrefix` holds its name);
   * `callee` = a room per called number.
   */
  kind: 'individual' | 'direct' | 'callee' | 'unknown';
  roomPrefix: string;
  pin: string;
  /** Agents dispatched to the rooms it makes (its room configuration). */
  agents: DispatchRuleAgent[];
}

/** A rule as Switchboard makes them: one number on one trunk, a new room per caller, no PIN. */
export interface DispatchRuleInput {
  name: string;
  trunkId: string;
  number: string;
  roomPrefix: string;
  agents: DispatchRuleAgent[];
}

/**
 * LiveKit's SIP API: inbound trunks and dispatch rules. Adapters translate failures into
 * AppErrors: LiveKit missing or not answering (or its SIP API off, which needs Redis) is a
 * ServiceUnavailableError; a rule or trunk LiveKit refuses because another one already answers
 * the same trunk and number is a ConflictError carrying LiveKit's message (which names the other
 * one); anything else LiveKit refuses is a ValidationError; a missing id is a NotFoundError.
 * Messages never carry a secret or a token.
 */
export interface SipDispatch {
  /** Inbound trunks: all of them, or those with the given ids (missing ids are left out). */
  listInboundTrunks(filter?: { ids?: string[] }): Promise<InboundTrunk[]>;
  /** LiveKit refuses a trunk with no numbers unless it has auth or allowed addresses. */
  createInboundTrunk(input: { name: string; numbers: string[] }): Promise<InboundTrunk>;
  /** Replaces the trunk's numbers, keeping every other setting of the trunk. */
  setInboundTrunkNumbers(trunkId: string, numbers: string[]): Promise<InboundTrunk>;
  /** True when it deleted the trunk, false when there was none. */
  deleteInboundTrunk(trunkId: string): Promise<boolean>;
  /** Every dispatch rule, of every trunk. */
  listDispatchRules(): Promise<DispatchRule[]>;
  createDispatchRule(rule: DispatchRuleInput): Promise<DispatchRule>;
  /** Replaces the rule whole, keeping its id. */
  replaceDispatchRule(ruleId: string, rule: DispatchRuleInput): Promise<DispatchRule>;
  /** True when it deleted the rule, false when there was none (so deleting is idempotent). */
  deleteDispatchRule(ruleId: string): Promise<boolean>;
}
