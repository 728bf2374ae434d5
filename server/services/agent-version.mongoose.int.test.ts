// Publishing on the bundled FerretDB, which has no transactions: racing publishes from two server
// instances must never share a version number, and agents written before versions existed must
// become version 1 exactly once.

import mongoose, { type Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { dropTestDatabase, testDatabaseUri } from '../../scripts/testing/services.ts';
import { createMongooseAgentStore } from '../adapters/mongoose/agent-store.mongoose.ts';
import { createMongooseAgentVersionStore } from '../adapters/mongoose/agent-version-store.mongoose.ts';
import { createMongooseCallSessionStore } from '../adapters/mongoose/call-session-store.mongoose.ts';
import { CALL_SESSIONS_COLLECTION } from '../adapters/mongoose/call-session.model.ts';
import { createMongooseDidRouteStore } from '../adapters/mongoose/did-route-store.mongoose.ts';
import { DID_ROUTES_COLLECTION } from '../adapters/mongoose/did-route.model.ts';
import { createMemoryLiveKitRooms } from '../adapters/memory/livekit-rooms.memory.ts';
import { createMemorySip } from '../adapters/memory/sip-dispatch.memory.ts';
import { buildAgentInput, buildCaller, buildIdentity, WORKSPACE_A } from '../testing/builders.ts';
import { configHash } from './session.service.ts';

let connection: Connection;

beforeAll(async () => {
  connection = await mongoose
    .createConnection(testDatabaseUri('agent_versions_service'), {
      bufferCommands: false,
      serverSelectionTimeoutMS: 5000,
    })
    .asPromise();
  await createMongooseAgentStore(connection).ensureIndexes();
  await createMongooseAgentVersionStore(connection).ensureIndexes();
  await createMongooseDidRouteStore(connection).ensureIndexes();
  await createMongooseCallSessionStore(connection).ensureIndexes();
});

afterAll(async () => {
  if (connection) await dropTestDatabase(connection);
});

/** An owner's caller on its own server instance: its own services over the shared database. */
const instance = () =>
  buildCaller({
    store: createMongooseAgentStore(connection),
    agentVersionStore: createMongooseAgentVersionStore(connection),
  }).as(buildIdentity(WORKSPACE_A, 'owner'));

describe('publishing on the database', () => {
  test('20 racing publishes over two instances store each draft once, numbers never repeat', async () => {
    const [one, two] = [instance(), instance()];
    const agent = await one.agents.create(buildAgentInput({ config: { instructions: 'Rev 0' } }));
    for (let round = 1; round <= 3; round++) {
      await one.agents.update({ agentId: agent.id, config: { instructions: `Rev ${round}` } });
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 === 0 ? one : two).agents.publish({ agentId: agent.id }),
        ),
      );
      expect(answers.filter((answer) => answer.status === 'published')).toHaveLength(1);
      expect(new Set(answers.map((answer) => answer.version.version))).toEqual(
        new Set([round + 1]),
      );
    }
    const { items } = await two.agents.versions({ agentId: agent.id });
    expect(items.map((v) => v.version)).toEqual([4, 3, 2, 1]);
    expect(items.map((v) => v.parentVersion)).toEqual([3, 2, 1, null]);
    const v2 = await two.agents.version({ agentId: agent.id, version: 2 });
    expect(v2.config).toEqual({ instructions: 'Rev 1' });
    expect(v2.configHash).toBe(configHash({ instructions: 'Rev 1' }));
  });

  test('an agent written before versions becomes version 1, once, with its config', async () => {
    // As the previous release wrote it: an `agents` document, and no `agent_versions` at all.
    const _id = new mongoose.Types.ObjectId();
    const now = new Date();
    await connection.collection('agents').insertOne({
      _id,
      workspaceId: WORKSPACE_A,
      name: 'From before versions',
      description: '',
      config: { instructions: 'As it always was.', llm: { provider: 'openai' } },
      version: 7,
      deletedAt: null,
      createdAt: now,
      updatedAt: now,
    });
    const agentId = _id.toHexString();
    const [one, two] = [instance(), instance()];
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        (i % 2 === 0 ? one : two).agents.diff({ agentId, from: 'published', to: 'draft' }),
      ),
    );
    const { items } = await one.agents.versions({ agentId });
    expect(items).toEqual([
      expect.objectContaining({
        version: 1,
        parentVersion: null,
        publishedBy: { kind: 'system', id: 'switchboard' },
      }),
    ]);
    expect((await two.agents.version({ agentId, version: 1 })).config).toEqual({
      instructions: 'As it always was.',
      llm: { provider: 'openai' },
    });
    // The draft is untouched: its saves keep counting from where they were.
    expect(await one.agents.get({ agentId })).toMatchObject({ version: 7 });
    expect((await one.agents.diff({ agentId, from: 'published', to: 'draft' })).changes).toEqual(
      [],
    );
  });

  test('a database written by the previous release: a first draft save publishes the old config as v1 first, so calls and the number keep running it', async () => {
    // As the previous release wrote them: an agent without versions, its number without
    // `agentVersion`, a call without `draft`.
    const agentOid = new mongoose.Types.ObjectId();
    const agentId = agentOid.toHexString();
    const now = new Date();
    await connection.collection('agents').insertOne({
      _id: agentOid,
      workspaceId: WORKSPACE_A,
      name: 'Old front desk',
      description: '',
      config: { instructions: 'The old prompt.', llm: { provider: 'openai' } },
      version: 3,
      deletedAt: null,
      createdAt: now,
      updatedAt: now,
    });
    const did = '+15550002001';
    await connection.collection(DID_ROUTES_COLLECTION).insertOne({
      workspaceId: WORKSPACE_A,
      did,
      liveKey: did,
      agentId: agentOid,
      label: null,
      sync: { state: 'synced', ruleId: 'SDR_old', error: null, syncedAt: now },
      revision: 1,
      deletedAt: null,
      createdAt: now,
      updatedAt: now,
    });
    const { insertedId: callId } = await connection.collection(CALL_SESSIONS_COLLECTION).insertOne({
      workspaceId: WORKSPACE_A,
      type: 'web',
      agentId,
      roomName: 'sb-old-call',
      config: { instructions: 'The old prompt.' },
      configHash: configHash({ instructions: 'The old prompt.' }),
      overrides: null,
      startedBy: 'user:someone',
      createdAt: now,
      status: 'ended',
      endedReason: 'hang-up',
      participants: [],
      awaitingAgent: false,
      sip: null,
      phoneNumbers: [],
      dispatchId: null,
      activeAt: now,
      endedAt: now,
    });

    const owner = buildCaller({
      store: createMongooseAgentStore(connection),
      agentVersionStore: createMongooseAgentVersionStore(connection),
      routes: createMongooseDidRouteStore(connection),
      callSessionStore: createMongooseCallSessionStore(connection),
      rooms: createMemoryLiveKitRooms(),
      sip: createMemorySip(),
    }).as(buildIdentity(WORKSPACE_A, 'owner'));

    // The very first thing after the upgrade is an edit: it is a draft.
    await owner.agents.update({ agentId, config: { instructions: 'A new prompt.' } });
    expect((await owner.agents.versions({ agentId })).items).toEqual([
      expect.objectContaining({ version: 1, publishedBy: { kind: 'system', id: 'switchboard' } }),
    ]);
    expect((await owner.agents.version({ agentId, version: 1 })).config).toMatchObject({
      instructions: 'The old prompt.',
    });
    const started = await owner.session.start({ agentId });
    expect(started.config.instructions).toBe('The old prompt.');
    const routes = await owner.telephony.routes.list();
    expect(routes.items).toEqual([expect.objectContaining({ did, agentVersion: null })]);
    expect(await owner.telephony.resolve({ did })).toMatchObject({
      agentVersion: 1,
      config: { instructions: 'The old prompt.' },
    });
    expect(await owner.sessions.get({ sessionId: callId.toHexString() })).toMatchObject({
      agentVersion: null,
      draft: false,
    });
  });
});
