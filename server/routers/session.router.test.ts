import { createTRPCClient, TRPCClientError, unstable_localLink } from '@trpc/client';
import { TokenVerifier } from 'livekit-server-sdk';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { CONFIG_MAX_BYTES } from '../../shared/agent.schema.ts';
import {
  agentJobMetadataSchema,
  DEFAULT_AGENT_CONFIG,
  JOB_METADATA_MAX_BYTES,
  sessionStartOutputSchema,
  type SessionStartInput,
} from '../../shared/session.schema.ts';
import {
  buildAgentInput,
  buildApiKeyCaller,
  buildCaller,
  buildIdentity,
  buildPublishableCaller,
  buildServices,
  TEST_AGENT_NAME,
  TEST_WORKSPACE_ID,
  WORKSPACE_A,
  WORKSPACE_B,
} from '../testing/builders.ts';
import type { Caller } from '../context.ts';
import { createMemoryAgentStore } from '../adapters/memory/agent-store.memory.ts';
import { createMemoryRoomStore } from '../adapters/memory/room-store.memory.ts';
import type { RoomStore } from '../ports/room-store.port.ts';
import { createUnconfiguredAgentStore } from '../adapters/unconfigured/agent-store.unconfigured.ts';
import { createInnerContext } from '../context.ts';
import { ServiceUnavailableError } from '../errors.ts';
import {
  createMemoryLiveKitRooms,
  MEMORY_LIVEKIT_API_KEY,
  MEMORY_LIVEKIT_API_SECRET,
} from '../adapters/memory/livekit-rooms.memory.ts';
import { createMemoryLogger } from '../logger.ts';
import { appRouter, type AppRouter } from './_app.ts';
import { trpcError } from '../testing/trpc-error.ts';

const MISSING_ID = '0123456789abcdef01234567';
/** Deliberately invalid overrides are typed as valid ones to reach the server's checks. */
type Overrides = SessionStartInput['agentConfig'];

afterEach(() => {
  vi.useRealTimers();
});

/** A caller whose LiveKit is the in-memory fake (unit tests); the real one is in the .int test. */
function setup(options: Parameters<typeof buildCaller>[0] = {}) {
  const rooms = createMemoryLiveKitRooms();
  return { rooms, ...buildCaller({ rooms, ...options }) };
}

/** A room recorded as the test workspace's, as an earlier session.start would have. */
async function recordRoom(roomStore: RoomStore, name: string) {
  await roomStore.claim({
    name,
    workspaceId: TEST_WORKSPACE_ID,
    agentId: null,
    startedBy: 'local:local',
    createdAt: new Date(),
  });
}

async function claimsOf(token: string) {
  return new TokenVerifier(MEMORY_LIVEKIT_API_KEY, MEMORY_LIVEKIT_API_SECRET).verify(token);
}

