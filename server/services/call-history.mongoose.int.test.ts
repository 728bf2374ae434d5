// The call lifecycle on the bundled FerretDB, whose updates are not atomic (a conditional update
// rewrites the whole document): concurrent webhooks of one call must still converge on all of them.

import mongoose, { type Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { dropTestDatabase, testDatabaseUri } from '../../scripts/testing/services.ts';
import { createMemoryLiveKitRooms } from '../adapters/memory/livekit-rooms.memory.ts';
import { createMongooseCallSessionStore } from '../adapters/mongoose/call-session-store.mongoose.ts';
import { createLiveKitWebhookVerifier, signLiveKitWebhook } from '../livekit/webhooks.ts';
import { createMongooseDidRouteStore } from '../adapters/mongoose/did-route-store.mongoose.ts';
import { WORKSPACE_A, WORKSPACE_B } from '../testing/builders.ts';
import { webhookBody, type WebhookFixture } from '../testing/webhooks.ts';
import { createCallHistoryService } from './call-history.service.ts';
import { configHash } from './session.service.ts';

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

// Inbound phone calls cannot be placed here (LiveKit's SIP media service is not installable in
// the test services), so the SIP participant's webhooks are made and signed as LiveKit makes them.
describe('inbound phone calls on the database', () => {
  const DID = '+14155550177';
  const CALLER = '+15105550123';
  const AGENT = '64b000000000000000000a0a';

  test('racing deliveries of the SIP participant’s join to two instances record ONE call in the route’s workspace; the phone leg’s failure ends it sip-failure; the phoneNumber filter finds it', async () => {
    const routes = createMongooseDidRouteStore(connection);
    await routes.ensureIndexes();
    const outcome = await routes.create(WORKSPACE_B, {
      did: DID,
      agentId: AGENT,
      agentVersion: null,
      label: null,
      sync: { state: 'synced', ruleId: 'SDR_int', error: null, syncedAt: T0 },
    });
    if (outcome.status !== 'created') throw new Error('route not created');
    const store = createMongooseCallSessionStore(connection);
    const rooms = createMemoryLiveKitRooms();
    const room = { name: `call-_${CALLER}_int`, sid: 'RM_inbound' };
    rooms.createEmptyRoom(room.name);
    const config = { instructions: 'Answer the phone.' };
    await rooms.ensureAgentDispatch({
      roomName: room.name,
      agentName: 'int-agent',
      metadata: JSON.stringify({ agentId: AGENT, did: DID, config }),
    });
    const instance = () =>
      createCallHistoryService({
        store,
        rooms,
        routes,
        agentName: 'int-agent',
        webhooks: createLiveKitWebhookVerifier({
          apiKey: KEY,
          apiSecret: SECRET,
          now: () => at(40),
        }),
      });
    const [one, two] = [instance(), instance()];
    const sip = { identity: `sip_${CALLER}`, kind: 'sip' as const };
    const sipJoined: WebhookFixture = {
      id: 'EV_sip_join',
      event: 'participant_joined',
      createdAt: at(1),
      room,
      participant: {
        ...sip,
        attributes: {
          'sip.callID': 'SCL_int',
          'sip.trunkID': 'ST_int',
          'sip.ruleID': 'SDR_int',
          'sip.phoneNumber': CALLER,
          'sip.trunkPhoneNumber': DID,
        },
      },
    };
    const deliver = async (fixture: WebhookFixture, by = one) => {
      const body = webhookBody(fixture);
      return by.receiveWebhook(
        body,
        await signLiveKitWebhook({ apiKey: KEY, apiSecret: SECRET, body }),
      );
    };
    const outcomes = await Promise.all([one, two, one, two].map((by) => deliver(sipJoined, by)));
    expect(outcomes.filter((o) => o === 'applied')).toHaveLength(1);
    const { items } = await one.list(WORKSPACE_B, { limit: 10 });
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      type: 'inbound-phone',
      agentId: AGENT,
      status: 'active',
      config,
      configHash: configHash(config),
      sip: {
        callId: 'SCL_int',
        trunkId: 'ST_int',
        ruleId: 'SDR_int',
        fromNumber: CALLER,
        toNumber: DID,
      },
      dispatchId: rooms.dispatchesOf(room.name)[0]?.id,
    });
    await expect(one.get(WORKSPACE_A, items[0]!.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });

    await deliver(
      {
        id: 'EV_agent',
        event: 'participant_joined',
        createdAt: at(2),
        room,
        participant: { identity: 'agent-1', kind: 'agent' },
      },
      two,
    );
    await deliver(
      {
        id: 'EV_sip_left',
        event: 'participant_left',
        createdAt: at(30),
        room,
        participant: { ...sip, disconnectReason: 'SIP_TRUNK_FAILURE' },
      },
      one,
    );
    await deliver({ id: 'EV_end', event: 'room_finished', createdAt: at(35), room }, two);
    const ended = await one.get(WORKSPACE_B, items[0]!.id);
    expect(ended).toMatchObject({
      status: 'ended',
      endedReason: 'sip-failure',
      durationSeconds: 34,
    });
    for (const phoneNumber of [CALLER, DID]) {
      expect(
        (await one.list(WORKSPACE_B, { limit: 10, phoneNumber })).items.map((c) => c.id),
      ).toEqual([ended.id]);
    }
    expect((await one.list(WORKSPACE_B, { limit: 10, phoneNumber: '+15550000000' })).items).toEqual(
      [],
    );
  });
});
