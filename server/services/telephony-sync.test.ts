import { describe, expect, test } from 'vitest';
import { livekitDown, metadataOf, rulesOf, setupTelephony } from '../testing/telephony.ts';
import { TEST_WORKSPACE_ID } from '../testing/builders.ts';
import { createMemorySip } from '../adapters/memory/sip-dispatch.memory.ts';
import { ServiceUnavailableError } from '../errors.ts';
import { MANAGED_TRUNK_NAME } from './telephony-sync.ts';

// Keeping LiveKit in step beyond a route's own changes: re-pushes after a new version is
// published, `telephony.sync` repairing drift, and the operator's trunk (LIVEKIT_SIP_TRUNK_ID).

const DID = '+14155550100';
const OTHER_DID = '+442079460958';

describe('publishing a new version', () => {
  test('re-syncs the agent\'s numbers that follow "published"; saving the draft and numbers pinned to a version are left alone', async () => {
    const { sip, telephony, services, agent } = setupTelephony();
    const { id: agentId } = await agent();
    await telephony.createRoute(TEST_WORKSPACE_ID, { did: DID, agentId });
    const pinned = await telephony.createRoute(TEST_WORKSPACE_ID, {
      did: OTHER_DID,
      agentId,
      agentVersion: 1,
    });
    const pinnedRule = (await rulesOf(sip)).find((rule) => rule.id === pinned.sync.ruleId);
    const calls = sip.calls;

    // A saved draft is not live: LiveKit is not even asked.
    await services.agents.update(TEST_WORKSPACE_ID, {
      agentId,
      config: { greeting: 'Updated greeting' },
    });
    await telephony.settled();
    expect(sip.calls).toBe(calls);
    expect((await rulesOf(sip)).map((rule) => metadataOf(rule).config.greeting)).toEqual([
      'Hello!',
      'Hello!',
    ]);

    await services.agentVersions.publish(TEST_WORKSPACE_ID, { agentId });
    await telephony.settled();
    const rules = await rulesOf(sip);
    const following = rules.find((rule) => rule.id !== pinned.sync.ruleId);
    expect(metadataOf(following)).toMatchObject({
      agentVersion: 2,
      config: { greeting: 'Updated greeting' },
    });
    // The pinned number's rule is exactly as it was: version 1.
    expect(rules.find((rule) => rule.id === pinned.sync.ruleId)).toEqual(pinnedRule);
    expect(metadataOf(pinnedRule)).toMatchObject({
      agentVersion: 1,
      config: { greeting: 'Hello!' },
    });
    expect(
      (await telephony.listRoutes(TEST_WORKSPACE_ID, { limit: 20 })).items.map((r) => [
        r.did,
        r.agentVersion,
        r.sync.state,
      ]),
    ).toEqual([
      [DID, null, 'synced'],
      [OTHER_DID, 1, 'synced'],
    ]);
  });

  test('a rename does not touch LiveKit', async () => {
    const { sip, telephony, agents, agent } = setupTelephony();
    const { id: agentId } = await agent();
    await telephony.createRoute(TEST_WORKSPACE_ID, { did: DID, agentId });
    const calls = sip.calls;
    await agents.update(TEST_WORKSPACE_ID, { agentId, name: 'Renamed' });
    await telephony.settled();
    expect(sip.calls).toBe(calls);
  });

  test('with LiveKit down the routes are marked error and the publish still succeeds; sync repairs the stale metadata', async () => {
    const { sip, telephony, services, agent } = setupTelephony();
    const { id: agentId } = await agent();
    const route = await telephony.createRoute(TEST_WORKSPACE_ID, { did: DID, agentId });
    await services.agents.update(TEST_WORKSPACE_ID, { agentId, config: { greeting: 'v2' } });
    sip.failWith(livekitDown());
    await expect(
      services.agentVersions.publish(TEST_WORKSPACE_ID, { agentId }),
    ).resolves.toMatchObject({ status: 'published', version: { version: 2 } });
    await telephony.settled();
    expect((await telephony.getRoute(TEST_WORKSPACE_ID, route.id)).sync).toMatchObject({
      state: 'error',
      ruleId: route.sync.ruleId,
    });
    sip.failWith(undefined);
    const report = await telephony.sync(TEST_WORKSPACE_ID);
    expect(report.updated).toEqual([
      { routeId: route.id, did: DID, ruleId: route.sync.ruleId, changed: ['metadata'] },
    ]);
    expect(metadataOf((await rulesOf(sip))[0])).toMatchObject({
      agentVersion: 2,
      config: { greeting: 'v2' },
    });
    expect((await telephony.getRoute(TEST_WORKSPACE_ID, route.id)).sync.state).toBe('synced');
  });
});

