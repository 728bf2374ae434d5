import { describe, expect, test } from 'vitest';
import { jsonByteLength } from '../../shared/json-guard.ts';
import { telephonyJobMetadataSchema } from '../../shared/telephony.schema.ts';
import { buildAgentInput, buildServices, TEST_AGENT_NAME } from '../testing/builders.ts';
import { createMemoryAgentStore } from '../adapters/memory/agent-store.memory.ts';
import { createMemoryDidRouteStore } from '../adapters/memory/did-route-store.memory.ts';
import { NotFoundError, ServiceUnavailableError } from '../errors.ts';
import { createMemorySip, type MemorySip } from '../adapters/memory/sip-dispatch.memory.ts';
import { createMemoryLogger } from '../logger.ts';
import type { DispatchRule } from '../ports/sip-dispatch.port.ts';
import { createAgentService } from './agent.service.ts';
import { resolveAgentConfig } from './config-resolver.ts';
import { createTelephonyService, MANAGED_TRUNK_NAME } from './telephony.service.ts';

const DID = '+14155550100';
const OTHER_DID = '+442079460958';
const DOWN = () =>
  new ServiceUnavailableError('LiveKit is not answering (cannot connect); try again shortly', {
    service: 'livekit-sip',
    reason: 'unavailable',
  });

function setup(options: { sipTrunkId?: string; sip?: MemorySip } = {}) {
  const sip = options.sip ?? createMemorySip();
  const logger = createMemoryLogger();
  const services = buildServices({
    sip,
    logger,
    ...(options.sipTrunkId && { sipTrunkId: options.sipTrunkId }),
  });
  const agent = () => services.agents.create(buildAgentInput());
  return { sip, logger, services, telephony: services.telephony, agents: services.agents, agent };
}

const rulesOf = async (sip: MemorySip) => sip.listDispatchRules();
const metadataOf = (rule: DispatchRule | undefined) =>
  telephonyJobMetadataSchema.parse(JSON.parse(rule?.agents[0]?.metadata ?? 'null'));

