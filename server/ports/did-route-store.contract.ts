import { beforeEach, describe, expect, test } from 'vitest';
import type {
  DidRouteRecord,
  DidRouteStore,
  NewDidRouteRecord,
  RouteSyncRecord,
} from './did-route-store.port.ts';

const AGENT_A = '64b000000000000000000a0a';
const AGENT_B = '64b000000000000000000b0b';
const PENDING: RouteSyncRecord = { state: 'pending', ruleId: null, error: null, syncedAt: null };

/**
 * The behaviour every DidRouteStore adapter must have. Each adapter's test file runs it:
 * `describeDidRouteStoreContract('memory', async () => createMemoryDidRouteStore())`.
 * `makeStore` is called before every test and must return an empty store.
 */
/** The workspace most tests work in, and another one that must never see into it. */
const WS = 'aaaaaaaaaaaaaaaaaaaaaaaa';
const OTHER_WS = 'bbbbbbbbbbbbbbbbbbbbbbbb';

export function describeDidRouteStoreContract(
  name: string,
  makeStore: () => Promise<DidRouteStore>,
): void {
  describe(`DidRouteStore contract: ${name}`, () => {
    let store: DidRouteStore;
    beforeEach(async () => {
      store = await makeStore();
    });

    const buildRoute = (overrides: Partial<NewDidRouteRecord> = {}): NewDidRouteRecord => ({
      did: '+14155550100',
      agentId: AGENT_A,
      agentVersion: null,
      label: 'Front desk line',
      sync: PENDING,
      ...overrides,
    });

    const created = async (overrides: Partial<NewDidRouteRecord> = {}): Promise<DidRouteRecord> => {
      const outcome = await store.create(WS, buildRoute(overrides));
      if (outcome.status !== 'created') throw new Error(`expected created, got ${outcome.status}`);
      return outcome.route;
    };

    test('create starts at revision 1 with a 24-hex id, equal timestamps and the given sync state', async () => {
      const before = Date.now();
      const route = await created();
      expect(route).toMatchObject({
        did: '+14155550100',
        agentId: AGENT_A,
        label: 'Front desk line',
        sync: PENDING,
        revision: 1,
        deletedAt: null,
      });
      expect(route.id).toMatch(/^[0-9a-f]{24}$/);
      expect(route.createdAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
      expect(route.updatedAt.getTime()).toBe(route.createdAt.getTime());
      expect(await store.get(WS, route.id)).toEqual(route);
    });

    test('a route without a label and a full sync record round-trip exactly', async () => {
      const syncedAt = new Date(Math.floor(Date.now() / 1000) * 1000);
      const sync: RouteSyncRecord = {
        state: 'error',
        ruleId: 'SDR_abc',
        error: 'LiveKit is down',
        syncedAt,
      };
      const route = await created({ label: null, sync });
      expect(await store.get(WS, route.id)).toMatchObject({ label: null, sync });
    });

    test('get of an unknown id is null', async () => {
      expect(await store.get(WS, '0123456789abcdef01234567')).toBeNull();
    });

    test('a second live route for the same DID is did_taken and names the first', async () => {
      const first = await created();
      const outcome = await store.create(WS, buildRoute({ agentId: AGENT_B }));
      expect(outcome).toEqual({ status: 'did_taken', existing: first });
      expect(await store.list(WS, { limit: 10 })).toEqual([first]);
    });

    test('20 parallel creates of one DID: exactly one wins, the rest are did_taken', async () => {
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          store.create(WS, buildRoute({ label: `writer ${i}` })),
        ),
      );
      const winners = outcomes.flatMap((o) => (o.status === 'created' ? [o.route] : []));
      expect(winners).toHaveLength(1);
      expect(outcomes.filter((o) => o.status === 'did_taken')).toHaveLength(19);
      expect(await store.list(WS, { limit: 50 })).toEqual(winners);
    });

    test('soft delete keeps the record (getMany), hides it everywhere else and frees the DID', async () => {
      const route = await created();
      const at = new Date(Math.floor(Date.now() / 1000) * 1000);
      const deleted = await store.softDelete(WS, route.id, at, PENDING);
      expect(deleted).toMatchObject({ id: route.id, did: route.did, deletedAt: at, revision: 2 });
      expect(await store.get(WS, route.id)).toBeNull();
      expect(await store.findByDid(WS, route.did)).toBeNull();
      expect(await store.list(WS, { limit: 10 })).toEqual([]);
      expect(await store.listByAgent(WS, AGENT_A)).toEqual([]);
      expect(await store.getMany([route.id])).toEqual([deleted]);
      expect(await store.softDelete(WS, route.id, new Date(), PENDING)).toBeNull();

      const again = await created({ agentId: AGENT_B });
      expect(again.id).not.toBe(route.id);
      expect(await store.findByDid(WS, route.did)).toEqual(again);
      const both = await store.getMany([route.id, again.id, '0123456789abcdef01234567']);
      expect(both.map((r) => r.id).sort()).toEqual([route.id, again.id].sort());
    });

    test('the same DID can be deleted and re-created many times', async () => {
      for (let i = 0; i < 3; i++) {
        const route = await created();
        expect(await store.softDelete(WS, route.id, new Date(), PENDING)).not.toBeNull();
      }
      await created();
      expect(await store.list(WS, { limit: 10 })).toHaveLength(1);
    });

    test('update applies the patch, bumps the revision and keeps createdAt', async () => {
      const route = await created();
      const outcome = await store.update(WS, route.id, {
        did: '+442079460958',
        agentId: AGENT_B,
        label: null,
        sync: { ...PENDING, ruleId: 'SDR_1' },
      });
      expect(outcome.status).toBe('updated');
      if (outcome.status !== 'updated') return;
      expect(outcome.route).toMatchObject({
        id: route.id,
        did: '+442079460958',
        agentId: AGENT_B,
        label: null,
        sync: { state: 'pending', ruleId: 'SDR_1' },
        revision: 2,
      });
      expect(outcome.route.createdAt).toEqual(route.createdAt);
      expect(outcome.route.updatedAt.getTime()).toBeGreaterThanOrEqual(route.updatedAt.getTime());
      expect(await store.get(WS, route.id)).toEqual(outcome.route);
      expect(await store.findByDid(WS, '+14155550100')).toBeNull();
      expect(await store.findByDid(WS, '+442079460958')).toEqual(outcome.route);
    });

    test('a route pins an agent version, and a patch changes or clears the pin', async () => {
      const route = await created({ agentVersion: 3 });
      expect(route.agentVersion).toBe(3);
      expect(await store.get(WS, route.id)).toMatchObject({ agentVersion: 3 });
      const cleared = await store.update(WS, route.id, { agentVersion: null });
      expect(cleared).toMatchObject({
        status: 'updated',
        route: { agentVersion: null, revision: 2 },
      });
      const pinned = await store.update(WS, route.id, { agentVersion: 7 });
      expect(pinned).toMatchObject({ status: 'updated', route: { agentVersion: 7, revision: 3 } });
      expect(await store.listByAgent(WS, AGENT_A)).toMatchObject([{ agentVersion: 7 }]);
      const relabelled = await store.update(WS, route.id, { label: 'x' });
      expect(relabelled).toMatchObject({ status: 'updated', route: { agentVersion: 7 } });
    });

    test('a patch without a field keeps it', async () => {
      const route = await created();
      const outcome = await store.update(WS, route.id, { label: 'Renamed' });
      expect(outcome).toMatchObject({
        status: 'updated',
        route: { did: route.did, agentId: route.agentId, label: 'Renamed', sync: route.sync },
      });
    });

    test('update to a DID another live route has is did_taken and changes nothing', async () => {
      const first = await created();
      const second = await created({ did: '+14155550101' });
      const outcome = await store.update(WS, second.id, { did: first.did, label: 'x' });
      expect(outcome).toEqual({ status: 'did_taken', existing: first });
      expect(await store.get(WS, second.id)).toEqual(second);
    });

    test('update to the DID of a deleted route is allowed', async () => {
      const first = await created();
      await store.softDelete(WS, first.id, new Date(), PENDING);
      const second = await created({ did: '+14155550101' });
      expect(await store.update(WS, second.id, { did: first.did })).toMatchObject({
        status: 'updated',
        route: { did: first.did },
      });
    });

    test('two routes racing to take one new DID: exactly one gets it', async () => {
      const a = await created({ did: '+14155550101' });
      const b = await created({ did: '+14155550102' });
      const outcomes = await Promise.all([
        store.update(WS, a.id, { did: '+14155550199' }),
        store.update(WS, b.id, { did: '+14155550199' }),
      ]);
      expect(outcomes.filter((o) => o.status === 'updated')).toHaveLength(1);
      expect(outcomes.filter((o) => o.status === 'did_taken')).toHaveLength(1);
      expect(
        (await store.list(WS, { limit: 10 })).filter((r) => r.did === '+14155550199'),
      ).toHaveLength(1);
    });

    test('update of a missing or deleted route is not_found', async () => {
      expect(await store.update(WS, '0123456789abcdef01234567', { label: 'x' })).toEqual({
        status: 'not_found',
      });
      const route = await created();
      await store.softDelete(WS, route.id, new Date(), PENDING);
      expect(await store.update(WS, route.id, { label: 'x' })).toEqual({ status: 'not_found' });
    });

    test('list is ordered by DID, honours limit, continues after a DID, filters by agent', async () => {
      const dids = ['+4930123456', '+14155550100', '+442079460958', '+33142685300', '+12125550000'];
      for (const [i, did] of dids.entries()) {
        await created({ did, agentId: i % 2 === 0 ? AGENT_A : AGENT_B });
      }
      const deleted = await created({ did: '+10000000000' });
      await store.softDelete(WS, deleted.id, new Date(), PENDING);
      const sorted = [...dids].sort();
      expect((await store.list(WS, { limit: 10 })).map((r) => r.did)).toEqual(sorted);
      expect((await store.list(WS, { limit: 2 })).map((r) => r.did)).toEqual(sorted.slice(0, 2));
      expect((await store.list(WS, { limit: 10, afterDid: sorted[1] })).map((r) => r.did)).toEqual(
        sorted.slice(2),
      );
      const ofA = (await store.list(WS, { limit: 10, agentId: AGENT_A })).map((r) => r.did);
      expect(ofA).toEqual(['+12125550000', '+442079460958', '+4930123456']);
      expect((await store.listByAgent(WS, AGENT_B)).map((r) => r.did)).toEqual([
        '+14155550100',
        '+33142685300',
      ]);
      expect(
        (await store.list(WS, { limit: 10, agentId: AGENT_A, afterDid: '+442079460958' })).map(
          (r) => r.did,
        ),
      ).toEqual(['+4930123456']);
    });

    test('setSync records an outcome only at the current revision and bumps nothing', async () => {
      const route = await created();
      const syncedAt = new Date(Math.floor(Date.now() / 1000) * 1000);
      const synced: RouteSyncRecord = { state: 'synced', ruleId: 'SDR_x', error: null, syncedAt };
      const applied = await store.setSync(route.id, 1, synced);
      expect(applied).toMatchObject({ sync: synced, revision: 1 });
      expect(applied?.updatedAt).toEqual(route.updatedAt);

      await store.update(WS, route.id, { agentId: AGENT_B });
      expect(await store.setSync(route.id, 1, { ...synced, ruleId: 'SDR_stale' })).toBeNull();
      expect((await store.get(WS, route.id))?.sync).toEqual(synced);
      expect(await store.setSync('0123456789abcdef01234567', 1, synced)).toBeNull();
    });

    test('setSync works on a deleted route (its rule is removed after the delete)', async () => {
      const route = await created();
      const deleted = await store.softDelete(WS, route.id, new Date(), PENDING);
      const synced: RouteSyncRecord = {
        state: 'synced',
        ruleId: null,
        error: null,
        syncedAt: new Date(),
      };
      expect(await store.setSync(route.id, deleted!.revision, synced)).toMatchObject({
        sync: synced,
        deletedAt: deleted!.deletedAt,
      });
    });

    test('returned records are copies: changing one changes nothing stored', async () => {
      const route = await created();
      route.sync.state = 'synced';
      route.label = 'mutated';
      expect(await store.get(WS, route.id)).toMatchObject({
        label: 'Front desk line',
        sync: PENDING,
      });
    });

    test('ping resolves while the database answers', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });

    describe('two workspaces: a route of another workspace is exactly a missing one', () => {
      const theirs = async (overrides: Partial<NewDidRouteRecord> = {}) => {
        const outcome = await store.create(
          OTHER_WS,
          buildRoute({ did: '+442079460958', ...overrides }),
        );
        if (outcome.status !== 'created')
          throw new Error(`expected created, got ${outcome.status}`);
        return outcome.route;
      };

      test('create stores the workspace; get and findByDid from another workspace are null', async () => {
        const route = await created();
        expect(route.workspaceId).toBe(WS);
        expect(await store.get(OTHER_WS, route.id)).toBeNull();
        expect(await store.findByDid(OTHER_WS, route.did)).toBeNull();
        expect(await store.findByDid(WS, route.did)).toEqual(route);
      });

      test('findLiveByDid finds the live route of a number whichever workspace has it; a deleted one is not', async () => {
        const route = await theirs();
        expect(await store.findLiveByDid(route.did)).toEqual(route);
        expect(await store.findLiveByDid('+15550009999')).toBeNull();
        await store.softDelete(OTHER_WS, route.id, new Date(), route.sync);
        expect(await store.findLiveByDid(route.did)).toBeNull();
      });

      test('list and listByAgent show only the workspace’s own routes', async () => {
        const ours = await created();
        const other = await theirs();
        expect((await store.list(WS, { limit: 10 })).map((r) => r.id)).toEqual([ours.id]);
        expect((await store.list(WS, { limit: 10, agentId: AGENT_A })).map((r) => r.id)).toEqual([
          ours.id,
        ]);
        expect((await store.listByAgent(WS, AGENT_A)).map((r) => r.id)).toEqual([ours.id]);
        expect((await store.list(OTHER_WS, { limit: 10 })).map((r) => r.id)).toEqual([other.id]);
      });

      test('a number is routed once across ALL workspaces: did_taken names the other workspace’s route', async () => {
        const other = await theirs({ did: '+14155550100' });
        const outcome = await store.create(WS, buildRoute({ did: '+14155550100' }));
        expect(outcome).toEqual({ status: 'did_taken', existing: other });
        const ours = await created({ did: '+33142685300' });
        expect(await store.update(WS, ours.id, { did: '+14155550100' })).toEqual({
          status: 'did_taken',
          existing: other,
        });
      });

      test('update and softDelete from another workspace are not_found / null and change nothing', async () => {
        const route = await created();
        expect(await store.update(OTHER_WS, route.id, { label: 'Hijacked' })).toEqual({
          status: 'not_found',
        });
        expect(await store.softDelete(OTHER_WS, route.id, new Date(), PENDING)).toBeNull();
        expect(await store.get(WS, route.id)).toEqual(route);
        expect(await store.findByDid(WS, route.did)).toEqual(route);
      });

      test('the SIP reconcile’s methods span workspaces: listAllLive, getMany, setSync', async () => {
        const ours = await created();
        const other = await theirs();
        const gone = await created({ did: '+4930123456' });
        await store.softDelete(WS, gone.id, new Date(), PENDING);
        expect((await store.listAllLive({ limit: 10 })).map((r) => r.id)).toEqual([
          ours.id,
          other.id,
        ]);
        expect(
          (await store.listAllLive({ limit: 10, afterDid: ours.did })).map((r) => r.id),
        ).toEqual([other.id]);
        expect((await store.getMany([ours.id, other.id])).map((r) => r.id).sort()).toEqual(
          [ours.id, other.id].sort(),
        );
        const synced: RouteSyncRecord = {
          state: 'synced',
          ruleId: 'SDR_y',
          error: null,
          syncedAt: null,
        };
        expect(await store.setSync(other.id, other.revision, synced)).toMatchObject({
          workspaceId: OTHER_WS,
          sync: synced,
        });
      });
    });
  });
}
