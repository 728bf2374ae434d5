import { describe, expect, test } from 'vitest';
import { jsonByteLength } from '../../shared/json-guard.ts';
import {
  buildAgentInput,
  buildServices,
  TEST_AGENT_NAME,
  TEST_WORKSPACE_ID,
} from '../testing/builders.ts';
import { livekitDown, metadataOf, rulesOf, setupTelephony } from '../testing/telephony.ts';
import { createMemoryAgentStore } from '../adapters/memory/agent-store.memory.ts';
import { createMemoryDidRouteStore } from '../adapters/memory/did-route-store.memory.ts';
import { createMemorySip } from '../adapters/memory/sip-dispatch.memory.ts';
import { NotFoundError, ServiceUnavailableError } from '../errors.ts';
import type { AgentStore } from '../ports/agent-store.port.ts';
import { resolveAgentConfig } from './config-resolver.ts';
import { MANAGED_TRUNK_NAME } from './telephony-sync.ts';
import { createTelephonyService } from './telephony.service.ts';

// A route's life: saved, then pushed to LiveKit (trunk and rule). Repairs by `sync`, the trunk
// setting and re-pushes after agent changes are in telephony-sync.test.ts.

const DID = '+14155550100';
const OTHER_DID = '+442079460958';

describe('a new route', () => {
  test('is saved, then gets exactly one rule: its number on the trunk, a room per caller, the agent with { agentId, did, agentVersion, config }', async () => {
    const { sip, telephony, agent } = setupTelephony();
    const { id: agentId, config } = await agent();
    const route = await telephony.createRoute(TEST_WORKSPACE_ID, {
      did: DID,
      agentId,
      label: 'Main line',
    });

    expect(route).toMatchObject({
      did: DID,
      agentId,
      agent: { id: agentId, name: 'Front desk' },
      label: 'Main line',
      sync: { state: 'synced' },
    });
    const [trunk, ...otherTrunks] = await sip.listInboundTrunks();
    expect(otherTrunks).toEqual([]);
    expect(trunk).toMatchObject({ name: MANAGED_TRUNK_NAME, numbers: [DID] });

    const rules = await rulesOf(sip);
    expect(rules).toEqual([
      {
        id: route.sync.ruleId,
        name: `switchboard:${route.id}`,
        trunkIds: [trunk!.id],
        numbers: [DID],
        inboundNumbers: [],
        kind: 'individual',
        roomPrefix: 'call',
        pin: '',
        agents: [{ agentName: TEST_AGENT_NAME, metadata: expect.any(String) as unknown }],
      },
    ]);
    expect(metadataOf(rules[0])).toEqual({
      agentId,
      did: DID,
      agentVersion: 1,
      config: resolveAgentConfig({ stored: config }),
    });
    expect(route.agentVersion).toBeNull();
    expect(route.sync.syncedAt).toEqual(expect.any(String));
  });

  test('a second number joins the trunk and gets its own rule', async () => {
    const { sip, telephony, agent } = setupTelephony();
    const { id: agentId } = await agent();
    await telephony.createRoute(TEST_WORKSPACE_ID, { did: DID, agentId });
    await telephony.createRoute(TEST_WORKSPACE_ID, { did: OTHER_DID, agentId });
    expect((await sip.listInboundTrunks())[0]?.numbers.sort()).toEqual([DID, OTHER_DID].sort());
    expect((await rulesOf(sip)).map((rule) => rule.numbers[0]).sort()).toEqual(
      [DID, OTHER_DID].sort(),
    );
  });

  test('with LiveKit down it is still saved, marked error with the reason; sync then creates the rule', async () => {
    const { sip, telephony, agent } = setupTelephony();
    const { id: agentId } = await agent();
    sip.failWith(livekitDown());
    const route = await telephony.createRoute(TEST_WORKSPACE_ID, { did: DID, agentId });
    expect(route.sync).toEqual({
      state: 'error',
      error: 'LiveKit is not answering (cannot connect); try again shortly',
    });
    expect((await telephony.listRoutes(TEST_WORKSPACE_ID, { limit: 20 })).items).toEqual([route]);

    sip.failWith(undefined);
    const report = await telephony.sync(TEST_WORKSPACE_ID);
    expect(report).toMatchObject({
      trunk: { managed: true, action: 'created', numbers: [DID] },
      created: [{ routeId: route.id, did: DID, ruleId: expect.any(String) as unknown }],
      updated: [],
      deleted: [],
      unknown: [],
      failed: [],
      unchanged: 0,
    });
    expect((await telephony.getRoute(TEST_WORKSPACE_ID, route.id)).sync).toMatchObject({
      state: 'synced',
      ruleId: report.created[0]?.ruleId,
    });
    expect(await rulesOf(sip)).toHaveLength(1);
  });

  test('without LiveKit configured it is saved and marked "LiveKit is not configured"', async () => {
    const services = buildServices();
    const { id: agentId } = await services.agents.create(TEST_WORKSPACE_ID, buildAgentInput());
    const route = await services.telephony.createRoute(TEST_WORKSPACE_ID, { did: DID, agentId });
    expect(route.sync).toEqual({ state: 'error', error: 'LiveKit is not configured' });
    await expect(services.telephony.sync(TEST_WORKSPACE_ID)).rejects.toThrow(
      new ServiceUnavailableError('LiveKit is not configured', {
        service: 'livekit-sip',
        reason: 'not-configured',
      }),
    );
  });

  test('a config too large for job metadata: saved, marked error saying so', async () => {
    const { sip, telephony, agents } = setupTelephony();
    const base = { instructions: 'x'.repeat(60_000), pad: '' };
    const pad = 'y'.repeat(64 * 1024 - 16 - jsonByteLength(base));
    const { id: agentId } = await agents.create(TEST_WORKSPACE_ID, {
      name: 'Big',
      config: { ...base, pad },
    });
    const route = await telephony.createRoute(TEST_WORKSPACE_ID, { did: DID, agentId });
    expect(route.sync).toMatchObject({ state: 'error' });
    expect(route.sync.error).toMatch(
      /^job metadata \(agentId \+ did \+ resolved config\) is [\d.]+ KiB; the limit is 64 KiB/,
    );
    expect(await rulesOf(sip)).toEqual([]);
  });

  test('an agent deleted between the check and the insert: the route is withdrawn and NOT_FOUND', async () => {
    const routes = createMemoryDidRouteStore();
    // Agents (and versions) over another route store: their delete does not see this route.
    const services = buildServices();
    const { agents } = services;
    const { id: agentId } = await agents.create(TEST_WORKSPACE_ID, buildAgentInput());
    let checks = 0;
    const telephony = createTelephonyService({
      routes,
      sip: createMemorySip(),
      agentName: 'a',
      versions: services.agentVersions,
      agents: {
        namesByIds: (workspaceId, ids) => agents.namesByIds(workspaceId, ids),
        getRecord: async (workspaceId, id) => {
          if (++checks > 1) await agents.delete(workspaceId, id);
          return agents.getRecord(workspaceId, id);
        },
      },
    });
    await expect(
      telephony.createRoute(TEST_WORKSPACE_ID, { did: DID, agentId }),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(await routes.findByDid(TEST_WORKSPACE_ID, DID)).toBeNull();
  });
});

describe('changes follow', () => {
  test('re-pointing a route replaces its rule in place (same id) with the new agent and config', async () => {
    const { sip, telephony, agents, agent } = setupTelephony();
    const first = await agent();
    const second = await agents.create(
      TEST_WORKSPACE_ID,
      buildAgentInput({ name: 'Night shift', config: { greeting: 'Evening!' } }),
    );
    const route = await telephony.createRoute(TEST_WORKSPACE_ID, { did: DID, agentId: first.id });
    const updated = await telephony.updateRoute(TEST_WORKSPACE_ID, {
      routeId: route.id,
      agentId: second.id,
    });
    expect(updated.sync).toMatchObject({ state: 'synced', ruleId: route.sync.ruleId });
    const rules = await rulesOf(sip);
    expect(rules).toHaveLength(1);
    expect(metadataOf(rules[0])).toMatchObject({
      agentId: second.id,
      config: { greeting: 'Evening!' },
    });
  });

  test('a new number moves the rule and the trunk to it', async () => {
    const { sip, telephony, agent } = setupTelephony();
    const route = await telephony.createRoute(TEST_WORKSPACE_ID, {
      did: DID,
      agentId: (await agent()).id,
    });
    await telephony.updateRoute(TEST_WORKSPACE_ID, { routeId: route.id, did: OTHER_DID });
    expect((await rulesOf(sip)).map((rule) => [rule.id, rule.numbers])).toEqual([
      [route.sync.ruleId, [OTHER_DID]],
    ]);
    expect((await sip.listInboundTrunks())[0]?.numbers).toEqual([OTHER_DID]);
    expect(metadataOf((await rulesOf(sip))[0]).did).toBe(OTHER_DID);
  });

  test('a label-only change does not call LiveKit', async () => {
    const { sip, telephony, agent } = setupTelephony();
    const route = await telephony.createRoute(TEST_WORKSPACE_ID, {
      did: DID,
      agentId: (await agent()).id,
    });
    const calls = sip.calls;
    const updated = await telephony.updateRoute(TEST_WORKSPACE_ID, {
      routeId: route.id,
      label: 'Sales',
    });
    expect(updated).toMatchObject({ label: 'Sales', sync: route.sync });
    expect(sip.calls).toBe(calls);
    expect(
      await telephony.updateRoute(TEST_WORKSPACE_ID, { routeId: route.id, label: null }),
    ).not.toHaveProperty('label');
  });

  test('delete removes the rule; the trunk keeps the remaining numbers', async () => {
    const { sip, telephony, agent } = setupTelephony();
    const { id: agentId } = await agent();
    const route = await telephony.createRoute(TEST_WORKSPACE_ID, { did: DID, agentId });
    await telephony.createRoute(TEST_WORKSPACE_ID, { did: OTHER_DID, agentId });
    const deleted = await telephony.deleteRoute(TEST_WORKSPACE_ID, route.id);
    expect(deleted).toEqual({
      id: route.id,
      did: DID,
      deletedAt: expect.any(String) as unknown,
      sync: { state: 'synced', syncedAt: expect.any(String) as unknown },
    });
    expect((await rulesOf(sip)).map((rule) => rule.numbers[0])).toEqual([OTHER_DID]);
    expect((await sip.listInboundTrunks())[0]?.numbers).toEqual([OTHER_DID]);
  });

  test('deleting the last route removes its rule; the trunk keeps its number (LiveKit needs one)', async () => {
    const { sip, telephony, agent } = setupTelephony();
    const route = await telephony.createRoute(TEST_WORKSPACE_ID, {
      did: DID,
      agentId: (await agent()).id,
    });
    await telephony.deleteRoute(TEST_WORKSPACE_ID, route.id);
    expect(await rulesOf(sip)).toEqual([]);
    expect((await sip.listInboundTrunks())[0]?.numbers).toEqual([DID]);
    expect((await telephony.sync(TEST_WORKSPACE_ID)).trunk).toMatchObject({ action: 'unchanged' });
  });

  test('a delete while LiveKit is down leaves the rule; sync deletes it and reports the DID', async () => {
    const { sip, telephony, agent } = setupTelephony();
    const route = await telephony.createRoute(TEST_WORKSPACE_ID, {
      did: DID,
      agentId: (await agent()).id,
    });
    sip.failWith(livekitDown());
    expect((await telephony.deleteRoute(TEST_WORKSPACE_ID, route.id)).sync).toMatchObject({
      state: 'error',
    });
    await expect(telephony.getRoute(TEST_WORKSPACE_ID, route.id)).rejects.toBeInstanceOf(
      NotFoundError,
    );
    sip.failWith(undefined);
    expect(await rulesOf(sip)).toHaveLength(1);
    const report = await telephony.sync(TEST_WORKSPACE_ID);
    expect(report.deleted).toEqual([
      { ruleId: route.sync.ruleId, routeId: route.id, did: DID, reason: 'its route was deleted' },
    ]);
    expect(await rulesOf(sip)).toEqual([]);
  });

  test('a number re-routed while the old rule lingers: the old rule goes first, the new route syncs', async () => {
    const { sip, telephony, agent } = setupTelephony();
    const { id: agentId } = await agent();
    const old = await telephony.createRoute(TEST_WORKSPACE_ID, { did: DID, agentId });
    sip.failWith(livekitDown());
    await telephony.deleteRoute(TEST_WORKSPACE_ID, old.id);
    sip.failWith(undefined);
    const fresh = await telephony.createRoute(TEST_WORKSPACE_ID, { did: DID, agentId });
    expect(fresh.sync.state).toBe('synced');
    expect((await rulesOf(sip)).map((rule) => rule.name)).toEqual([`switchboard:${fresh.id}`]);
  });
});

describe('the agent a route names', () => {
  /** Services whose agent store counts namesByIds calls. */
  function setupCounting() {
    const store = createMemoryAgentStore();
    const lookups: string[][] = [];
    const counting: AgentStore = {
      ...store,
      namesByIds: (workspaceId, ids) => {
        lookups.push([...ids]);
        return store.namesByIds(workspaceId, ids);
      },
    };
    const services = buildServices({ store: counting });
    return { store, lookups, services, telephony: services.telephony };
  }

  test('a page of routes reads its agents’ names in one query, each agent once', async () => {
    const { lookups, services, telephony } = setupCounting();
    const first = await services.agents.create(TEST_WORKSPACE_ID, buildAgentInput({ name: 'Day' }));
    const second = await services.agents.create(
      TEST_WORKSPACE_ID,
      buildAgentInput({ name: 'Night' }),
    );
    for (const [did, agentId] of [
      [DID, first.id],
      [OTHER_DID, second.id],
      ['+33142685300', first.id],
    ] as const) {
      await telephony.createRoute(TEST_WORKSPACE_ID, { did, agentId });
    }
    lookups.splice(0);
    const page = await telephony.listRoutes(TEST_WORKSPACE_ID, { limit: 20 });
    expect(page.items.map((route) => [route.did, route.agent])).toEqual([
      ['+14155550100', { id: first.id, name: 'Day' }],
      ['+33142685300', { id: first.id, name: 'Day' }],
      ['+442079460958', { id: second.id, name: 'Night' }],
    ]);
    expect(lookups).toEqual([[first.id, second.id]]);
  });

  test('an empty page reads no names', async () => {
    const { lookups, telephony } = setupCounting();
    expect(await telephony.listRoutes(TEST_WORKSPACE_ID, { limit: 20 })).toEqual({
      items: [],
      nextCursor: null,
    });
    expect(lookups).toEqual([]);
  });

  test('an agent deleted behind the service’s back keeps its last name; one not stored at all has none', async () => {
    const { store, services, telephony } = setupCounting();
    const agent = await services.agents.create(
      TEST_WORKSPACE_ID,
      buildAgentInput({ name: 'Soon gone' }),
    );
    const route = await telephony.createRoute(TEST_WORKSPACE_ID, { did: DID, agentId: agent.id });
    await store.softDelete(TEST_WORKSPACE_ID, agent.id, new Date());
    expect((await telephony.getRoute(TEST_WORKSPACE_ID, route.id)).agent).toEqual({
      id: agent.id,
      name: 'Soon gone',
    });

    const stranger = '0123456789abcdef01234567';
    const routes = createMemoryDidRouteStore();
    const orphan = await routes.create(TEST_WORKSPACE_ID, {
      did: OTHER_DID,
      agentId: stranger,
      agentVersion: null,
      label: null,
      sync: { state: 'pending', ruleId: null, error: null, syncedAt: null },
    });
    if (orphan.status !== 'created') throw new Error('expected the route to be created');
    const other = buildServices({ routes });
    expect((await other.telephony.getRoute(TEST_WORKSPACE_ID, orphan.route.id)).agent).toEqual({
      id: stranger,
      name: null,
    });
  });
});

describe('a number pinned to a version', () => {
  const setupTwoVersions = async () => {
    const setup = setupTelephony();
    const { id: agentId } = await setup.agent();
    await setup.agents.update(TEST_WORKSPACE_ID, { agentId, config: { greeting: 'Second' } });
    await setup.services.agentVersions.publish(TEST_WORKSPACE_ID, { agentId });
    return { ...setup, agentId };
  };

  test("runs that version: its rule carries the version's config, and resolve says so", async () => {
    const { sip, telephony, agentId } = await setupTwoVersions();
    const route = await telephony.createRoute(TEST_WORKSPACE_ID, {
      did: DID,
      agentId,
      agentVersion: 1,
    });
    expect(route).toMatchObject({ agentVersion: 1, sync: { state: 'synced' } });
    expect(metadataOf((await rulesOf(sip))[0])).toMatchObject({
      agentVersion: 1,
      config: { greeting: 'Hello!' },
    });
    expect(await telephony.resolve(TEST_WORKSPACE_ID, { did: DID })).toMatchObject({
      agentVersion: 1,
      config: { greeting: 'Hello!' },
    });
  });

  test('re-pinning and unpinning re-sync the rule; another agent without a version follows its published one', async () => {
    const { sip, telephony, agentId, agent } = await setupTwoVersions();
    const route = await telephony.createRoute(TEST_WORKSPACE_ID, { did: DID, agentId });
    expect(metadataOf((await rulesOf(sip))[0])).toMatchObject({ agentVersion: 2 });

    const pinned = await telephony.updateRoute(TEST_WORKSPACE_ID, {
      routeId: route.id,
      agentVersion: 1,
    });
    expect(pinned).toMatchObject({ agentVersion: 1, sync: { state: 'synced' } });
    expect(metadataOf((await rulesOf(sip))[0])).toMatchObject({ agentVersion: 1 });

    const other = await agent();
    const moved = await telephony.updateRoute(TEST_WORKSPACE_ID, {
      routeId: route.id,
      agentId: other.id,
    });
    expect(moved).toMatchObject({ agentId: other.id, agentVersion: null });
    expect(metadataOf((await rulesOf(sip))[0])).toMatchObject({
      agentId: other.id,
      agentVersion: 1,
    });
  });

  test('a version the agent does not have is NOT_FOUND at agentVersion, and nothing changes', async () => {
    const { sip, telephony, agentId } = await setupTwoVersions();
    const error = await telephony
      .createRoute(TEST_WORKSPACE_ID, { did: DID, agentId, agentVersion: 9 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({
      issues: [{ path: ['agentVersion'] }],
      details: { reason: 'not-found', resource: 'agent-version', id: `${agentId}:v9` },
    });
    expect(await telephony.listRoutes(TEST_WORKSPACE_ID, { limit: 5 })).toMatchObject({
      items: [],
    });

    const route = await telephony.createRoute(TEST_WORKSPACE_ID, { did: DID, agentId });
    const calls = sip.calls;
    await expect(
      telephony.updateRoute(TEST_WORKSPACE_ID, { routeId: route.id, agentVersion: 3 }),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(await telephony.getRoute(TEST_WORKSPACE_ID, route.id)).toEqual(route);
    expect(sip.calls).toBe(calls);
  });
});
