import { formatBytes } from '../../shared/agent.schema.ts';
import { jsonByteLength } from '../../shared/json-guard.ts';
import { JOB_METADATA_MAX_BYTES, type ResolvedAgentConfig } from '../../shared/session.schema.ts';
import {
  didRouteCreateInputSchema,
  didRouteListInputSchema,
  didRouteUpdateInputSchema,
  routeIdSchema,
  telephonyResolveInputSchema,
  type DidRoute,
  type DidRouteCreateInput,
  type DidRouteDeleted,
  type DidRouteList,
  type DidRouteListInput,
  type DidRouteSync,
  type DidRouteUpdateInput,
  type TelephonyJobMetadata,
  type TelephonyResolveInput,
  type TelephonyResolveOutput,
  type TelephonySyncReport,
} from '../../shared/telephony.schema.ts';
import {
  AppError,
  ConflictError,
  NotFoundError,
  ServiceUnavailableError,
  ValidationError,
  parseWith,
} from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { AgentReferences } from '../ports/agent-references.port.ts';
import type {
  DidRouteRecord,
  DidRouteStore,
  RouteSyncRecord,
} from '../ports/did-route-store.port.ts';
import type { DispatchRule, DispatchRuleInput, SipDispatch } from '../ports/sip-dispatch.port.ts';
import type { AgentService } from './agent.service.ts';
import { createConfigResolver, isPlainObject } from './config-resolver.ts';

/** The inbound trunk Switchboard keeps when LIVEKIT_SIP_TRUNK_ID is not set. */
export const MANAGED_TRUNK_NAME = 'switchboard-inbound';
/** Rooms of inbound calls are named `call_<caller>_<random>` by LiveKit. */
export const CALL_ROOM_PREFIX = 'call';
/** Switchboard's dispatch rules are named `switchboard:<routeId>`; no other rule is touched. */
export const RULE_NAME_PREFIX = 'switchboard:';
const RULE_NAME = /^switchboard:([0-9a-f]{24})$/;

export interface TelephonyService {
  listRoutes(input?: DidRouteListInput): Promise<DidRouteList>;
  getRoute(routeId: string): Promise<DidRoute>;
  /** Saves the route, then brings LiveKit in step; the answer's `sync` says how that went. */
  createRoute(input: DidRouteCreateInput): Promise<DidRoute>;
  updateRoute(input: DidRouteUpdateInput): Promise<DidRoute>;
  deleteRoute(routeId: string): Promise<DidRouteDeleted>;
  /** The agent a call to the number reaches, with its config resolved as `session.start` does. */
  resolve(input: TelephonyResolveInput): Promise<TelephonyResolveOutput>;
  /** Reconciles LiveKit's trunk and dispatch rules with the routes, and reports what it did. */
  sync(): Promise<TelephonySyncReport>;
  /** Resolves once background work (re-syncs after agent changes) has finished. */
  settled(): Promise<void>;
}

export interface TelephonyServiceDeps {
  routes: DidRouteStore;
  agents: Pick<AgentService, 'getRecord' | 'onAgentChanged'>;
  sip: SipDispatch;
  /** AGENT_NAME: the worker each call's room dispatches. */
  agentName: string;
  /** LIVEKIT_SIP_TRUNK_ID: a trunk the operator keeps. Without it Switchboard keeps its own. */
  trunkId?: string;
  /** The name of the trunk Switchboard keeps (default `switchboard-inbound`). */
  managedTrunkName?: string;
  logger?: Logger;
  now?: () => Date;
}

/** AgentReferences over the route store: an agent with live numbers cannot be deleted. */
export function createRouteReferences(routes: DidRouteStore): AgentReferences {
  return {
    async liveNumbersForAgent(agentId) {
      return (await routes.listByAgent(agentId)).map((route) => route.did);
    },
  };
}

/** The outcome of bringing one route's rules in step. */
type RouteOutcome =
  | {
      kind: 'created' | 'updated' | 'unchanged';
      ruleId: string;
      changed: string[];
      /** Extra rules of the same route, deleted. */
      removed: DispatchRule[];
    }
  | { kind: 'removed'; removed: DispatchRule[] }
  | { kind: 'failed'; error: string };

interface TrunkState {
  id: string | null;
  managed: boolean;
  action: TelephonySyncReport['trunk']['action'];
  numbers: string[];
  warnings: string[];
}

