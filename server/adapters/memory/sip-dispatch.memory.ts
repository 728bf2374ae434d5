import { randomBytes } from 'node:crypto';
import { ConflictError, NotFoundError, ValidationError } from '../../errors.ts';
import type {
  DispatchRule,
  DispatchRuleInput,
  InboundTrunk,
  SipDispatch,
} from '../../ports/sip-dispatch.port.ts';

export interface MemorySip extends SipDispatch {
  /** Server API calls made so far. */
  readonly calls: number;
  /** While set, every call rejects with this error (as an unreachable LiveKit would). */
  failWith(error: Error | undefined): void;
  /** Adds a rule as someone else would (any shape, no validation), for "unknown rule" tests. */
  addForeignRule(rule: Omit<DispatchRule, 'id'>): DispatchRule;
}

/**
 * LiveKit's SIP API in memory, for unit tests of the code around it: the same observable
 * behaviour as the real adapter (the contract suite runs on both), including the refusals that
 * matter — a trunk without numbers, two trunks with one number, two rules for one trunk, number
 * and PIN — and calls that yield between steps exactly where LiveKit's would.
 */
export function createMemorySip(options: { latencyMs?: number } = {}): MemorySip {
  const trunks = new Map<string, InboundTrunk>();
  const rules = new Map<string, DispatchRule>();
  let failure: Error | undefined;
  let calls = 0;

  const serverCall = async <T>(run: () => T): Promise<T> => {
    calls++;
    await new Promise((resolve) => setTimeout(resolve, options.latencyMs ?? 0));
    if (failure) throw failure;
    return run();
  };
  const newId = (prefix: string) => `${prefix}_${randomBytes(6).toString('base64url')}`;

  const checkTrunk = (candidate: InboundTrunk) => {
    if (candidate.numbers.length === 0) {
      throw new ValidationError(
        'LiveKit refused: for security, one of the fields must be set: AuthUsername+AuthPassword, AllowedAddresses or Numbers',
      );
    }
    for (const other of trunks.values()) {
      if (other.id === candidate.id) continue;
      const shared = candidate.numbers.find((n) => other.numbers.some((o) => sameNumber(n, o)));
      if (shared !== undefined) {
        throw new ConflictError(
          `LiveKit refused: Conflicting inbound SIP Trunks: "${candidate.id || '<new>'}" and "${other.id}", using the same number(s) ${JSON.stringify(candidate.numbers)} without AllowedNumbers set`,
        );
      }
    }
  };

  const checkRule = (candidate: DispatchRule) => {
    const keys = (rule: DispatchRule) =>
      (rule.trunkIds.length ? rule.trunkIds : ['']).flatMap((trunk) =>
        (rule.numbers.length ? rule.numbers : ['']).map(
          (number) => `${rule.pin}|${trunk}|${normaliseNumber(number)}`,
        ),
      );
    const mine = new Set(keys(candidate));
    for (const other of rules.values()) {
      if (other.id === candidate.id) continue;
      if (keys(other).some((key) => mine.has(key))) {
        throw new ConflictError(
          `LiveKit refused: Dispatch rule for the same trunk, inbound number, number, and PIN combination already exists in dispatch rule "${other.id}" "${other.name}"`,
        );
      }
    }
  };

  const toRule = (id: string, input: DispatchRuleInput): DispatchRule => ({
    id,
    name: input.name,
    trunkIds: [input.trunkId],
    numbers: [input.number],
    inboundNumbers: [],
    kind: 'individual',
    roomPrefix: input.roomPrefix,
    pin: '',
    agents: input.agents.map((agent) => ({ ...agent })),
  });

  return {
    listInboundTrunks: (filter) =>
      serverCall(() =>
        [...trunks.values()]
          .filter((trunk) => !filter?.ids || filter.ids.includes(trunk.id))
          .map((trunk) => structuredClone(trunk)),
      ),

    createInboundTrunk: ({ name, numbers }) =>
      serverCall(() => {
        const trunk: InboundTrunk = { id: '', name, numbers: [...numbers] };
        checkTrunk(trunk);
        trunk.id = newId('ST');
        trunks.set(trunk.id, trunk);
        return structuredClone(trunk);
      }),

    setInboundTrunkNumbers: (trunkId, numbers) =>
      serverCall(() => {
        const current = trunks.get(trunkId);
        if (!current) throw new NotFoundError(`LiveKit has no inbound trunk ${trunkId}`);
        const updated = { ...current, numbers: [...numbers] };
        checkTrunk(updated);
        trunks.set(trunkId, updated);
        return structuredClone(updated);
      }),

    deleteInboundTrunk: (trunkId) => serverCall(() => trunks.delete(trunkId)),

    listDispatchRules: () => serverCall(() => [...rules.values()].map((r) => structuredClone(r))),

    createDispatchRule: (input) =>
      serverCall(() => {
        const rule = toRule('', input);
        checkRule(rule);
        rule.id = newId('SDR');
        rules.set(rule.id, rule);
        return structuredClone(rule);
      }),

    replaceDispatchRule: (ruleId, input) =>
      serverCall(() => {
        if (!rules.has(ruleId)) {
          throw new NotFoundError('LiveKit: requested sip dispatch rule does not exist');
        }
        const rule = toRule(ruleId, input);
        checkRule(rule);
        rules.set(ruleId, rule);
        return structuredClone(rule);
      }),

    deleteDispatchRule: (ruleId) => serverCall(() => rules.delete(ruleId)),

    get calls() {
      return calls;
    },
    failWith(error) {
      failure = error;
    },
    addForeignRule(rule) {
      const added = { ...structuredClone(rule), id: newId('SDR') };
      rules.set(added.id, added);
      return structuredClone(added);
    },
  };
}

/** LiveKit's NormalizeNumber: separators removed and a `+` added, for numbers that look like one. */
function normaliseNumber(number: string): string {
  if (number === '' || !/^\+?[\d\- ()]+$/.test(number)) return number;
  const compact = number.replace(/[- ()]/g, '');
  return compact.startsWith('+') ? compact : `+${compact}`;
}

function sameNumber(a: string, b: string): boolean {
  return normaliseNumber(a) === normaliseNumber(b);
}