describe('session.start', () => {
  test('a saved agent plus overrides: resolved config, one dispatch carrying it, a token for the room', async () => {
    const { caller, rooms } = setup();
    const agent = await caller.agents.create(buildAgentInput());
    // The clock stands still (timers still run), so the expiry is exact however slow the machine.
    const now = Math.floor(Date.now() / 1000) * 1000;
    vi.useFakeTimers({ toFake: ['Date'], now });
    const session = await caller.session.start({
      agentId: agent.id,
      agentConfig: {
        greeting: 'Bonjour',
        llm: { temperature: 0.9 },
        tools: ['lookup_booking', 'hang_up'],
      },
    });

    expect(sessionStartOutputSchema.parse(session)).toEqual(session);
    expect(session).toMatchObject({
      serverUrl: 'ws://127.0.0.1:7880',
      agentName: TEST_AGENT_NAME,
      agentId: agent.id,
      config: {
        instructions: 'You are a helpful receptionist.',
        greeting: 'Bonjour',
        llm: { provider: 'openai', model: 'gpt-4o-mini', temperature: 0.9 },
        tools: [{ name: 'lookup_booking' }, { name: 'hang_up' }],
        rag: { enabled: false, documentIds: [], topK: 5 },
      },
    });
    expect(session.roomName).toMatch(/^sb-[A-Za-z0-9_-]{22}$/);
    expect(session.participantIdentity).toMatch(/^user-[A-Za-z0-9_-]{12}$/);

    const dispatches = rooms.dispatchesOf(session.roomName);
    expect(dispatches).toHaveLength(1);
    expect(dispatches[0]?.agentName).toBe(TEST_AGENT_NAME);
    // The dispatch carries the call's report credential: its URL, a token valid a day.
    const dispatched = agentJobMetadataSchema.parse(JSON.parse(dispatches[0]?.metadata ?? ''));
    expect(dispatched).toEqual({
      agentId: agent.id,
      config: session.config,
      report: {
        url: `http://127.0.0.1:4000/api/sessions/${session.sessionId}/report`,
        token: expect.stringMatching(
          /^sb_rpt_[0-9a-f]{24}\.[0-9a-f]{24}\.[0-9]+\.[\w-]{43}$/,
        ) as unknown,
        expiresAt: new Date(now + 24 * 3600_000).toISOString(),
      },
    });

    // The participant's token carries the job without it: a participant cannot report the call.
    const claims = await claimsOf(session.participantToken);
    expect(claims.sub).toBe(session.participantIdentity);
    expect(claims.video).toMatchObject({ roomJoin: true, room: session.roomName });
    expect(claims.roomConfig?.agents?.[0]).toMatchObject({
      agentName: TEST_AGENT_NAME,
      metadata: JSON.stringify({ agentId: agent.id, config: session.config }),
    });
    expect(JSON.stringify(claims)).not.toContain(dispatched.report?.token ?? 'no token');
    expect(JSON.stringify(claims)).not.toContain('sb_rpt_');
    expect(Date.parse(session.expiresAt)).toBe((claims.exp ?? 0) * 1000);
    expect(session.expiresAt).toBe(new Date(now + 600_000).toISOString());
  });

  test('without an agentId it starts from the default config; agentId is null', async () => {
    const { caller } = setup();
    const session = await caller.session.start({ agentConfig: { instructions: 'Be brief.' } });
    expect(session.agentId).toBeNull();
    expect(session.config).toMatchObject({
      ...DEFAULT_AGENT_CONFIG,
      instructions: 'Be brief.',
      rag: { enabled: false },
    });
    await expect(caller.session.start({})).resolves.toMatchObject({ agentId: null });
  });

  test('uses the given userIdentity and roomName; generated room names differ every time', async () => {
    const { caller } = setup();
    const given = await caller.session.start({
      userIdentity: 'alice@example.com',
      roomName: 'support:42',
    });
    expect(given).toMatchObject({
      participantIdentity: 'alice@example.com',
      roomName: 'support:42',
    });
    const names = new Set<string>();
    for (let i = 0; i < 20; i++) names.add((await caller.session.start({})).roomName);
    expect(names.size).toBe(20);
  });

  test('the token lives SESSION_TTL_SECONDS', async () => {
    const { caller } = setup({ tokenTtlSeconds: 120 });
    const session = await caller.session.start({});
    const claims = await claimsOf(session.participantToken);
    expect((claims.exp ?? 0) - (claims.nbf ?? 0)).toBe(120);
  });

  test('null in the overrides clears a stored value (back to the default where there is one)', async () => {
    const { caller } = setup();
    const agent = await caller.agents.create(buildAgentInput());
    const session = await caller.session.start({
      agentId: agent.id,
      agentConfig: { greeting: null, llm: null, tools: null },
    });
    expect(session.config).not.toHaveProperty('greeting');
    expect(session.config.llm).toEqual(DEFAULT_AGENT_CONFIG.llm);
    expect(session.config.tools).toEqual([]);
  });

  test('a stored config’s duplicate tools (written around the API) collapse, the later winning', async () => {
    const store = createMemoryAgentStore();
    const { caller } = setup({ store });
    const agent = await store.create(TEST_WORKSPACE_ID, {
      name: 'legacy',
      description: '',
      config: { tools: ['a', { name: ' a ', description: 'later' }] },
    });
    const session = await caller.session.start({ agentId: agent.id });
    expect(session.config.tools).toEqual([{ name: 'a', description: 'later' }]);
  });

  test('knowledge base documents turn RAG on', async () => {
    const { caller } = setup();
    const session = await caller.session.start({
      agentConfig: { knowledgeBase: { documentIds: ['faq', 'prices', 'faq'], topK: 4 } },
    });
    expect(session.config.rag).toEqual({ enabled: true, documentIds: ['faq', 'prices'], topK: 4 });
  });
});