/**
 * Phone numbers (DIDs) → agents, kept in step with LiveKit's SIP dispatch rules.
 *
 * Every change is saved first (sync state `pending`), then pushed to LiveKit: the inbound trunk
 * gets the routed numbers (when Switchboard keeps it), and each live route has exactly one rule
 * named `switchboard:<routeId>`, limited to the trunk and the number, that puts each caller in a
 * new room and dispatches AGENT_NAME with `{ agentId, did, config }`. A push that fails leaves the
 * route marked `error` with the reason; `sync` repairs whatever drifted. Pushes and syncs run one
 * at a time in this process, each reading the latest routes and rules, so they are idempotent;
 * across processes a lost race is caught by the next `sync`, which compares LiveKit's rules
 * themselves, never only the recorded state.
 */
export function createTelephonyService(deps: TelephonyServiceDeps): TelephonyService {
  const { routes, sip, agentName, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const trunkName = deps.managedTrunkName ?? MANAGED_TRUNK_NAME;
  const resolver = createConfigResolver({
    loadStoredConfig: async (agentId) => (await deps.agents.getRecord(agentId)).config,
  });
  const queue = createSerialQueue();
  const inflight = new Set<Promise<unknown>>();

  const routeNotFound = (id: string) =>
    new NotFoundError(`Route ${id} was not found (it may have been deleted)`);

  /** The agent must exist and be live: NOT_FOUND naming `agentId` otherwise. */
  const requireAgent = async (agentId: string) => {
    try {
      await deps.agents.getRecord(agentId);
    } catch (error) {
      if (error instanceof NotFoundError) {
        throw new NotFoundError(
          `agentId: agent ${agentId} was not found (it may have been deleted)`,
          {
            cause: error,
          },
        );
      }
      throw error;
    }
  };

  const allLiveRoutes = async (): Promise<DidRouteRecord[]> => {
    const all: DidRouteRecord[] = [];
    for (;;) {
      const page = await routes.list({
        limit: 500,
        ...(all.length && { afterDid: all.at(-1)!.did }),
      });
      all.push(...page);
      if (page.length < 500) return all;
    }
  };

  const resolveConfig = (agentId: string): Promise<ResolvedAgentConfig> =>
    resolver.resolve({ agentId });

  const desiredRule = (route: DidRouteRecord, trunkId: string, config: ResolvedAgentConfig) => {
    const job: TelephonyJobMetadata = { agentId: route.agentId, did: route.did, config };
    const bytes = jsonByteLength(job);
    if (bytes > JOB_METADATA_MAX_BYTES) {
      throw new ValidationError(
        `job metadata (agentId + did + resolved config) is ${formatBytes(bytes)}; the limit is ${formatBytes(JOB_METADATA_MAX_BYTES)}: shorten the agent's config`,
      );
    }
    const rule: DispatchRuleInput = {
      name: `${RULE_NAME_PREFIX}${route.id}`,
      trunkId,
      number: route.did,
      roomPrefix: CALL_ROOM_PREFIX,
      agents: [{ agentName, metadata: JSON.stringify(job) }],
    };
    return rule;
  };

  /**
   * The trunk the rules are limited to. LIVEKIT_SIP_TRUNK_ID is only checked (the operator keeps
   * it); otherwise the trunk named `switchboard-inbound` is created on demand with the routed
   * numbers, and its numbers follow the routes. LiveKit refuses a trunk without numbers (or auth,
   * or allowed addresses), so after the last route goes its numbers stay until the next route.
   */
  const ensureTrunk = async (): Promise<TrunkState> => {
    const dids = (await allLiveRoutes()).map((route) => route.did);
    if (deps.trunkId) {
      const [trunk] = await sip.listInboundTrunks({ ids: [deps.trunkId] });
      if (!trunk) {
        throw new ServiceUnavailableError(
          `LIVEKIT_SIP_TRUNK_ID is ${deps.trunkId}, but LiveKit has no inbound trunk with that id: create it, or fix or unset the setting`,
          { service: 'livekit-sip', reason: 'not-configured' },
        );
      }
      const missing = trunk.numbers.length
        ? dids.filter((did) => !trunk.numbers.some((number) => sameNumber(number, did)))
        : [];
      return {
        id: trunk.id,
        managed: false,
        action: 'unchanged',
        numbers: trunk.numbers,
        warnings: missing.length
          ? [
              `Inbound trunk ${trunk.id} (LIVEKIT_SIP_TRUNK_ID) does not list ${missing.join(', ')}: LiveKit does not accept calls to ${missing.length === 1 ? 'that number' : 'those numbers'} until the trunk's numbers include ${missing.length === 1 ? 'it' : 'them'}`,
            ]
          : [],
      };
    }
    const named = (await sip.listInboundTrunks())
      .filter((trunk) => trunk.name === trunkName)
      .sort((a, b) => (a.id < b.id ? -1 : 1));
    const warnings =
      named.length > 1
        ? [
            `${named.length} inbound trunks are named ${trunkName}; Switchboard uses ${named[0]!.id} and leaves ${named
              .slice(1)
              .map((trunk) => trunk.id)
              .join(', ')} alone: delete the others`,
          ]
        : [];
    let trunk = named[0];
    if (!trunk) {
      if (dids.length === 0)
        return { id: null, managed: true, action: 'none', numbers: [], warnings };
      trunk = await sip.createInboundTrunk({ name: trunkName, numbers: dids });
      logger?.info('telephony: created the inbound trunk', {
        trunkId: trunk.id,
        numbers: dids.length,
      });
      return { id: trunk.id, managed: true, action: 'created', numbers: trunk.numbers, warnings };
    }
    if (dids.length > 0 && !sameNumbers(trunk.numbers, dids)) {
      trunk = await sip.setInboundTrunkNumbers(trunk.id, dids);
      return { id: trunk.id, managed: true, action: 'updated', numbers: trunk.numbers, warnings };
    }
    return { id: trunk.id, managed: true, action: 'unchanged', numbers: trunk.numbers, warnings };
  };

  /** Brings one route's rules (`owned`: those named after it) in step. Throws on failure. */
  const reconcile = async (
    route: DidRouteRecord,
    trunk: TrunkState,
    owned: DispatchRule[],
  ): Promise<RouteOutcome> => {
    if (route.deletedAt) {
      for (const rule of owned) await sip.deleteDispatchRule(rule.id);
      return { kind: 'removed', removed: owned };
    }
    if (!trunk.id)
      throw new ServiceUnavailableError('There is no inbound trunk to attach the rule to', {
        service: 'livekit-sip',
        reason: 'unavailable',
      });
    const desired = desiredRule(route, trunk.id, await resolveConfig(route.agentId));
    const keep = owned.find((rule) => rule.id === route.sync.ruleId) ?? owned[0];
    const extras = owned.filter((rule) => rule !== keep);
    for (const rule of extras) await sip.deleteDispatchRule(rule.id);
    if (!keep) {
      const made = await sip.createDispatchRule(desired);
      return { kind: 'created', ruleId: made.id, changed: [], removed: extras };
    }
    const changed = diffRule(keep, desired);
    if (changed.length === 0)
      return { kind: 'unchanged', ruleId: keep.id, changed, removed: extras };
    try {
      const replaced = await sip.replaceDispatchRule(keep.id, desired);
      return { kind: 'updated', ruleId: replaced.id, changed, removed: extras };
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      // Deleted behind our back between the listing and the replace.
      const made = await sip.createDispatchRule(desired);
      return { kind: 'created', ruleId: made.id, changed: [], removed: extras };
    }
  };

  /** Records an outcome on the route (unless it changed meanwhile); never throws. */
  const record = async (route: DidRouteRecord, outcome: RouteOutcome): Promise<DidRouteRecord> => {
    const sync: RouteSyncRecord =
      outcome.kind === 'failed'
        ? { ...route.sync, state: 'error', error: outcome.error }
        : {
            state: 'synced',
            ruleId: outcome.kind === 'removed' ? null : outcome.ruleId,
            error: null,
            syncedAt: now(),
          };
    try {
      const saved = await routes.setSync(route.id, route.revision, sync);
      if (saved) return saved;
      return (await routes.getMany([route.id]))[0] ?? route;
    } catch (error) {
      logger?.warn('telephony: could not record the sync state of a route', {
        routeId: route.id,
        error,
      });
      return route;
    }
  };

  const describeFailure = (error: unknown, route: DidRouteRecord): string => {
    if (error instanceof AppError) return error.message;
    logger?.error('telephony: unexpected failure while syncing a route', {
      routeId: route.id,
      did: route.did,
      error,
    });
    return 'Unexpected error while updating LiveKit (details in the server log)';
  };

  /**
   * Pushes one route to LiveKit: trunk, stale rules for its number left by deleted routes, then
   * its own rule. Runs inside the queue. Returns the route as stored afterwards.
   */
  const pushNow = async (routeId: string): Promise<DidRouteRecord | null> => {
    const [route] = await routes.getMany([routeId]);
    if (!route) return null;
    let outcome: RouteOutcome;
    try {
      const trunk = await ensureTrunk();
      const rules = await sip.listDispatchRules();
      const owned = rules.filter((rule) => routeIdOfRule(rule) === route.id);
      if (!route.deletedAt) await removeRulesOfDeletedRoutes(rules, route.did);
      outcome = await reconcile(route, trunk, owned);
    } catch (error) {
      outcome = { kind: 'failed', error: describeFailure(error, route) };
    }
    const saved = await record(route, outcome);
    const fields = { routeId: route.id, did: route.did, outcome: outcome.kind };
    if (outcome.kind === 'failed')
      logger?.warn('telephony: route out of sync', { ...fields, error: outcome.error });
    else logger?.info('telephony: route synced', fields);
    return saved;
  };

  /** Our rules for `did` whose routes are deleted block a new rule for it: they go first. */
  const removeRulesOfDeletedRoutes = async (rules: DispatchRule[], did: string) => {
    const forNumber = rules.filter(
      (rule) => routeIdOfRule(rule) !== null && rule.numbers.some((n) => sameNumber(n, did)),
    );
    if (forNumber.length === 0) return;
    const known = await routes.getMany(forNumber.map((rule) => routeIdOfRule(rule)!));
    const deleted = new Set(known.filter((r) => r.deletedAt).map((r) => r.id));
    for (const rule of forNumber) {
      if (deleted.has(routeIdOfRule(rule)!)) await sip.deleteDispatchRule(rule.id);
    }
  };

  const push = async (route: DidRouteRecord): Promise<DidRouteRecord> =>
    (await queue.run(() => pushNow(route.id))) ?? route;

  const inBackground = (task: () => Promise<unknown>) => {
    const running: Promise<unknown> = queue
      .run(task)
      .catch((error: unknown) => logger?.error('telephony: background sync failed', { error }))
      .finally(() => inflight.delete(running));
    inflight.add(running);
  };

  // A rule carries a snapshot of its agent's config: a config change re-pushes the agent's routes.
  deps.agents.onAgentChanged(async ({ agent, fields }) => {
    if (!fields.includes('config')) return;
    const affected = await routes.listByAgent(agent.id);
    for (const route of affected) {
      await routes.setSync(route.id, route.revision, pendingFrom(route.sync));
      inBackground(() => pushNow(route.id));
    }
  });

  return {
    async listRoutes(rawInput = {}) {
      const input = parseWith(didRouteListInputSchema, rawInput);
      const afterDid = input.cursor ? decodeRouteCursor(input.cursor) : undefined;
      const rows = await routes.list({
        limit: input.limit + 1,
        ...(afterDid !== undefined && { afterDid }),
        ...(input.agentId !== undefined && { agentId: input.agentId }),
      });
      const items = rows.slice(0, input.limit);
      const last = items.at(-1);
      return {
        items: items.map(toDidRoute),
        nextCursor: rows.length > input.limit && last ? encodeRouteCursor(last.did) : null,
      };
    },

    async getRoute(rawId) {
      const id = parseWith(routeIdSchema, rawId);
      const route = await routes.get(id);
      if (!route) throw routeNotFound(id);
      return toDidRoute(route);
    },

    async createRoute(rawInput) {
      const input = parseWith(didRouteCreateInputSchema, rawInput);
      await requireAgent(input.agentId);
      const outcome = await routes.create({
        did: input.did,
        agentId: input.agentId,
        label: input.label || null,
        sync: { state: 'pending', ruleId: null, error: null, syncedAt: null },
      });
      if (outcome.status === 'did_taken') throw didTaken(input.did, outcome.existing);
      // The agent may have been deleted between the check and the insert (its delete looked for
      // routes before this one existed): then the route goes again.
      try {
        await requireAgent(input.agentId);
      } catch (error) {
        await routes.softDelete(outcome.route.id, now(), outcome.route.sync);
        throw error;
      }
      return toDidRoute(await push(outcome.route));
    },

    async updateRoute(rawInput) {
      const { routeId, did, agentId, label } = parseWith(didRouteUpdateInputSchema, rawInput);
      if (agentId !== undefined) await requireAgent(agentId);
      const current = await routes.get(routeId);
      if (!current) throw routeNotFound(routeId);
      const touchesLiveKit = did !== undefined || agentId !== undefined;
      const outcome = await routes.update(routeId, {
        ...(did !== undefined && { did }),
        ...(agentId !== undefined && { agentId }),
        ...(label !== undefined && { label: label || null }),
        ...(touchesLiveKit && { sync: pendingFrom(current.sync) }),
      });
      if (outcome.status === 'not_found') throw routeNotFound(routeId);
      if (outcome.status === 'did_taken') throw didTaken(did ?? current.did, outcome.existing);
      if (agentId !== undefined && agentId !== current.agentId) {
        try {
          await requireAgent(agentId);
        } catch (error) {
          await routes.update(routeId, { agentId: current.agentId, sync: current.sync });
          throw error;
        }
      }
      return toDidRoute(touchesLiveKit ? await push(outcome.route) : outcome.route);
    },

    async deleteRoute(rawId) {
      const id = parseWith(routeIdSchema, rawId);
      const current = await routes.get(id);
      if (!current) throw routeNotFound(id);
      const deleted = await routes.softDelete(id, now(), pendingFrom(current.sync));
      if (!deleted?.deletedAt) throw routeNotFound(id);
      const pushed = await push(deleted);
      return {
        id: deleted.id,
        did: deleted.did,
        deletedAt: deleted.deletedAt.toISOString(),
        sync: toWireSync(pushed.sync),
      };
    },

    async resolve(rawInput) {
      const { did } = parseWith(telephonyResolveInputSchema, rawInput);
      const route = await routes.findByDid(did);
      if (!route) {
        throw new NotFoundError(`No route answers ${did}: add one with telephony.routes.create`);
      }
      return {
        routeId: route.id,
        did: route.did,
        agentId: route.agentId,
        config: await resolveConfig(route.agentId),
      };
    },

    sync() {
      return queue.run(async () => {
        const trunk = await ensureTrunk();
        const rules = await sip.listDispatchRules();
        const live = await allLiveRoutes();
        const report: TelephonySyncReport = {
          trunk: {
            id: trunk.id,
            managed: trunk.managed,
            action: trunk.action,
            numbers: trunk.numbers,
          },
          created: [],
          updated: [],
          deleted: [],
          unknown: [],
          failed: [],
          unchanged: 0,
          warnings: [...trunk.warnings],
          syncedAt: now().toISOString(),
        };

        const owned = new Map<string, DispatchRule[]>();
        for (const rule of rules) {
          const routeId = routeIdOfRule(rule);
          if (routeId) owned.set(routeId, [...(owned.get(routeId) ?? []), rule]);
        }
        const known = new Map(
          (await routes.getMany([...owned.keys()])).map((route) => [route.id, route]),
        );
        for (const rule of rules) {
          const routeId = routeIdOfRule(rule);
          if (routeId && known.has(routeId)) continue;
          report.unknown.push({
            ruleId: rule.id,
            name: rule.name,
            numbers: rule.numbers,
            trunkIds: rule.trunkIds,
          });
        }
        if (report.unknown.some((rule) => RULE_NAME.test(rule.name))) {
          report.warnings.push(
            'Some rules are named like Switchboard’s but answer routes this database does not have (another Switchboard on the same LiveKit?): they are left alone',
          );
        }

        const run = async (route: DidRouteRecord, rulesOfRoute: DispatchRule[]) => {
          let outcome: RouteOutcome;
          try {
            outcome = await reconcile(route, trunk, rulesOfRoute);
          } catch (error) {
            outcome = { kind: 'failed', error: describeFailure(error, route) };
          }
          await record(route, outcome);
          return outcome;
        };

        // Rules of deleted routes first: they would block a new route for the same number.
        for (const [routeId, rulesOfRoute] of owned) {
          const route = known.get(routeId);
          if (!route?.deletedAt) continue;
          const outcome = await run(route, rulesOfRoute);
          if (outcome.kind === 'failed') {
            report.failed.push({ routeId, did: route.did, error: outcome.error });
            continue;
          }
          for (const rule of rulesOfRoute) {
            report.deleted.push({
              ruleId: rule.id,
              routeId,
              did: route.did,
              reason: 'its route was deleted',
            });
          }
        }

        for (const route of live) {
          const outcome = await run(route, owned.get(route.id) ?? []);
          const entry = { routeId: route.id, did: route.did };
          switch (outcome.kind) {
            case 'failed':
              report.failed.push({ ...entry, error: outcome.error });
              continue;
            case 'created':
              report.created.push({ ...entry, ruleId: outcome.ruleId });
              break;
            case 'updated':
              report.updated.push({ ...entry, ruleId: outcome.ruleId, changed: outcome.changed });
              break;
            case 'unchanged':
              report.unchanged++;
              break;
            case 'removed':
              break;
          }
          for (const rule of outcome.removed) {
            report.deleted.push({
              ruleId: rule.id,
              ...entry,
              reason: 'a second rule for the same route',
            });
          }
        }

        logger?.info('telephony: sync done', {
          trunk: report.trunk,
          created: report.created.length,
          updated: report.updated.length,
          deleted: report.deleted.length,
          unknown: report.unknown.length,
          failed: report.failed.length,
          unchanged: report.unchanged,
        });
        return report;
      });
    },

    async settled() {
      while (inflight.size > 0) await Promise.allSettled([...inflight]);
    },
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
  else if (!sameJsonText(agent.metadata, wanted.metadata)) changed.push('metadata');
  return changed;
}

function sameJsonText(a: string, b: string): boolean {
  if (a === b) return true;
  try {
    return canonicalJson(JSON.parse(a)) === canonicalJson(JSON.parse(b));
  } catch {
    return false;
  }
}

/** JSON with object keys sorted, so two documents compare regardless of key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isPlainObject(value)) {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** LiveKit compares trunk numbers without separators and with a `+`. */
function sameNumber(a: string, b: string): boolean {
  const norm = (n: string) => {
    const compact = n.replace(/[\s\-()]/g, '');
    return compact.startsWith('+') ? compact : `+${compact}`;
  };
  return norm(a) === norm(b);
}

function sameNumbers(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((n) => b.some((m) => sameNumber(n, m)));
}

function pendingFrom(sync: RouteSyncRecord): RouteSyncRecord {
  return { ...sync, state: 'pending', error: null };
}

function didTaken(did: string, existing: DidRouteRecord | null): ConflictError {
  return new ConflictError(
    existing
      ? `did: ${did} already routes to agent ${existing.agentId} (route ${existing.id}); update or delete that route first`
      : `did: ${did} already has a route; update or delete that route first`,
  );
}

export function toWireSync(sync: RouteSyncRecord): DidRouteSync {
  return {
    state: sync.state,
    ...(sync.ruleId !== null && { ruleId: sync.ruleId }),
    ...(sync.error !== null && { error: sync.error }),
    ...(sync.syncedAt !== null && { syncedAt: sync.syncedAt.toISOString() }),
  };
}

export function toDidRoute(record: DidRouteRecord): DidRoute {
  return {
    id: record.id,
    did: record.did,
    agentId: record.agentId,
    ...(record.label !== null && { label: record.label }),
    sync: toWireSync(record.sync),
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
    ...(record.deletedAt && { deletedAt: record.deletedAt.toISOString() }),
  };
}

/** Opaque to clients: base64url of the last DID of the page. */
export function encodeRouteCursor(did: string): string {
  return Buffer.from(did).toString('base64url');
}

export function decodeRouteCursor(cursor: string): string {
  const did = Buffer.from(cursor, 'base64url').toString();
  if (!/^\+\d{8,15}$/.test(did)) {
    throw new ValidationError('cursor: not a cursor this server issued; start again without one');
  }
  return did;
}

/** Runs tasks one after another; a failed task does not block the next. */
function createSerialQueue() {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    run<T>(task: () => Promise<T>): Promise<T> {
      const result = tail.then(task, task);
      tail = result.catch(() => undefined);
      return result;
    },
  };
}
