// Telephony end to end on real services: routes in FerretDB (Mongoose adapters), dispatch rules
// in a real LiveKit server whose SIP API stores them in a real Redis (scripts/testing/global-setup.ts).

import { randomBytes } from 'node:crypto';
import { SipClient, type SIPDispatchRuleInfo } from 'livekit-server-sdk';
import mongoose, { type Connection } from 'mongoose';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { telephonyJobMetadataSchema } from '../../shared/telephony.schema.ts';
import { buildAgentInput, buildCaller, TEST_AGENT_NAME } from '../testing/builders.ts';
import { dropTestDatabase, testDatabaseUri, testLiveKit } from '../../scripts/testing/services.ts';
import { AGENTS_COLLECTION } from '../adapters/mongoose/agent.model.ts';
import { createMongooseAgentStore } from '../adapters/mongoose/agent-store.mongoose.ts';
import { DID_ROUTES_COLLECTION } from '../adapters/mongoose/did-route.model.ts';
import { createMongooseDidRouteStore } from '../adapters/mongoose/did-route-store.mongoose.ts';
import { randomTestDid } from '../ports/sip-dispatch.contract.ts';
import { createLiveKitSip } from '../livekit/sip.ts';
import { resolveAgentConfig } from './config-resolver.ts';
import { trpcError } from '../testing/trpc-error.ts';

let connection: Connection;
let raw: SipClient;
/** Each test file keeps its own trunk, so files sharing the LiveKit server never collide. */
const trunkName = `switchboard-int-${randomBytes(4).toString('hex')}`;
const foreignTrunks: string[] = [];
const foreignRules: string[] = [];

beforeAll(async () => {
  connection = await mongoose
    .createConnection(testDatabaseUri('telephony'), {
      bufferCommands: false,
      serverSelectionTimeoutMS: 5000,
    })
    .asPromise();
  await createMongooseAgentStore(connection).ensureIndexes();
  await createMongooseDidRouteStore(connection).ensureIndexes();
  const { httpUrl, apiKey, apiSecret } = testLiveKit();
  raw = new SipClient(httpUrl, apiKey, apiSecret);
});

beforeEach(async () => {
  await connection.collection(AGENTS_COLLECTION).deleteMany({});
  await connection.collection(DID_ROUTES_COLLECTION).deleteMany({});
});

afterEach(async () => {
  // Everything this file made in LiveKit: rules of its routes, its trunk, foreign test fixtures.
  const ours = new Set(foreignRules.splice(0));
  const ruleIds = (await connection.collection(DID_ROUTES_COLLECTION).find().toArray()).map((doc) =>
    String(doc._id),
  );
  for (const rule of await raw.listSipDispatchRule()) {
    const routeId = /^switchboard:([0-9a-f]{24})$/.exec(rule.name)?.[1];
    if (ours.has(rule.sipDispatchRuleId) || (routeId && ruleIds.includes(routeId))) {
      await raw.deleteSipDispatchRule(rule.sipDispatchRuleId);
    }
  }
  for (const trunk of await raw.listSipInboundTrunk()) {
    if (trunk.name === trunkName || foreignTrunks.includes(trunk.sipTrunkId)) {
      await raw.deleteSipTrunk(trunk.sipTrunkId);
    }
  }
  foreignTrunks.splice(0);
});

afterAll(async () => {
  if (connection) await dropTestDatabase(connection);
});

function build(options: { livekitUrl?: string } = {}) {
  const { url, apiKey, apiSecret } = testLiveKit();
  const sip = createLiveKitSip({
    url: options.livekitUrl ?? url,
    apiKey,
    apiSecret,
    timeoutMs: 3000,
  });
  return buildCaller({
    store: createMongooseAgentStore(connection),
    routes: createMongooseDidRouteStore(connection),
    sip,
    managedTrunkName: trunkName,
  });
}

async function rulesNamed(name: string): Promise<SIPDispatchRuleInfo[]> {
  return (await raw.listSipDispatchRule()).filter((rule) => rule.name === name);
}