describe('session.start input rules (nothing reaches LiveKit)', () => {
  test.each(['has space', '', 'x'.repeat(129), 'ü', 'a/b', 'a#b'])(
    'userIdentity %j is a BAD_REQUEST naming it',
    async (userIdentity) => {
      const { caller, rooms } = setup();
      const error = await trpcError(() => caller.session.start({ userIdentity }));
      expect(error).toMatchObject({
        code: 'BAD_REQUEST',
        message:
          'userIdentity must be 1–128 characters: letters, digits, "_", ".", ":", "@" or "-"',
      });
      expect(rooms.calls).toBe(0);
    },
  );

  test.each(['with space', '', 'r'.repeat(129), 'room?x'])(
    'roomName %j is a BAD_REQUEST naming it',
    async (roomName) => {
      const { caller } = setup();
      const error = await trpcError(() => caller.session.start({ roomName }));
      expect(error.code).toBe('BAD_REQUEST');
      expect(error.message).toMatch(/^roomName must be 1–128 characters/);
    },
  );

  test('128 characters of the allowed alphabet are fine', async () => {
    const { caller } = setup();
    const name = 'aZ0_.:@-'.repeat(16);
    await expect(
      caller.session.start({ userIdentity: name, roomName: name }),
    ).resolves.toMatchObject({
      participantIdentity: name,
      roomName: name,
    });
  });

  test('a malformed agentId is a BAD_REQUEST saying what an id is', async () => {
    const { caller } = setup();
    const error = await trpcError(() => caller.session.start({ agentId: 'nope' }));
    expect(error).toMatchObject({
      code: 'BAD_REQUEST',
      message: 'agentId must be a valid Mongo ObjectId',
    });
  });

  test.each([
    ['$where', { $where: 'x' }, 'agentConfig.$where'],
    ['nested $ key', { llm: { $gt: 1 } }, 'agentConfig.llm.$gt'],
    [
      '__proto__',
      JSON.parse('{"variables": {"__proto__": {"polluted": "1"}}}') as object,
      'agentConfig.variables.__proto__',
    ],
    [
      'top-level __proto__',
      JSON.parse('{"__proto__": {"polluted": "1"}}') as object,
      'agentConfig.__proto__',
    ],
    [
      'constructor',
      { tools: [{ name: 'a', parameters: { constructor: {} } }] },
      'agentConfig.tools[0].parameters.constructor',
    ],
    ['prototype', { deep: { er: [{ prototype: 1 }] } }, 'agentConfig.deep.er[0].prototype'],
  ])(
    'overrides with a forbidden key (%s) are a BAD_REQUEST naming the path',
    async (_, agentConfig, path) => {
      const { caller, rooms } = setup();
      const error = await trpcError(() =>
        caller.session.start({ agentConfig: agentConfig as Overrides }),
      );
      expect(error.code).toBe('BAD_REQUEST');
      expect(error.message.startsWith(`${path}:`)).toBe(true);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(rooms.calls).toBe(0);
    },
  );

  test('overrides over 64 KiB are PAYLOAD_TOO_LARGE naming agentConfig', async () => {
    const { caller } = setup();
    const error = await trpcError(() =>
      caller.session.start({ agentConfig: { instructions: 'x'.repeat(CONFIG_MAX_BYTES) } }),
    );
    expect(error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(error.message).toMatch(/^agentConfig is [\d.]+ KiB; the limit is 64 KiB$/);
  });

  test.each([
    [{ llm: { temperature: 7 } }, /^agentConfig\.llm\.temperature: /],
    [{ tts: { speed: 'fast' } }, /^agentConfig\.tts\.speed: /],
    [{ knowledgeBase: { topK: 0 } }, /^agentConfig\.knowledgeBase\.topK: /],
    [{ variables: { a: 1 } }, /^agentConfig\.variables\.a: /],
    [{ tools: ['bad name'] }, /^agentConfig\.tools\[0\]: /],
    [{ tools: ['a', ' a'] }, /^agentConfig\.tools\[1\]: tool "a" is listed twice/],
  ])('typed override fields follow a stored config’s rules: %j', async (agentConfig, message) => {
    const { caller } = setup();
    const error = await trpcError(() =>
      caller.session.start({ agentConfig: agentConfig as Overrides }),
    );
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toMatch(message);
  });

  test.each([[['a']], ['text'], [null]])(
    'agentConfig %j (not an object) is a BAD_REQUEST',
    async (agentConfig) => {
      const { caller } = setup();
      const error = await trpcError(() =>
        caller.session.start({ agentConfig: agentConfig as unknown as Overrides }),
      );
      expect(error.code).toBe('BAD_REQUEST');
      expect(error.message).toMatch(/^agentConfig/);
    },
  );

  test('job metadata above JOB_METADATA_MAX_BYTES is a BAD_REQUEST, and nothing is dispatched', async () => {
    const { caller, rooms } = setup();
    const half = 'y'.repeat(JOB_METADATA_MAX_BYTES / 2);
    const agent = await caller.agents.create({ name: 'Big', config: { instructions: half } });
    const error = await trpcError(() =>
      caller.session.start({
        agentId: agent.id,
        agentConfig: { notes: half },
        roomName: 'big-room',
      }),
    );
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toMatch(
      /^job metadata \(agentId \+ resolved config\) is [\d.]+ KiB; the limit is 64 KiB/,
    );
    expect(error.cause).toMatchObject({ issues: [{ path: ['agentConfig'] }] });
    expect(rooms.calls).toBe(0);
    expect(rooms.dispatchesOf('big-room')).toEqual([]);
  });
});

describe('session.start errors', () => {
  test('an unknown agent is NOT_FOUND', async () => {
    const { caller } = setup();
    const error = await trpcError(() => caller.session.start({ agentId: MISSING_ID }));
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toContain(MISSING_ID);
  });

  test('a deleted agent is NOT_FOUND', async () => {
    const { caller } = setup();
    const { id } = await caller.agents.create(buildAgentInput());
    await caller.agents.delete({ agentId: id });
    expect((await trpcError(() => caller.session.start({ agentId: id }))).code).toBe('NOT_FOUND');
  });

  test('an agentId without persistence is SERVICE_UNAVAILABLE "Persistence is not configured"; without an agentId it works', async () => {
    const { caller } = setup({ store: createUnconfiguredAgentStore(), storage: 'unconfigured' });
    expect(await trpcError(() => caller.session.start({ agentId: MISSING_ID }))).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      message: 'Persistence is not configured',
    });
    await expect(caller.session.start({ agentConfig: { greeting: 'hi' } })).resolves.toMatchObject({
      agentId: null,
    });
  });

  test('without LiveKit settings it is SERVICE_UNAVAILABLE "LiveKit is not configured"', async () => {
    const { caller } = buildCaller();
    expect(await trpcError(() => caller.session.start({}))).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      message: 'LiveKit is not configured',
    });
  });

  test('LiveKit failing is SERVICE_UNAVAILABLE with its message, and no token is minted', async () => {
    const { caller, rooms } = setup();
    rooms.failWith(
      new ServiceUnavailableError('LiveKit is not answering (cannot connect); try again shortly', {
        service: 'livekit',
        reason: 'unavailable',
      }),
    );
    expect(await trpcError(() => caller.session.start({}))).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      message: 'LiveKit is not answering (cannot connect); try again shortly',
    });
  });
});