describe('sync', () => {
  test('a rule deleted behind Switchboard’s back is recreated; a second sync changes nothing', async () => {
    const { sip, telephony, agent } = setupTelephony();
    const route = await telephony.createRoute(TEST_WORKSPACE_ID, {
      did: DID,
      agentId: (await agent()).id,
    });
    await sip.deleteDispatchRule(route.sync.ruleId!);
    const report = await telephony.sync(TEST_WORKSPACE_ID);
    expect(report.created).toEqual([
      { routeId: route.id, did: DID, ruleId: expect.any(String) as unknown },
    ]);
    expect(await rulesOf(sip)).toHaveLength(1);
    const again = await telephony.sync(TEST_WORKSPACE_ID);
    expect(again).toMatchObject({
      created: [],
      updated: [],
      deleted: [],
      failed: [],
      unchanged: 1,
    });
  });

  test('a rule changed behind its back (number, room, agent) is replaced, naming what changed', async () => {
    const { sip, telephony, agent } = setupTelephony();
    const route = await telephony.createRoute(TEST_WORKSPACE_ID, {
      did: DID,
      agentId: (await agent()).id,
    });
    const [trunk] = await sip.listInboundTrunks();
    await sip.replaceDispatchRule(route.sync.ruleId!, {
      name: `switchboard:${route.id}`,
      trunkId: trunk!.id,
      number: '+15550009999',
      roomPrefix: 'lobby',
      agents: [{ agentName: 'someone-else', metadata: '{}' }],
    });
    const report = await telephony.sync(TEST_WORKSPACE_ID);
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
    const { sip, telephony, agent } = setupTelephony();
    await telephony.createRoute(TEST_WORKSPACE_ID, { did: DID, agentId: (await agent()).id });
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
    const report = await telephony.sync(TEST_WORKSPACE_ID);
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
    const { sip, telephony, agent } = setupTelephony();
    const route = await telephony.createRoute(TEST_WORKSPACE_ID, {
      did: DID,
      agentId: (await agent()).id,
    });
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
    const report = await telephony.sync(TEST_WORKSPACE_ID);
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
    const { telephony, agent } = setupTelephony({ sip });
    const route = await telephony.createRoute(TEST_WORKSPACE_ID, {
      did: DID,
      agentId: (await agent()).id,
    });
    expect(route.sync.state).toBe('error');
    expect(route.sync.error).toContain(foreign.id);
    const report = await telephony.sync(TEST_WORKSPACE_ID);
    expect(report.failed).toEqual([{ routeId: route.id, did: DID, error: route.sync.error }]);
    expect(report.unknown.map((rule) => rule.ruleId)).toEqual([foreign.id]);
  });

  test('the trunk Switchboard keeps is re-created with the routed numbers when it disappears', async () => {
    const { sip, telephony, agent } = setupTelephony();
    const { id: agentId } = await agent();
    await telephony.createRoute(TEST_WORKSPACE_ID, { did: DID, agentId });
    await telephony.createRoute(TEST_WORKSPACE_ID, { did: OTHER_DID, agentId });
    const [old] = await sip.listInboundTrunks();
    await sip.deleteInboundTrunk(old!.id);
    const report = await telephony.sync(TEST_WORKSPACE_ID);
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
    const { telephony, agent } = setupTelephony({ sip, sipTrunkId: trunk.id });
    await telephony.createRoute(TEST_WORKSPACE_ID, { did: DID, agentId: (await agent()).id });
    expect((await rulesOf(sip))[0]?.trunkIds).toEqual([trunk.id]);
    expect(await sip.listInboundTrunks()).toEqual([trunk]);
    const report = await telephony.sync(TEST_WORKSPACE_ID);
    expect(report.trunk).toEqual({
      id: trunk.id,
      managed: false,
      action: 'unchanged',
      numbers: [OTHER_DID],
    });
    expect(report.warnings).toEqual([expect.stringContaining(`does not list ${DID}`)]);
  });

  test('a trunk id LiveKit does not have: routes are marked error and sync is SERVICE_UNAVAILABLE', async () => {
    const { telephony, agent } = setupTelephony({ sipTrunkId: 'ST_missing' });
    const route = await telephony.createRoute(TEST_WORKSPACE_ID, {
      did: DID,
      agentId: (await agent()).id,
    });
    expect(route.sync.error).toMatch(
      /LIVEKIT_SIP_TRUNK_ID is ST_missing, but LiveKit has no inbound trunk/,
    );
    await expect(telephony.sync(TEST_WORKSPACE_ID)).rejects.toBeInstanceOf(ServiceUnavailableError);
  });
});
