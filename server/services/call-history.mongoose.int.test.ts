// The call lifecycle on the bundled FerretDB, whose updates are not atomic (a conditional update
// rewrites the whole document): concurrent webhooks of one call must still converge on all of them.

import mongoose, { type Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { dropTestDatabase, testDatabaseUri } from '../../scripts/testing/services.ts';
import { createMemoryLiveKitRooms } from '../adapters/memory/livekit-rooms.memory.ts';
import { createMongooseCallSessionStore } from '../adapters/mongoose/call-session-store.mongoose.ts';
import { createLiveKitWebhookVerifier, signLiveKitWebhook } from '../livekit/webhooks.ts';
import { WORKSPACE_A } from '../testing/builders.ts';
import { webhookBody, type WebhookFixture } from '../testing/webhooks.ts';
import { createCallHistoryService } from './call-history.service.ts';

const KEY = 'int-key';
const SECRET = 'an-int-secret-of-32-characters-or-more';
const T0 = new Date(Date.UTC(2026, 2, 1, 12, 0, 0));
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

let connection: Connection;

beforeAll(async () => {
  connection = await mongoose
    .createConnection(testDatabaseUri('call_history'), {
      bufferCommands: false,
      serverSelectionTimeoutMS: 5000,
    })
    .asPromise();
  await createMongooseCallSessionStore(connection).ensureIndexes();
});

afterAll(async () => {
  if (connection) await dropTestDatabase(connection);
});

describe('call lifecycle on the database', () => {
  test('webhooks of one call delivered all at once, some twice, from two instances: the record holds every one', async () => {
    for (let round = 0; round < 5; round++) {
      const store = createMongooseCallSessionStore(connection);
      const instance = () =>
        createCallHistoryService({
          store,
          rooms: createMemoryLiveKitRooms(),
          webhooks: createLiveKitWebhookVerifier({ apiKey: KEY, apiSecret: SECRET, now: () => T0 }),
        });
      const [one, two] = [instance(), instance()];
      const roomName = `race-${round}`;
      const call = await store.create({
        workspaceId: WORKSPACE_A,
        type: 'web',
        agentId: null,
        roomName,
        config: {},
        configHash: '00',
        overrides: null,
        startedBy: 'user:u1',
        createdAt: T0,
      });
      const room = { name: roomName, sid: 'RM_r' };
      const fixtures: WebhookFixture[] = [
        { id: `EV_${round}_s`, event: 'room_started', createdAt: at(0), room },
        ...['a', 'b', 'c', 'd'].map((identity, i) => ({
          id: `EV_${round}_j${i}`,
          event: 'participant_joined',
          createdAt: at(1),
          room,
          participant: { identity },
        })),
        {
          id: `EV_${round}_l`,
          event: 'participant_left',
          createdAt: at(2),
          room,
          participant: { identity: 'a' },
        },
      ];
      const deliveries = await Promise.all(
        [...fixtures, ...fixtures.slice(1, 3)].map(async (fixture, i) => {
          const body = webhookBody(fixture);
          const header = await signLiveKitWebhook({ apiKey: KEY, apiSecret: SECRET, body });
          return (i % 2 === 0 ? one : two).receiveWebhook(body, header);
        }),
      );
      expect(deliveries.filter((outcome) => outcome === 'applied')).toHaveLength(fixtures.length);
      const stored = await one.get(WORKSPACE_A, call.id);
      expect(stored.status).toBe('active');
      expect(stored.participants.map((p) => [p.identity, p.leftAt !== null]).sort()).toEqual([
        ['a', true],
        ['b', false],
        ['c', false],
        ['d', false],
      ]);
    }
  });
});