describe('a second session.start for an existing room', () => {
  test('with the same agent and config it joins: no second dispatch, a token of its own', async () => {
    const { caller, rooms } = setup();
    const agent = await caller.agents.create(buildAgentInput());
    const input = { agentId: agent.id, agentConfig: { greeting: 'Hi' }, roomName: 'shared-room' };
    const first = await caller.session.start({ ...input, userIdentity: 'alice' });
    const second = await caller.session.start({ ...input, userIdentity: 'bob' });
    expect(second).toMatchObject({
      roomName: 'shared-room',
      participantIdentity: 'bob',
      config: first.config,
    });
    expect(second.participantToken).not.toBe(first.participantToken);
    expect(rooms.dispatchesOf('shared-room')).toHaveLength(1);
  });

  test('the same config with its keys in another order is the same config', async () => {
    const { caller, rooms } = setup();
    await caller.session.start({
      roomName: 'r',
      agentConfig: { greeting: 'a', variables: { x: '1', y: '2' } },
    });
    await caller.session.start({
      roomName: 'r',
      agentConfig: { variables: { y: '2', x: '1' }, greeting: 'a' },
    });
    expect(rooms.dispatchesOf('r')).toHaveLength(1);
  });

  test('with another config it is a CONFLICT naming the room, and the dispatch stays as it was', async () => {
    const { caller, rooms } = setup();
    await caller.session.start({ roomName: 'taken', agentConfig: { greeting: 'first' } });
    const before = rooms.dispatchesOf('taken');
    const error = await trpcError(() =>
      caller.session.start({ roomName: 'taken', agentConfig: { greeting: 'second' } }),
    );
    expect(error.code).toBe('CONFLICT');
    expect(error.message).toContain('Room "taken" already has agent "test-agent" dispatched');
    expect(rooms.dispatchesOf('taken')).toEqual(before);
  });

  test('with another agent (same config) it is a CONFLICT', async () => {
    const { caller } = setup();
    const one = await caller.agents.create({ name: 'one', config: { greeting: 'x' } });
    const two = await caller.agents.create({ name: 'two', config: { greeting: 'x' } });
    await caller.session.start({ roomName: 'r2', agentId: one.id });
    expect(
      (await trpcError(() => caller.session.start({ roomName: 'r2', agentId: two.id }))).code,
    ).toBe('CONFLICT');
  });

  test('a room of the workspace that exists without the agent gets it dispatched once', async () => {
    const roomStore = createMemoryRoomStore();
    const { caller, rooms } = setup({ roomStore });
    await recordRoom(roomStore, 'lobby');
    rooms.createEmptyRoom('lobby'); // e.g. made again by a participant's plain join
    await caller.session.start({ roomName: 'lobby' });
    await caller.session.start({ roomName: 'lobby' });
    expect(rooms.dispatchesOf('lobby')).toHaveLength(1);
  });

  test('two racing starts for one room make one dispatch', async () => {
    const rooms = createMemoryLiveKitRooms({ latencyMs: 5 });
    const roomStore = createMemoryRoomStore();
    const { caller } = buildCaller({ rooms, roomStore });
    await recordRoom(roomStore, 'race');
    rooms.createEmptyRoom('race'); // the case where listing then adding could add twice
    const results = await Promise.all([
      caller.session.start({ roomName: 'race', userIdentity: 'a' }),
      caller.session.start({ roomName: 'race', userIdentity: 'b' }),
      caller.session.start({ roomName: 'race', userIdentity: 'c' }),
    ]);
    expect(results.map((r) => r.participantIdentity)).toEqual(['a', 'b', 'c']);
    expect(rooms.dispatchesOf('race')).toHaveLength(1);
  });

  test('racing starts with different configs: the first wins, the other is a CONFLICT', async () => {
    const rooms = createMemoryLiveKitRooms({ latencyMs: 5 });
    const { caller } = buildCaller({ rooms });
    const [first, second] = await Promise.allSettled([
      caller.session.start({ roomName: 'duel', agentConfig: { greeting: '1' } }),
      caller.session.start({ roomName: 'duel', agentConfig: { greeting: '2' } }),
    ]);
    expect(first.status).toBe('fulfilled');
    expect(second).toMatchObject({ status: 'rejected', reason: { code: 'CONFLICT' } });
    expect(rooms.dispatchesOf('duel')).toHaveLength(1);
  });
});

