import mongoose, { type Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  connectTestDatabase,
  dropTestDatabase,
  testDatabaseUri,
} from '../../../scripts/testing/services.ts';
import { ServiceUnavailableError } from '../../errors.ts';
import { describeAuditStoreContract } from '../../ports/audit-store.contract.ts';
import type { NewAuditRecord } from '../../ports/audit-store.port.ts';
import {
  declaredIndexes,
  expectEveryQueryIndexed,
  recordQueries,
} from '../../testing/index-shape.ts';
import {
  AUDIT_BY_ACTOR_INDEX,
  AUDIT_BY_AGENT_ACTOR_INDEX,
  AUDIT_BY_AGENT_INDEX,
  AUDIT_COLLECTION,
  AUDIT_NEWEST_INDEX,
  auditMongooseSchema,
} from './audit.model.ts';
import { createMongooseAuditStore } from './audit-store.mongoose.ts';

const WS = 'aaaaaaaaaaaaaaaaaaaaaaaa';
const AGENT = '64c0000000000000000000a1';

let connection: Connection;
let databaseUri: string;

beforeAll(async () => {
  databaseUri = testDatabaseUri('audit_store');
  connection = await connectTestDatabase(databaseUri);
  await createMongooseAuditStore(connection).ensureIndexes();
});

afterAll(async () => {
  if (connection) await dropTestDatabase(connection);
});

describeAuditStoreContract(
  'mongoose',
  async () => {
    await connection.collection(AUDIT_COLLECTION).deleteMany({});
    return createMongooseAuditStore(connection);
  },
  { setupMethods: ['ensureIndexes'] },
);

const buildEntry = (n: number): NewAuditRecord => ({
  at: new Date(Date.UTC(2026, 0, 1, 12, n)),
  actor: { kind: 'user', id: 'user-1', name: 'Ada' },
  via: { kind: 'session', id: 'session-1' },
  action: 'agent.update',
  target: { type: 'agent', id: AGENT, name: 'Support' },
  agentId: AGENT,
  changes: [{ kind: 'changed', path: 'config.instructions', before: 'a', after: 'b' }],
  details: { version: { from: n, to: n + 1 } },
});

describe('Mongoose audit adapter: what is stored', () => {
  test('entries live in `audit_entries` with an ObjectId, no __v', async () => {
    const store = createMongooseAuditStore(connection);
    const stored = await store.append(WS, buildEntry(1));
    const raw = await connection
      .collection(AUDIT_COLLECTION)
      .findOne({ _id: new mongoose.Types.ObjectId(stored.id) });
    expect(raw).toEqual({
      _id: new mongoose.Types.ObjectId(stored.id),
      workspaceId: WS,
      ...buildEntry(1),
    });
  });

  test('the indexes exist with the declared keys', async () => {
    const indexes = await connection.collection(AUDIT_COLLECTION).indexes();
    const keysOf = (name: string) => indexes.find((index) => index.name === name)?.key;
    expect(keysOf(AUDIT_NEWEST_INDEX)).toEqual({ workspaceId: 1, at: -1, _id: -1 });
    expect(keysOf(AUDIT_BY_AGENT_INDEX)).toEqual({ workspaceId: 1, agentId: 1, at: -1, _id: -1 });
    expect(keysOf(AUDIT_BY_ACTOR_INDEX)).toEqual({
      workspaceId: 1,
      'actor.id': 1,
      at: -1,
      _id: -1,
    });
    expect(keysOf(AUDIT_BY_AGENT_ACTOR_INDEX)).toEqual({
      workspaceId: 1,
      agentId: 1,
      'actor.id': 1,
      at: -1,
      _id: -1,
    });
  });

  test('every query shape has a declared index behind it, and nothing updates or deletes', async () => {
    const monitored = await connectTestDatabase(databaseUri, { monitorCommands: true });
    const recording = recordQueries(monitored);
    const commands: string[] = [];
    const onCommand = (event: mongoose.mongo.CommandStartedEvent) => {
      if (event.command[event.commandName] === AUDIT_COLLECTION) commands.push(event.commandName);
    };
    monitored.getClient().on('commandStarted', onCommand);
    try {
      const store = createMongooseAuditStore(monitored);
      const [first] = [
        await store.append(WS, buildEntry(1)),
        await store.append(WS, buildEntry(2)),
      ];
      const after = { at: first.at, id: first.id };
      // Every query shape `audit.list` can send: each filter, with and without a cursor.
      for (const filters of [
        {},
        { agentId: AGENT },
        { actorId: 'user-1' },
        { agentId: AGENT, actorId: 'user-1' },
      ]) {
        await store.list(WS, { limit: 2, ...filters });
        await store.list(WS, { limit: 2, after, ...filters });
      }
    } finally {
      recording.stop();
      monitored.getClient().off('commandStarted', onCommand);
      await monitored.close();
    }
    const sent = expectEveryQueryIndexed(recording.queries, {
      [AUDIT_COLLECTION]: declaredIndexes(auditMongooseSchema),
    });
    expect(sent).toHaveLength(8);
    for (const query of sent) expect(query.sort).toEqual({ at: -1, _id: -1 });
    expect(new Set(commands)).toEqual(new Set(['insert', 'find']));
  });
});

describe('Mongoose audit adapter: an unreachable database', () => {
  test('answers ServiceUnavailableError at once while not connected, instead of waiting', async () => {
    const down = mongoose.createConnection('mongodb://127.0.0.1:9/switchboard_down', {
      bufferCommands: false,
      serverSelectionTimeoutMS: 1500,
    });
    down.on('error', () => {});
    const store = createMongooseAuditStore(down);
    await expect(store.append(WS, buildEntry(1))).rejects.toBeInstanceOf(ServiceUnavailableError);
    await expect(store.list(WS, { limit: 5 })).rejects.toBeInstanceOf(ServiceUnavailableError);
    await down.close();
  });
});