const metadataOf = (rule: SIPDispatchRuleInfo | undefined) =>
  telephonyJobMetadataSchema.parse(JSON.parse(rule?.roomConfig?.agents[0]?.metadata ?? 'null'));

describe('routes and LiveKit SIP dispatch rules', () => {
  test('a new route creates exactly one rule: its number on the trunk, a room per caller, AGENT_NAME with { agentId, did, agentVersion, config }', async () => {
    const { caller } = build();
    const agent = await caller.agents.create(buildAgentInput());
    const did = randomTestDid();
    const route = await caller.telephony.routes.create({ did, agentId: agent.id });
    expect(route.sync).toMatchObject({
      state: 'synced',
      ruleId: expect.stringMatching(/^SDR_/) as unknown,
    });
    expect(route.agent).toEqual({ id: agent.id, name: agent.name });

    const [trunk, ...moreTrunks] = (await raw.listSipInboundTrunk()).filter(
      (t) => t.name === trunkName,
    );
    expect(moreTrunks).toEqual([]);
    expect(trunk?.numbers).toEqual([did]);

    const rules = await rulesNamed(`switchboard:${route.id}`);
    expect(rules).toHaveLength(1);
    const [rule] = rules;
    expect(rule?.sipDispatchRuleId).toBe(route.sync.ruleId);
    expect(rule?.numbers).toEqual([did]);
    expect(rule?.trunkIds).toEqual([trunk?.sipTrunkId]);
    expect(rule?.inboundNumbers).toEqual([]);
    expect(rule?.rule?.rule).toMatchObject({
      case: 'dispatchRuleIndividual',
      value: { roomPrefix: 'call', pin: '' },
    });
    expect(rule?.roomConfig?.agents.map((a) => a.agentName)).toEqual([TEST_AGENT_NAME]);
    expect(metadataOf(rule)).toEqual({
      agentId: agent.id,
      did,
      agentVersion: 1,
      config: resolveAgentConfig({ stored: agent.config }),
    });
    expect((await raw.listSipDispatchRule()).filter((r) => r.numbers.includes(did))).toHaveLength(
      1,
    );
  });

  test('update and delete follow: same rule re-pointed and renumbered, then gone', async () => {
    const { caller } = build();
    const first = await caller.agents.create(buildAgentInput());
    const second = await caller.agents.create(
      buildAgentInput({ name: 'Night', config: { greeting: 'Good evening' } }),
    );
    const [did, newDid] = [randomTestDid(), randomTestDid()];
    const route = await caller.telephony.routes.create({ did, agentId: first.id });

    const updated = await caller.telephony.routes.update({
      routeId: route.id,
      agentId: second.id,
      did: newDid,
    });
    expect(updated.sync).toMatchObject({ state: 'synced', ruleId: route.sync.ruleId });
    expect(updated.agent).toEqual({ id: second.id, name: 'Night' });
    expect(
      (await caller.telephony.routes.list()).items.map((item) => [item.did, item.agent.name]),
    ).toEqual([[newDid, 'Night']]);
    const [rule, ...others] = await rulesNamed(`switchboard:${route.id}`);
    expect(others).toEqual([]);
    expect(rule?.sipDispatchRuleId).toBe(route.sync.ruleId);
    expect(rule?.numbers).toEqual([newDid]);
    expect(metadataOf(rule)).toMatchObject({
      agentId: second.id,
      did: newDid,
      config: { greeting: 'Good evening' },
    });
    expect((await raw.listSipInboundTrunk()).find((t) => t.name === trunkName)?.numbers).toEqual([
      newDid,
    ]);

    const deleted = await caller.telephony.routes.delete({ routeId: route.id });
    expect(deleted.sync.state).toBe('synced');
    expect(await rulesNamed(`switchboard:${route.id}`)).toEqual([]);
  });

  test('a publish updates the rules of numbers following "published" and leaves pinned ones and saved drafts alone', async () => {
    const { caller, services } = build();
    const agent = await caller.agents.create(
      buildAgentInput({ config: { instructions: 'First prompt' } }),
    );
    const following = await caller.telephony.routes.create({
      did: randomTestDid(),
      agentId: agent.id,
    });
    const pinned = await caller.telephony.routes.create({
      did: randomTestDid(),
      agentId: agent.id,
      agentVersion: 1,
    });
    const [pinnedBefore] = await rulesNamed(`switchboard:${pinned.id}`);
    expect(metadataOf(pinnedBefore)).toMatchObject({
      agentVersion: 1,
      config: { instructions: 'First prompt' },
    });

    // Saving is a draft: LiveKit's rules still carry version 1.
    await caller.agents.update({ agentId: agent.id, config: { instructions: 'New prompt' } });
    await services.telephony.settled();
    const [draftTime] = await rulesNamed(`switchboard:${following.id}`);
    expect(metadataOf(draftTime)).toMatchObject({
      agentVersion: 1,
      config: { instructions: 'First prompt' },
    });

    await caller.agents.publish({ agentId: agent.id });
    await services.telephony.settled();
    const [rule] = await rulesNamed(`switchboard:${following.id}`);
    expect(metadataOf(rule)).toMatchObject({
      agentVersion: 2,
      config: { instructions: 'New prompt' },
    });
    // LiveKit's own copy of the pinned number's rule is exactly what it was.
    expect(await rulesNamed(`switchboard:${pinned.id}`)).toEqual([pinnedBefore]);
    expect(await caller.telephony.routes.get({ routeId: following.id })).toMatchObject({
      agentVersion: null,
      sync: { state: 'synced', ruleId: rule?.sipDispatchRuleId },
    });
  });

  test('a rule deleted behind Switchboard’s back is recreated by sync; a foreign rule is reported and left alone', async () => {
    const { caller } = build();
    const agent = await caller.agents.create(buildAgentInput());
    const route = await caller.telephony.routes.create({ did: randomTestDid(), agentId: agent.id });
    await raw.deleteSipDispatchRule(route.sync.ruleId!);

    const foreignDid = randomTestDid();
    const foreignTrunk = await raw.createSipInboundTrunk(`foreign-${trunkName}`, [foreignDid]);
    foreignTrunks.push(foreignTrunk.sipTrunkId);
    const foreign = await raw.createSipDispatchRule(
      { type: 'direct', roomName: 'front-desk' },
      { name: 'hand-made rule', trunkIds: [foreignTrunk.sipTrunkId] },
    );
    foreignRules.push(foreign.sipDispatchRuleId);

    const report = await caller.telephony.sync();
    expect(report.created).toEqual([
      { routeId: route.id, did: route.did, ruleId: expect.stringMatching(/^SDR_/) as unknown },
    ]);
    expect(report.unknown).toContainEqual({
      ruleId: foreign.sipDispatchRuleId,
      name: 'hand-made rule',
      numbers: [],
      trunkIds: [foreignTrunk.sipTrunkId],
    });
    expect(report.failed).toEqual([]);
    const [recreated] = await rulesNamed(`switchboard:${route.id}`);
    expect(recreated?.numbers).toEqual([route.did]);
    expect((await caller.telephony.routes.get({ routeId: route.id })).sync).toMatchObject({
      state: 'synced',
      ruleId: recreated?.sipDispatchRuleId,
    });
    const [still] = (await raw.listSipDispatchRule()).filter(
      (r) => r.sipDispatchRuleId === foreign.sipDispatchRuleId,
    );
    expect(still?.name).toBe('hand-made rule');

    const again = await caller.telephony.sync();
    expect(again).toMatchObject({
      created: [],
      updated: [],
      deleted: [],
      failed: [],
      unchanged: 1,
    });
  });

  test('with LiveKit unreachable the route is saved and marked error; the next sync repairs it', async () => {
    const offline = build({ livekitUrl: 'ws://127.0.0.1:9' });
    const agent = await offline.caller.agents.create(buildAgentInput());
    const route = await offline.caller.telephony.routes.create({
      did: randomTestDid(),
      agentId: agent.id,
    });
    expect(route.sync).toEqual({
      state: 'error',
      error: 'LiveKit is not answering (cannot connect); try again shortly',
    });

    const online = build();
    expect((await online.caller.telephony.routes.get({ routeId: route.id })).sync.state).toBe(
      'error',
    );
    const report = await online.caller.telephony.sync();
    expect(report.created).toEqual([
      { routeId: route.id, did: route.did, ruleId: expect.stringMatching(/^SDR_/) as unknown },
    ]);
    expect(report.trunk).toMatchObject({ managed: true, action: 'created', numbers: [route.did] });
    expect(await rulesNamed(`switchboard:${route.id}`)).toHaveLength(1);
    expect((await online.caller.telephony.routes.get({ routeId: route.id })).sync.state).toBe(
      'synced',
    );
  });

  test('a delete while LiveKit is unreachable: the route is gone at once, its rule by the next sync', async () => {
    const online = build();
    const agent = await online.caller.agents.create(buildAgentInput());
    const route = await online.caller.telephony.routes.create({
      did: randomTestDid(),
      agentId: agent.id,
    });
    const offline = build({ livekitUrl: 'ws://127.0.0.1:9' });
    expect((await offline.caller.telephony.routes.delete({ routeId: route.id })).sync.state).toBe(
      'error',
    );
    expect(await rulesNamed(`switchboard:${route.id}`)).toHaveLength(1);
    const report = await online.caller.telephony.sync();
    expect(report.deleted).toEqual([
      {
        ruleId: route.sync.ruleId,
        routeId: route.id,
        did: route.did,
        reason: 'its route was deleted',
      },
    ]);
    expect(await rulesNamed(`switchboard:${route.id}`)).toEqual([]);
  });
});

