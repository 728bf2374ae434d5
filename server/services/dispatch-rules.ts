// What Switchboard's SIP dispatch rules look like, and how far LiveKit's differ: pure functions,
// no I/O, so every rule of the shape is unit-tested on its own (dispatch-rules.test.ts).

import { formatBytes } from '../../shared/agent.schema.ts';
import { jsonByteLength, jsonEqual } from '../../shared/json-guard.ts';
import { JOB_METADATA_MAX_BYTES, type ResolvedAgentConfig } from '../../shared/session.schema.ts';
import type { TelephonyJobMetadata } from '../../shared/telephony.schema.ts';
import { ValidationError } from '../errors.ts';
import type { DispatchRule, DispatchRuleInput } from '../ports/sip-dispatch.port.ts';

/** Rooms of inbound calls are named `call_<caller>_<random>` by LiveKit. */
export const CALL_ROOM_PREFIX = 'call';
/** Switchboard's dispatch rules are named `switchboard:<routeId>`; no other rule is touched. */
export const RULE_NAME_PREFIX = 'switchboard:';
const RULE_NAME = /^switchboard:([0-9a-f]{24})$/;

/** What a rule is built from: the route's fields that LiveKit sees. */
export interface RuleRoute {
  id: string;
  did: string;
  agentId: string;
}

/**
 * The rule a route wants: named after it, limited to the trunk and its number, a new room per
 * caller, dispatching `agentName` with `{ agentId, did, agentVersion, config }`. A ValidationError when that job
 * metadata is over LiveKit's limit.
 */
export function buildDispatchRule(
  route: RuleRoute,
  options: {
    trunkId: string;
    agentName: string;
    config: ResolvedAgentConfig;
    /** The published version `config` is. */
    agentVersion: number;
  },
): DispatchRuleInput {
  const job: TelephonyJobMetadata = {
    agentId: route.agentId,
    did: route.did,
    agentVersion: options.agentVersion,
    config: options.config,
  };
  const bytes = jsonByteLength(job);
  if (bytes > JOB_METADATA_MAX_BYTES) {
    throw new ValidationError(
      `job metadata (agentId + did + resolved config) is ${formatBytes(bytes)}; the limit is ${formatBytes(JOB_METADATA_MAX_BYTES)}: shorten the agent's config`,
    );
  }
  return {
    name: `${RULE_NAME_PREFIX}${route.id}`,
    trunkId: options.trunkId,
    number: route.did,
    roomPrefix: CALL_ROOM_PREFIX,
    agents: [{ agentName: options.agentName, metadata: JSON.stringify(job) }],
  };
}

/** The route a rule belongs to, by its name `switchboard:<routeId>`; null for anyone else's. */
export function routeIdOfRule(rule: Pick<DispatchRule, 'name'>): string | null {
  return RULE_NAME.exec(rule.name)?.[1] ?? null;
}

/** What differs between LiveKit's rule and the one the route wants (empty: in step). */
export function diffRule(actual: DispatchRule, desired: DispatchRuleInput): string[] {
  const changed: string[] = [];
  if (actual.name !== desired.name) changed.push('name');
  if (actual.trunkIds.length !== 1 || actual.trunkIds[0] !== desired.trunkId) changed.push('trunk');
  if (
    actual.numbers.length !== 1 ||
    actual.numbers[0] !== desired.number ||
    actual.inboundNumbers.length > 0
  ) {
    changed.push('number');
  }
  if (
    actual.kind !== 'individual' ||
    actual.roomPrefix !== desired.roomPrefix ||
    actual.pin !== ''
  ) {
    changed.push('room');
  }
  const [agent, ...others] = actual.agents;
  const wanted = desired.agents[0];
  if (!agent || others.length > 0 || agent.agentName !== wanted?.agentName) changed.push('agent');
  else if (!sameMetadata(agent.metadata, wanted.metadata)) changed.push('metadata');
  return changed;
}

/** The same JSON document, key order aside (LiveKit need not keep ours); text that is not JSON never is. */
function sameMetadata(actual: string, desired: string): boolean {
  try {
    return jsonEqual(JSON.parse(actual), JSON.parse(desired));
  } catch {
    return false;
  }
}

/** LiveKit compares trunk numbers without separators and with a `+`. */
export function sameNumber(a: string, b: string): boolean {
  const norm = (n: string) => {
    const compact = n.replace(/[\s\-()]/g, '');
    return compact.startsWith('+') ? compact : `+${compact}`;
  };
  return norm(a) === norm(b);
}

/** The same numbers in any order, as LiveKit compares them. */
export function sameNumbers(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((n) => b.some((m) => sameNumber(n, m)));
}