describe('a new route', () => {
  test('is saved, then gets exactly one rule: its number on the trunk, a room per caller, the agent with { agentId, did, config }', async () => {
    const { sip, telephony, agent } = setup();
    const { id: agentId, config } = await agent();
    const route = await telephony.createRoute({
      did: '+1 (415) 555-0100',
      agentId,
      label: 'Main line',
    });

    expect(route).toMatchObject({
      did: DID,
      agentId,
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
      config: resolveAgentConfig({ stored: config }),
    });
    expect(route.sync.syncedAt).toEqual(expect.any(String));
  });

  test('a second number joins the trunk and gets its own rule', async () => {
    const { sip, telephony, agent } = setup();
    const { id: agentId } = await agent();
    await telephony.createRoute({ did: DID, agentId });
    await telephony.createRoute({ did: OTHER_DID, agentId });
    expect((await sip.listInboundTrunks())[0]?.numbers.sort()).toEqual([DID, OTHER_DID].sort());
    expect((await rulesOf(sip)).map((rule) => rule.numbers[0]).sort()).toEqual(
      [DID, OTHER_DID].sort(),
    );
  });

  test('with LiveKit down it is still saved, marked error with the reason; sync then creates the rule', async () => {
    const { sip, telephony, agent } = setup();
    const { id: agentId } = await agent();
    sip.failWith(DOWN());
    const route = await telephony.createRoute({ did: DID, agentId });
    expect(route.sync).toEqual({
      state: 'error',
      error: 'LiveKit is not answering (cannot connect); try again shortly',
    });
    expect((await telephony.listRoutes()).items).toEqual([route]);

    sip.failWith(undefined);
    const report = await telephony.sync();
    expect(report).toMatchObject({
      trunk: { managed: true, action: 'created', numbers: [DID] },
      created: [{ routeId: route.id, did: DID, ruleId: expect.any(String) as unknown }],
      updated: [],
      deleted: [],
      unknown: [],
      failed: [],
      unchanged: 0,
    });
    expect((await telephony.getRoute(route.id)).sync).toMatchObject({
      state: 'synced',
      ruleId: report.created[0]?.ruleId,
    });
    expect(await rulesOf(sip)).toHaveLength(1);
  });

  test('without LiveKit configured it is saved and marked "LiveKit is not configured"', async () => {
    const services = buildServices();
    const { id: agentId } = await services.agents.create(buildAgentInput());
    const route = await services.telephony.createRoute({ did: DID, agentId });
    expect(route.sync).toEqual({ state: 'error', error: 'LiveKit is not configured' });
    await expect(services.telephony.sync()).rejects.toThrow(
      new ServiceUnavailableError('LiveKit is not configured', {
        service: 'livekit-sip',
        reason: 'not-configured',
      }),
    );
  });

  test('a config too large for job metadata: saved, marked error saying so', async () => {
    const { sip, telephony, agents } = setup();
    const base = { instructions: 'x'.repeat(60_000), pad: '' };
    const pad = 'y'.repeat(64 * 1024 - 16 - jsonByteLength(base));
    const { id: agentId } = await agents.create({ name: 'Big', config: { ...base, pad } });
    const route = await telephony.createRoute({ did: DID, agentId });
    expect(route.sync).toMatchObject({ state: 'error' });
    expect(route.sync.error).toMatch(
      /^job metadata \(agentId \+ did \+ resolved config\) is [\d.]+ KiB; the limit is 64 KiB/,
    );
    expect(await rulesOf(sip)).toEqual([]);
  });

  test('an agent deleted between the check and the insert: the route is withdrawn and NOT_FOUND', async () => {
    const routes = createMemoryDidRouteStore();
    const agents = createAgentService({ store: createMemoryAgentStore() });
    const { id: agentId } = await agents.create(buildAgentInput());
    let checks = 0;
    const telephony = createTelephonyService({
      routes,
      sip: createMemorySip(),
      agentName: 'a',
      agents: {
        onAgentChanged: (listener) => agents.onAgentChanged(listener),
        getRecord: async (id) => {
          if (++checks > 1) await agents.delete(id);
          return agents.getRecord(id);
        },
      },
    });
    await expect(telephony.createRoute({ did: DID, agentId })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    expect(await routes.findByDid(DID)).toBeNull();
  });
});

describe('changes follow', () => {
  test('re-pointing a route replaces its rule in place (same id) with the new agent and config', async () => {
    const { sip, telephony, agents, agent } = setup();
    const first = await agent();
    const second = await agents.create(
      buildAgentInput({ name: 'Night shift', config: { greeting: 'Evening!' } }),
    );
    const route = await telephony.createRoute({ did: DID, agentId: first.id });
    const updated = await telephony.updateRoute({ routeId: route.id, agentId: second.id });
    expect(updated.sync).toMatchObject({ state: 'synced', ruleId: route.sync.ruleId });
    const rules = await rulesOf(sip);
    expect(rules).toHaveLength(1);
    expect(metadataOf(rules[0])).toMatchObject({
      agentId: second.id,
      config: { greeting: 'Evening!' },
    });
  });

  test('a new number moves the rule and the trunk to it', async () => {
    const { sip, telephony, agent } = setup();
    const route = await telephony.createRoute({ did: DID, agentId: (await agent()).id });
    await telephony.updateRoute({ routeId: route.id, did: OTHER_DID });
    expect((await rulesOf(sip)).map((rule) => [rule.id, rule.numbers])).toEqual([
      [route.sync.ruleId, [OTHER_DID]],
    ]);
    expect((await sip.listInboundTrunks())[0]?.numbers).toEqual([OTHER_DID]);
    expect(metadataOf((await rulesOf(sip))[0]).did).toBe(OTHER_DID);
  });

  test('a label-only change does not call LiveKit', async () => {
    const { sip, telephony, agent } = setup();
    const route = await telephony.createRoute({ did: DID, agentId: (await agent()).id });
    const calls = sip.calls;
    const updated = await telephony.updateRoute({ routeId: route.id, label: 'Sales' });
    expect(updated).toMatchObject({ label: 'Sales', sync: route.sync });
    expect(sip.calls).toBe(calls);
    expect(await telephony.updateRoute({ routeId: route.id, label: null })).not.toHaveProperty(
      'label',
    );
  });

  test('delete removes the rule; the trunk keeps the remaining numbers', async () => {
    const { sip, telephony, agent } = setup();
    const { id: agentId } = await agent();
    const route = await telephony.createRoute({ did: DID, agentId });
    await telephony.createRoute({ did: OTHER_DID, agentId });
    const deleted = await telephony.deleteRoute(route.id);
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
    const { sip, telephony, agent } = setup();
    const route = await telephony.createRoute({ did: DID, agentId: (await agent()).id });
    await telephony.deleteRoute(route.id);
    expect(await rulesOf(sip)).toEqual([]);
    expect((await sip.listInboundTrunks())[0]?.numbers).toEqual([DID]);
    expect((await telephony.sync()).trunk).toMatchObject({ action: 'unchanged' });
  });

  test('a delete while LiveKit is down leaves the rule; sync deletes it and reports the DID', async () => {
    const { sip, telephony, agent } = setup();
    const route = await telephony.createRoute({ did: DID, agentId: (await agent()).id });
    sip.failWith(DOWN());
    expect((await telephony.deleteRoute(route.id)).sync).toMatchObject({ state: 'error' });
    await expect(telephony.getRoute(route.id)).rejects.toBeInstanceOf(NotFoundError);
    sip.failWith(undefined);
    expect(await rulesOf(sip)).toHaveLength(1);
    const report = await telephony.sync();
    expect(report.deleted).toEqual([
      { ruleId: route.sync.ruleId, routeId: route.id, did: DID, reason: 'its route was deleted' },
    ]);
    expect(await rulesOf(sip)).toEqual([]);
  });

  test('a number re-routed while the old rule lingers: the old rule goes first, the new route syncs', async () => {
    const { sip, telephony, agent } = setup();
    const { id: agentId } = await agent();
    const old = await telephony.createRoute({ did: DID, agentId });
    sip.failWith(DOWN());
    await telephony.deleteRoute(old.id);
    sip.failWith(undefined);
    const fresh = await telephony.createRoute({ did: DID, agentId });
    expect(fresh.sync.state).toBe('synced');
    expect((await rulesOf(sip)).map((rule) => rule.name)).toEqual([`switchboard:${fresh.id}`]);
  });
});

describe('agent config changes', () => {
  test("re-sync the agent's routes in the background: the rule carries the new config", async () => {
    const { sip, telephony, agents, agent } = setup();
    const { id: agentId } = await agent();
    await telephony.createRoute({ did: DID, agentId });
    await telephony.createRoute({ did: OTHER_DID, agentId });
    await agents.update({ agentId, config: { greeting: 'Updated greeting' } });
    await telephony.settled();
    const rules = await rulesOf(sip);
    expect(rules.map((rule) => metadataOf(rule).config.greeting)).toEqual([
      'Updated greeting',
      'Updated greeting',
    ]);
    expect((await telephony.listRoutes()).items.map((r) => r.sync.state)).toEqual([
      'synced',
      'synced',
    ]);
  });

  test('a rename does not touch LiveKit', async () => {
    const { sip, telephony, agents, agent } = setup();
    const { id: agentId } = await agent();
    await telephony.createRoute({ did: DID, agentId });
    const calls = sip.calls;
    await agents.update({ agentId, name: 'Renamed' });
    await telephony.settled();
    expect(sip.calls).toBe(calls);
  });

  test('with LiveKit down the routes are marked error and agents.update still succeeds; sync repairs the stale metadata', async () => {
    const { sip, telephony, agents, agent } = setup();
    const { id: agentId } = await agent();
    const route = await telephony.createRoute({ did: DID, agentId });
    sip.failWith(DOWN());
    await expect(agents.update({ agentId, config: { greeting: 'v2' } })).resolves.toMatchObject({
      version: 2,
    });
    await telephony.settled();
    expect((await telephony.getRoute(route.id)).sync).toMatchObject({
      state: 'error',
      ruleId: route.sync.ruleId,
    });
    sip.failWith(undefined);
    const report = await telephony.sync();
    expect(report.updated).toEqual([
      { routeId: route.id, did: DID, ruleId: route.sync.ruleId, changed: ['metadata'] },
    ]);
    expect(metadataOf((await rulesOf(sip))[0]).config.greeting).toBe('v2');
    expect((await telephony.getRoute(route.id)).sync.state).toBe('synced');
  });
});

describe('sync', () => {
  test('a rule deleted behind Switchboard’s back is recreated; a second sync changes nothing', async () => {
    const { sip, telephony, agent } = setup();
    const route = await telephony.createRoute({ did: DID, agentId: (await agent()).id });
    await sip.deleteDispatchRule(route.sync.ruleId!);
    const report = await telephony.sync();
    expect(report.created).toEqual([
      { routeId: route.id, did: DID, ruleId: expect.any(String) as unknown },
    ]);
    expect(await rulesOf(sip)).toHaveLength(1);
    const again = await telephony.sync();
    expect(again).toMatchObject({
      created: [],
      updated: [],
      deleted: [],
      failed: [],
      unchanged: 1,
    });
  });

  test('a rule changed behind its back (number, room, agent) is replaced, naming what changed', async () => {
    const { sip, telephony, agent } = setup();
    const route = await telephony.createRoute({ did: DID, agentId: (await agent()).id });
    const [trunk] = await sip.listInboundTrunks();
    await sip.replaceDispatchRule(route.sync.ruleId!, {
      name: `switchboard:${route.id}`,
      trunkId: trunk!.id,
      number: '+15550009999',
      roomPrefix: 'lobby',
      agents: [{ agentName: 'someone-else', metadata: '{}' }],
    });
    const report = await telephony.sync();
    expect(report.updated).toEqual([
      {
        routeId: route.id,
        did: DID,
        ruleId: route.sync.ruleId,
        changed: ['number', 'room', 'agent'],
      },
    ]);
    expect((await rulesOf(sip))[0]).toMatchObject({ numbers: [DID], roomPrefix: 'call' });
  });

  test('rules Switchboard does not own are reported as unknown and never changed', async () => {
    const { sip, telephony, agent } = setup();
    await telephony.createRoute({ did: DID, agentId: (await agent()).id });
    const foreign = sip.addForeignRule({
      name: 'support queue',
      trunkIds: [],
      numbers: ['+15550001111'],
      inboundNumbers: [],
      kind: 'direct',
      roomPrefix: 'support',
      pin: '',
      agents: [],
    });
    const lookalike = sip.addForeignRule({
      name: 'switchboard:0123456789abcdef01234567',
      trunkIds: ['ST_elsewhere'],
      numbers: ['+15550002222'],
      inboundNumbers: [],
      kind: 'individual',
      roomPrefix: 'call',
      pin: '',
      agents: [],
    });
    const report = await telephony.sync();
    expect(report.unknown).toEqual(
      [foreign, lookalike].map((rule) => ({
        ruleId: rule.id,
        name: rule.name,
        numbers: rule.numbers,
        trunkIds: rule.trunkIds,
      })),
    );
    expect(report.warnings).toEqual([expect.stringMatching(/another Switchboard/)]);
    expect(report).toMatchObject({ created: [], updated: [], deleted: [], unchanged: 1 });
    const rules = await rulesOf(sip);
    expect(rules).toContainEqual(foreign);
    expect(rules).toContainEqual(lookalike);
  });

  test('a second rule for the same route is deleted', async () => {
    const { sip, telephony, agent } = setup();
    const route = await telephony.createRoute({ did: DID, agentId: (await agent()).id });
    const duplicate = sip.addForeignRule({
      name: `switchboard:${route.id}`,
      trunkIds: ['ST_old'],
      numbers: [DID],
      inboundNumbers: [],
      kind: 'individual',
      roomPrefix: 'call',
      pin: '',
      agents: [],
    });
    const report = await telephony.sync();
    expect(report.deleted).toEqual([
      {
        ruleId: duplicate.id,
        routeId: route.id,
        did: DID,
        reason: 'a second rule for the same route',
      },
    ]);
    expect(report.unchanged).toBe(1);
    expect((await rulesOf(sip)).map((rule) => rule.id)).toEqual([route.sync.ruleId]);
  });

  test('a foreign rule holding the number on the trunk: the route fails with LiveKit’s reason, sync reports both', async () => {
    const sip = createMemorySip();
    const trunk = await sip.createInboundTrunk({ name: MANAGED_TRUNK_NAME, numbers: [DID] });
    const foreign = await sip.createDispatchRule({
      name: 'hand-made',
      trunkId: trunk.id,
      number: DID,
      roomPrefix: 'x',
      agents: [],
    });
    const { telephony, agent } = setup({ sip });
    const route = await telephony.createRoute({ did: DID, agentId: (await agent()).id });
    expect(route.sync.state).toBe('error');
    expect(route.sync.error).toContain(foreign.id);
    const report = await telephony.sync();
    expect(report.failed).toEqual([{ routeId: route.id, did: DID, error: route.sync.error }]);
    expect(report.unknown.map((rule) => rule.ruleId)).toEqual([foreign.id]);
  });

  test('the trunk Switchboard keeps is re-created with the routed numbers when it disappears', async () => {
    const { sip, telephony, agent } = setup();
    const { id: agentId } = await agent();
    await telephony.createRoute({ did: DID, agentId });
    await telephony.createRoute({ did: OTHER_DID, agentId });
    const [old] = await sip.listInboundTrunks();
    await sip.deleteInboundTrunk(old!.id);
    const report = await telephony.sync();
    expect(report.trunk).toMatchObject({ action: 'created', managed: true });
    expect(report.trunk.numbers.sort()).toEqual([DID, OTHER_DID].sort());
    expect(report.updated.map((entry) => entry.changed)).toEqual([['trunk'], ['trunk']]);
    const rules = await rulesOf(sip);
    expect(rules.every((rule) => rule.trunkIds[0] === report.trunk.id)).toBe(true);
  });
});

describe('LIVEKIT_SIP_TRUNK_ID', () => {
  test('rules use that trunk; its numbers are never changed; numbers it lacks are a warning', async () => {
    const sip = createMemorySip();
    const trunk = await sip.createInboundTrunk({ name: 'ops-trunk', numbers: [OTHER_DID] });
    const { telephony, agent } = setup({ sip, sipTrunkId: trunk.id });
    await telephony.createRoute({ did: DID, agentId: (await agent()).id });
    expect((await rulesOf(sip))[0]?.trunkIds).toEqual([trunk.id]);
    expect(await sip.listInboundTrunks()).toEqual([trunk]);
    const report = await telephony.sync();
    expect(report.trunk).toEqual({
      id: trunk.id,
      managed: false,
      action: 'unchanged',
      numbers: [OTHER_DID],
    });
    expect(report.warnings).toEqual([expect.stringContaining(`does not list ${DID}`)]);
  });

  test('a trunk id LiveKit does not have: routes are marked error and sync is SERVICE_UNAVAILABLE', async () => {
    const { telephony, agent } = setup({ sipTrunkId: 'ST_missing' });
    const route = await telephony.createRoute({ did: DID, agentId: (await agent()).id });
    expect(route.sync.error).toMatch(
      /LIVEKIT_SIP_TRUNK_ID is ST_missing, but LiveKit has no inbound trunk/,
    );
    await expect(telephony.sync()).rejects.toBeInstanceOf(ServiceUnavailableError);
  });
});