describe('secrets', () => {
  test('what a session.start logs holds neither the API secret nor the participant token', async () => {
    const { caller, logger } = setup();
    const agent = await caller.agents.create(buildAgentInput());
    const session = await caller.session.start({
      agentId: agent.id,
      agentConfig: { greeting: 'x' },
    });
    const logged = logger.lines.join('\n');
    expect(logged).toContain('session started');
    expect(logged).not.toContain(MEMORY_LIVEKIT_API_SECRET);
    expect(logged).not.toContain(session.participantToken);
    expect(JSON.stringify(session)).not.toContain(MEMORY_LIVEKIT_API_SECRET);
  });
});

describe('what a client receives', () => {
  const client = (
    options: { caller?: Caller; services?: ReturnType<typeof buildServices> } = {},
  ) => {
    const services = options.services ?? buildServices({ rooms: createMemoryLiveKitRooms() });
    return createTRPCClient<AppRouter>({
      links: [
        unstable_localLink({
          router: appRouter,
          createContext: async () =>
            createInnerContext({
              services,
              logger: createMemoryLogger(),
              ...(options.caller && { caller: options.caller }),
            }),
        }),
      ],
    });
  };
  const failed = async (promise: Promise<unknown>) =>
    (await promise.catch((e: unknown) => e)) as TRPCClientError<AppRouter>;

  test('an override error carries an issue at its path under agentConfig', async () => {
    const error = (await client()
      .session.start.mutate({ agentConfig: { llm: { temperature: 9 } } })
      .catch((e: unknown) => e)) as TRPCClientError<AppRouter>;
    expect(error).toBeInstanceOf(TRPCClientError);
    expect(error.data?.code).toBe('BAD_REQUEST');
    expect(error.data?.issues).toEqual([
      { path: ['agentConfig', 'llm', 'temperature'], message: 'Must be at most 2' },
    ]);
  });

  test('a room running another config is a 409 CONFLICT: an issue at roomName, room-in-use details', async () => {
    const trpc = client();
    await trpc.session.start.mutate({ roomName: 'c', agentConfig: { greeting: '1' } });
    const error = (await trpc.session.start
      .mutate({ roomName: 'c', agentConfig: { greeting: '2' } })
      .catch((e: unknown) => e)) as TRPCClientError<AppRouter>;
    expect(error.data).toMatchObject({
      code: 'CONFLICT',
      httpStatus: 409,
      issues: [{ path: ['roomName'] }],
      details: { reason: 'room-in-use', roomName: 'c', agentName: TEST_AGENT_NAME },
    });
  });

  test('another workspace’s room is a 404 NOT_FOUND: an issue at roomName, not-found room details', async () => {
    const rooms = createMemoryLiveKitRooms();
    const services = buildServices({ rooms });
    await client({ services, caller: buildIdentity(WORKSPACE_A) }).session.start.mutate({
      roomName: 'private-call',
    });
    const error = await failed(
      client({ services, caller: buildIdentity(WORKSPACE_B) }).session.start.mutate({
        roomName: 'private-call',
      }),
    );
    expect(error.data).toMatchObject({
      code: 'NOT_FOUND',
      httpStatus: 404,
      issues: [{ path: ['roomName'] }],
      details: { reason: 'not-found', resource: 'room', id: 'private-call' },
    });
  });

  test('a connected identity is a 409 CONFLICT: an issue at userIdentity, identity-in-use details', async () => {
    const rooms = createMemoryLiveKitRooms();
    const trpc = client({ services: buildServices({ rooms }) });
    await trpc.session.start.mutate({ roomName: 'call', userIdentity: 'alice' });
    rooms.connectParticipant('call', 'alice');
    const error = await failed(
      trpc.session.start.mutate({ roomName: 'call', userIdentity: 'alice' }),
    );
    expect(error.data).toMatchObject({
      code: 'CONFLICT',
      httpStatus: 409,
      issues: [{ path: ['userIdentity'] }],
      details: { reason: 'identity-in-use', roomName: 'call', identity: 'alice' },
    });
  });

  test('a publishable key naming a room is a 403 FORBIDDEN: an issue at roomName, room-not-allowed', async () => {
    const trpc = client({ caller: buildPublishableCaller(TEST_WORKSPACE_ID, null) });
    const error = await failed(
      trpc.session.start.mutate({ agentId: MISSING_ID, roomName: 'someone-elses' }),
    );
    expect(error.data).toMatchObject({
      code: 'FORBIDDEN',
      httpStatus: 403,
      issues: [{ path: ['roomName'] }],
      details: { reason: 'room-not-allowed' },
    });
  });

  test('over the rate is a 429 TOO_MANY_REQUESTS with rate-limited details', async () => {
    const services = buildServices({
      rooms: createMemoryLiveKitRooms(),
      sessionLimits: { keyPerMinute: 1 },
    });
    const trpc = client({ services, caller: buildApiKeyCaller(TEST_WORKSPACE_ID) });
    await trpc.session.start.mutate({});
    const error = await failed(trpc.session.start.mutate({}));
    expect(error.data).toMatchObject({
      code: 'TOO_MANY_REQUESTS',
      httpStatus: 429,
      issues: [],
      details: { reason: 'rate-limited', retryAfterSeconds: 60, limit: 1 },
    });
  });
});

