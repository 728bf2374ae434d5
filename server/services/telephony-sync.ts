import type { TelephonySyncReport } from '../../shared/telephony.schema.ts';
import { AppError, NotFoundError, ServiceUnavailableError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type {
  DidRouteRecord,
  DidRouteStore,
  RouteSyncRecord,
} from '../ports/did-route-store.port.ts';
import type { DispatchRule, SipDispatch } from '../ports/sip-dispatch.port.ts';
import {
  buildDispatchRule,
  diffRule,
  routeIdOfRule,
  sameNumber,
  sameNumbers,
} from './dispatch-rules.ts';
import type { RouteConfigResolver } from './telephony.service.ts';

/** The inbound trunk Switchboard keeps when LIVEKIT_SIP_TRUNK_ID is not set. */
export const MANAGED_TRUNK_NAME = 'switchboard-inbound';

export interface TelephonySyncDeps {
  routes: DidRouteStore;
  sip: SipDispatch;
  /** AGENT_NAME: the worker each call's room dispatches. */
  agentName: string;
  /** LIVEKIT_SIP_TRUNK_ID: a trunk the operator keeps. Without it Switchboard keeps its own. */
  trunkId?: string;
  /** The name of the trunk Switchboard keeps (default `switchboard-inbound`). */
  managedTrunkName?: string;
  /** The config a route's calls get, and its version (what the rule's job metadata carries). */
  resolveConfig: RouteConfigResolver;
  logger?: Logger;
  now?: () => Date;
}

/** Keeps LiveKit's inbound trunk and dispatch rules in step with the routes. */
export interface TelephonySync {
  /**
   * Brings LiveKit in step with one route (after any push or sync already running) and records
   * how that went on it; never throws for LiveKit's failures. Answers the route as stored after.
   */
  push(route: DidRouteRecord): Promise<DidRouteRecord>;
  /**
   * Marks the agent's live routes `pending` and pushes them again in the background; with
   * `followingPublished`, only those that follow "published" (not those pinned to a version).
   */
  repushAgentRoutes(
    workspaceId: string,
    agentId: string,
    options?: { followingPublished?: boolean },
  ): Promise<void>;
  /**
   * Reconciles LiveKit's trunk and dispatch rules with the routes of every workspace, and reports
   * what it did to `workspaceId`'s routes (see `sync` below).
   */
  sync(workspaceId: string): Promise<TelephonySyncReport>;
  /** Resolves once background pushes have finished. */
  settled(): Promise<void>;
}

/** The sync state of a route whose change is saved and not yet pushed. */
export function pendingFrom(sync: RouteSyncRecord): RouteSyncRecord {
  return { ...sync, state: 'pending', error: null };
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
  /** Routed numbers the operator's trunk (LIVEKIT_SIP_TRUNK_ID) does not list. */
  missing: string[];
  warnings: string[];
}

/** The warning for the routed numbers `missing` from the operator's trunk. */
function missingNumbersWarning(trunkId: string | null, missing: string[]): string[] {
  if (missing.length === 0) return [];
  const one = missing.length === 1;
  return [
    `Inbound trunk ${trunkId} (LIVEKIT_SIP_TRUNK_ID) does not list ${missing.join(', ')}: LiveKit does not accept calls to ${one ? 'that number' : 'those numbers'} until the trunk's numbers include ${one ? 'it' : 'them'}`,
  ];
}

/**
 * The inbound trunk gets the routed numbers (when Switchboard keeps it), and each live route has
 * exactly one rule named `switchboard:<routeId>` (see dispatch-rules.ts). A push that fails leaves
 * the route marked `error` with the reason; `sync` repairs whatever drifted. Pushes and syncs run
 * one at a time in this process, each reading the latest routes and rules, so they are
 * idempotent; across processes a lost race is caught by the next `sync`, which compares LiveKit's
 * rules themselves, never only the recorded state.
 */
export function createTelephonySync(deps: TelephonySyncDeps): TelephonySync {
  const { routes, sip, agentName, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const trunkName = deps.managedTrunkName ?? MANAGED_TRUNK_NAME;
  const queue = createSerialQueue();
  const inflight = new Set<Promise<unknown>>();

  const allLiveRoutes = async (): Promise<DidRouteRecord[]> => {
    const all: DidRouteRecord[] = [];
    for (;;) {
      const page = await routes.listAllLive({
        limit: 500,
        ...(all.length && { afterDid: all.at(-1)!.did }),
      });
      all.push(...page);
      if (page.length < 500) return all;
    }
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
        missing,
        warnings: [],
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
        return { id: null, managed: true, action: 'none', numbers: [], missing: [], warnings };
      trunk = await sip.createInboundTrunk({ name: trunkName, numbers: dids });
      logger?.info('telephony: created the inbound trunk', {
        trunkId: trunk.id,
        numbers: dids.length,
      });
      return {
        id: trunk.id,
        managed: true,
        action: 'created',
        numbers: trunk.numbers,
        missing: [],
        warnings,
      };
    }
    if (dids.length > 0 && !sameNumbers(trunk.numbers, dids)) {
      trunk = await sip.setInboundTrunkNumbers(trunk.id, dids);
      return {
        id: trunk.id,
        managed: true,
        action: 'updated',
        numbers: trunk.numbers,
        missing: [],
        warnings,
      };
    }
    return {
      id: trunk.id,
      managed: true,
      action: 'unchanged',
      numbers: trunk.numbers,
      missing: [],
      warnings,
    };
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
    const { config, version } = await deps.resolveConfig(
      route.workspaceId,
      route.agentId,
      route.agentVersion,
    );
    const desired = buildDispatchRule(route, {
      trunkId: trunk.id,
      agentName,
      config,
      agentVersion: version,
    });
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

  const inBackground = (task: () => Promise<unknown>) => {
    const running: Promise<unknown> = queue
      .run(task)
      .catch((error: unknown) => logger?.error('telephony: background sync failed', { error }))
      .finally(() => inflight.delete(running));
    inflight.add(running);
  };

  return {
    async push(route) {
      return (await queue.run(() => pushNow(route.id))) ?? route;
    },

    async repushAgentRoutes(workspaceId, agentId, options = {}) {
      const affected = (await routes.listByAgent(workspaceId, agentId)).filter(
        (route) => !options.followingPublished || route.agentVersion === null,
      );
      for (const route of affected) {
        await routes.setSync(route.id, route.revision, pendingFrom(route.sync));
        inBackground(() => pushNow(route.id));
      }
    },

    /**
     * Repairs every workspace's routes (LiveKit's trunk and rules are one set, and a repair only
     * makes LiveKit match what the routes say), but the report tells `workspaceId` only about its
     * own: its routes' rules, the trunk without other workspaces' numbers. Other workspaces'
     * routes, rules and numbers never appear; rules no route owns (made outside Switchboard) and
     * trunk numbers nobody routes belong to no workspace and are reported, as they may block the
     * caller's numbers.
     */
    sync(workspaceId) {
      return queue.run(async () => {
        const trunk = await ensureTrunk();
        const rules = await sip.listDispatchRules();
        const live = await allLiveRoutes();
        const ours = (route: DidRouteRecord) => route.workspaceId === workspaceId;
        // Numbers other workspaces route are theirs; numbers nobody routes belong to no one.
        const theirNumbers = live.filter((route) => !ours(route)).map((route) => route.did);
        const isOurNumber = (number: string) =>
          !theirNumbers.some((did) => sameNumber(number, did));
        const report: TelephonySyncReport = {
          trunk: {
            id: trunk.id,
            managed: trunk.managed,
            action: trunk.action,
            numbers: trunk.numbers.filter(isOurNumber),
          },
          created: [],
          updated: [],
          deleted: [],
          unknown: [],
          failed: [],
          unchanged: 0,
          warnings: [
            ...trunk.warnings,
            ...missingNumbersWarning(trunk.id, trunk.missing.filter(isOurNumber)),
          ],
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
        if (report.unknown.some((rule) => routeIdOfRule(rule) !== null)) {
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
          if (!ours(route)) continue;
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
          if (!ours(route)) continue;
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