describe('resolve and the error cases, on the real stores', () => {
  test('resolve answers the agent and its merged config', async () => {
    const { caller } = build();
    const agent = await caller.agents.create({
      name: 'Phone bot',
      config: {
        tools: [' lookup '],
        knowledgeBase: { documentIds: ['kb-1'] },
        tts: { voice: 'alloy' },
      },
    });
    const route = await caller.telephony.routes.create({ did: randomTestDid(), agentId: agent.id });
    const resolved = await caller.telephony.resolve({ did: route.did });
    expect(resolved).toEqual({
      routeId: route.id,
      did: route.did,
      agentId: agent.id,
      agentVersion: 1,
      config: resolveAgentConfig({ stored: agent.config }),
    });
    expect(resolved.config).toMatchObject({
      tools: [{ name: 'lookup' }],
      rag: { enabled: true, documentIds: ['kb-1'], topK: 5 },
      tts: { provider: 'cartesia', voice: 'alloy' },
    });
  });

  test('BAD_REQUEST for a bad number, NOT_FOUND for a missing agent or number, CONFLICT for a taken number or an agent with numbers', async () => {
    const { caller } = build();
    const agent = await caller.agents.create(buildAgentInput());
    const did = randomTestDid();
    expect(
      (
        await trpcError(() =>
          caller.telephony.routes.create({ did: '555 0100', agentId: agent.id }),
        )
      ).code,
    ).toBe('BAD_REQUEST');
    expect(
      (
        await trpcError(() =>
          caller.telephony.routes.create({ did, agentId: '0123456789abcdef01234567' }),
        )
      ).code,
    ).toBe('NOT_FOUND');
    expect((await trpcError(() => caller.telephony.resolve({ did }))).code).toBe('NOT_FOUND');
    await caller.telephony.routes.create({ did, agentId: agent.id });
    expect(
      (await trpcError(() => caller.telephony.routes.create({ did, agentId: agent.id }))).code,
    ).toBe('CONFLICT');
    const refused = await trpcError(() => caller.agents.delete({ agentId: agent.id }));
    expect(refused.code).toBe('CONFLICT');
    expect(refused.message).toContain(did);
  });
});