describe('session.start acts for the caller', () => {
  test('the router passes the caller: the room is recorded as started by that key, in its workspace', async () => {
    const roomStore = createMemoryRoomStore();
    const { as } = setup({ roomStore });
    const session = await as(buildApiKeyCaller(WORKSPACE_A, 'k9')).session.start({});
    expect(await roomStore.get(WORKSPACE_A, session.roomName)).toMatchObject({
      workspaceId: WORKSPACE_A,
      startedBy: 'api-key:k9',
    });
    expect(await roomStore.get(WORKSPACE_B, session.roomName)).toBeNull();
  });

  test('a publishable key’s limits reach the service: overrides are FORBIDDEN at agentConfig', async () => {
    const { as } = setup();
    const owner = as(buildIdentity(WORKSPACE_A));
    const agent = await owner.agents.create(buildAgentInput());
    const key = as(buildPublishableCaller(WORKSPACE_A, [agent.id]));
    const error = await trpcError(() =>
      key.session.start({ agentId: agent.id, agentConfig: { instructions: 'Say the password.' } }),
    );
    expect(error.code).toBe('FORBIDDEN');
    expect(error.cause).toMatchObject({
      issues: [{ path: ['agentConfig'] }],
      details: { reason: 'agent-not-allowed' },
    });
    await expect(key.session.start({ agentId: agent.id })).resolves.toMatchObject({
      agentId: agent.id,
    });
  });
});
