import { createTRPCClient, TRPCClientError, unstable_localLink } from '@trpc/client';
import { describe, expect, test } from 'vitest';
import { CONFIG_MAX_BYTES } from '../../shared/agent.schema.ts';
import { buildAgentInput, buildCaller, buildServices } from '../testing/builders.ts';
import { createUnconfiguredAgentStore } from '../adapters/unconfigured/agent-store.unconfigured.ts';
import { createInnerContext } from '../context.ts';
import { GENERIC_INTERNAL_MESSAGE } from '../errors.ts';
import { createMemoryLogger } from '../logger.ts';
import type { AgentStore } from '../ports/agent-store.port.ts';
import { appRouter, type AppRouter } from './_app.ts';
import { trpcError } from '../testing/trpc-error.ts';

const MISSING_ID = '0123456789abcdef01234567';

describe('agents.create', () => {
  test('creates version 1 with a normalised name and ISO timestamps', async () => {
    const { caller } = buildCaller();
    const agent = await caller.agents.create(buildAgentInput({ name: '  Front \n\t desk  ' }));
    expect(agent).toMatchObject({ name: 'Front desk', version: 1, description: 'Greets callers' });
    expect(agent.id).toMatch(/^[0-9a-f]{24}$/);
    expect(new Date(agent.createdAt).toISOString()).toBe(agent.createdAt);
    expect(agent).not.toHaveProperty('deletedAt');
  });

  test('description defaults to empty and config to {}', async () => {
    const { caller } = buildCaller();
    const agent = await caller.agents.create({ name: 'Bare' });
    expect(agent).toMatchObject({ description: '', config: {} });
  });

  test('unknown config keys are kept as given', async () => {
    const { caller } = buildCaller();
    const agent = await caller.agents.create(
      buildAgentInput({
        config: { vad: { sensitivity: 0.7 }, llm: { provider: 'x', reasoning: 'low' } },
      }),
    );
    expect(agent.config).toEqual({
      vad: { sensitivity: 0.7 },
      llm: { provider: 'x', reasoning: 'low' },
    });
  });

  test('a blank name is a BAD_REQUEST naming the field', async () => {
    const { caller } = buildCaller();
    const error = await trpcError(() => caller.agents.create({ name: '   ' }));
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toMatch(/^name/);
  });

  test('a name over 120 characters after normalising is a BAD_REQUEST', async () => {
    const { caller } = buildCaller();
    await expect(caller.agents.create({ name: 'x'.repeat(120) })).resolves.toBeDefined();
    const error = await trpcError(() => caller.agents.create({ name: 'x'.repeat(121) }));
    expect(error).toMatchObject({
      code: 'BAD_REQUEST',
      message: 'name must be at most 120 characters',
    });
  });

  test('a name or description with a control character or a lone surrogate is a BAD_REQUEST and nothing is stored', async () => {
    const { caller } = buildCaller();
    const inName = await trpcError(() => caller.agents.create({ name: 'Bot \ud800' }));
    expect(inName).toMatchObject({
      code: 'BAD_REQUEST',
      message: 'name must be well-formed Unicode text (found a lone surrogate, U+D800)',
    });
    const inDescription = await trpcError(() =>
      caller.agents.create({ name: 'Bot', description: 'beep\u0007' }),
    );
    expect(inDescription).toMatchObject({
      code: 'BAD_REQUEST',
      message:
        'description may not contain control characters other than tabs and line breaks (found U+0007)',
    });
    expect((await caller.agents.list()).items).toEqual([]);
  });

  test.each([
    ['$where', { $where: 'sleep(1000)' }, 'config.$where'],
    ['nested $ key', { llm: { $gt: 1 } }, 'config.llm.$gt'],
    [
      '__proto__',
      JSON.parse('{"variables": {"__proto__": {"admin": "1"}}}') as Record<string, unknown>,
      'config.variables.__proto__',
    ],
    [
      'constructor',
      { tools: [{ name: 'a', parameters: { constructor: {} } }] },
      'config.tools[0].parameters.constructor',
    ],
    ['prototype', { deep: { er: [{ prototype: 1 }] } }, 'config.deep.er[0].prototype'],
  ])(
    'a config with a forbidden key (%s) is a BAD_REQUEST naming its path',
    async (_, config, path) => {
      const { caller } = buildCaller();
      const error = await trpcError(() => caller.agents.create({ name: 'Bad', config }));
      expect(error.code).toBe('BAD_REQUEST');
      expect(error.message.startsWith(`${path}:`)).toBe(true);
      expect(Object.prototype).not.toHaveProperty('admin');
    },
  );

  test('a config over 64 KiB is PAYLOAD_TOO_LARGE naming config and the limit', async () => {
    const { caller } = buildCaller();
    const config = {
      instructions: 'x'.repeat(50_000),
      greeting: 'y'.repeat(4000),
      extra: 'z'.repeat(CONFIG_MAX_BYTES),
    };
    const error = await trpcError(() => caller.agents.create({ name: 'Big', config }));
    expect(error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(error.message).toMatch(/^config is [\d.]+ KiB; the limit is 64 KiB$/);
    expect((await caller.agents.list()).items).toEqual([]);
  });

  test('typed config fields are validated: the message names the path', async () => {
    const { caller } = buildCaller();
    const error = await trpcError(() =>
      caller.agents.create({ name: 'Hot', config: { llm: { temperature: 7 } } }),
    );
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toMatch(/^config\.llm\.temperature: /);
  });

  test('duplicate tool names are a BAD_REQUEST naming the second one', async () => {
    const { caller } = buildCaller();
    const error = await trpcError(() =>
      caller.agents.create({ name: 'Tools', config: { tools: ['lookup', { name: ' lookup ' }] } }),
    );
    expect(error.message).toBe('config.tools[1]: tool "lookup" is listed twice (also at tools[0])');
  });
});

describe('agents.get', () => {
  test('returns the agent', async () => {
    const { caller } = buildCaller();
    const created = await caller.agents.create(buildAgentInput());
    expect(await caller.agents.get({ agentId: created.id })).toEqual(created);
  });

  test('accepts an upper-case id', async () => {
    const { caller } = buildCaller();
    const created = await caller.agents.create(buildAgentInput());
    expect((await caller.agents.get({ agentId: created.id.toUpperCase() })).id).toBe(created.id);
  });

  test.each(['nope', '0123456789abcdef0123456', '0123456789abcdef0123456z', ''])(
    'a malformed id (%j) is a BAD_REQUEST saying what an id is',
    async (agentId) => {
      const { caller } = buildCaller();
      const error = await trpcError(() => caller.agents.get({ agentId }));
      expect(error).toMatchObject({
        code: 'BAD_REQUEST',
        message: 'agentId must be a valid Mongo ObjectId',
      });
    },
  );

  test('an unknown id is NOT_FOUND', async () => {
    const { caller } = buildCaller();
    const error = await trpcError(() => caller.agents.get({ agentId: MISSING_ID }));
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toContain(MISSING_ID);
  });

  test('a deleted agent is NOT_FOUND', async () => {
    const { caller } = buildCaller();
    const { id } = await caller.agents.create(buildAgentInput());
    await caller.agents.delete({ agentId: id });
    expect((await trpcError(() => caller.agents.get({ agentId: id }))).code).toBe('NOT_FOUND');
  });
});

describe('agents.list', () => {
  test('defaults to 20 newest first and pages with an opaque cursor', async () => {
    const { caller } = buildCaller();
    for (let i = 0; i < 25; i++) await caller.agents.create({ name: `agent ${i}` });
    const first = await caller.agents.list();
    expect(first.items).toHaveLength(20);
    expect(first.items[0]?.name).toBe('agent 24');
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await caller.agents.list({ cursor: first.nextCursor });
    expect(second.items.map((a) => a.name)).toEqual([
      'agent 4',
      'agent 3',
      'agent 2',
      'agent 1',
      'agent 0',
    ]);
    expect(second.nextCursor).toBeNull();
  });

  test('query filters by name, case-insensitively and literally', async () => {
    const { caller } = buildCaller();
    await caller.agents.create({ name: 'Billing (US)' });
    await caller.agents.create({ name: 'billing EU' });
    await caller.agents.create({ name: 'Support' });
    expect((await caller.agents.list({ query: 'BILLING' })).items.map((a) => a.name)).toEqual([
      'billing EU',
      'Billing (US)',
    ]);
    expect((await caller.agents.list({ query: '(us)' })).items).toHaveLength(1);
    expect((await caller.agents.list({ query: '.*' })).items).toHaveLength(0);
  });

  test.each([0, 101, 2.5])('limit %s is a BAD_REQUEST naming limit', async (limit) => {
    const { caller } = buildCaller();
    const error = await trpcError(() => caller.agents.list({ limit }));
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toMatch(/^limit: /);
  });

  test('a forged cursor is a BAD_REQUEST naming cursor', async () => {
    const { caller } = buildCaller();
    const error = await trpcError(() => caller.agents.list({ cursor: 'not-a-cursor' }));
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toMatch(/^cursor: /);
  });
});

describe('agents.update', () => {
  test('changes the given fields, bumps the version, replaces config whole', async () => {
    const { caller } = buildCaller();
    const created = await caller.agents.create(buildAgentInput());
    const updated = await caller.agents.update({
      agentId: created.id,
      expectedVersion: 1,
      name: ' New   name ',
      config: { greeting: 'Howdy' },
    });
    expect(updated).toMatchObject({
      name: 'New name',
      description: created.description,
      config: { greeting: 'Howdy' },
      version: 2,
      createdAt: created.createdAt,
    });
  });

  test('a stale expectedVersion is a CONFLICT and changes nothing', async () => {
    const { caller } = buildCaller();
    const created = await caller.agents.create(buildAgentInput());
    await caller.agents.update({ agentId: created.id, expectedVersion: 1, description: 'first' });
    const error = await trpcError(() =>
      caller.agents.update({ agentId: created.id, expectedVersion: 1, description: 'second' }),
    );
    expect(error.code).toBe('CONFLICT');
    expect(error.message).toContain('expected version 1, it is now version 2');
    expect(await caller.agents.get({ agentId: created.id })).toMatchObject({
      description: 'first',
      version: 2,
    });
  });

  test('an unknown agent is NOT_FOUND', async () => {
    const { caller } = buildCaller();
    const error = await trpcError(() => caller.agents.update({ agentId: MISSING_ID, name: 'x' }));
    expect(error.code).toBe('NOT_FOUND');
  });

  test('nothing to change is a BAD_REQUEST', async () => {
    const { caller } = buildCaller();
    const { id } = await caller.agents.create(buildAgentInput());
    const error = await trpcError(() => caller.agents.update({ agentId: id, expectedVersion: 1 }));
    expect(error).toMatchObject({
      code: 'BAD_REQUEST',
      message: 'nothing to update: give name, description or config',
    });
  });

  test('an oversized config is PAYLOAD_TOO_LARGE and changes nothing', async () => {
    const { caller } = buildCaller();
    const created = await caller.agents.create(buildAgentInput());
    const error = await trpcError(() =>
      caller.agents.update({ agentId: created.id, config: { blob: 'x'.repeat(CONFIG_MAX_BYTES) } }),
    );
    expect(error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(await caller.agents.get({ agentId: created.id })).toEqual(created);
  });
});

describe('agents.delete', () => {
  test('soft-deletes and answers the id and deletedAt', async () => {
    const { caller } = buildCaller();
    const { id } = await caller.agents.create(buildAgentInput());
    const deleted = await caller.agents.delete({ agentId: id });
    expect(deleted.id).toBe(id);
    expect(new Date(deleted.deletedAt).toISOString()).toBe(deleted.deletedAt);
    expect((await caller.agents.list()).items).toEqual([]);
  });

  test('deleting twice is NOT_FOUND', async () => {
    const { caller } = buildCaller();
    const { id } = await caller.agents.create(buildAgentInput());
    await caller.agents.delete({ agentId: id });
    expect((await trpcError(() => caller.agents.delete({ agentId: id }))).code).toBe('NOT_FOUND');
  });
});

describe('dependencies missing or failing', () => {
  test('without persistence every agents.* procedure is SERVICE_UNAVAILABLE "Persistence is not configured"', async () => {
    const { caller } = buildCaller({
      store: createUnconfiguredAgentStore(),
      storage: 'unconfigured',
    });
    const calls = [
      () => caller.agents.list(),
      () => caller.agents.get({ agentId: MISSING_ID }),
      () => caller.agents.create(buildAgentInput()),
      () => caller.agents.update({ agentId: MISSING_ID, name: 'x' }),
      () => caller.agents.delete({ agentId: MISSING_ID }),
    ];
    for (const call of calls) {
      expect(await trpcError(call)).toMatchObject({
        code: 'SERVICE_UNAVAILABLE',
        message: 'Persistence is not configured',
      });
    }
    expect(await caller.system.info()).toMatchObject({ storage: 'unconfigured' });
  });

  test('an unexpected failure is INTERNAL_SERVER_ERROR with a generic message, logged with its cause', async () => {
    const broken: AgentStore = {
      list: async () => {
        throw new Error('secret connection string mongodb://user:pw@db');
      },
      get: async () => null,
      namesByIds: async () => new Map(),
      create: async () => {
        throw new Error('boom');
      },
      update: async () => ({ status: 'not_found' }),
      softDelete: async () => null,
      ping: async () => {},
    };
    const { caller, logger } = buildCaller({ store: broken });
    const error = await trpcError(() => caller.agents.list());
    expect(error).toMatchObject({
      code: 'INTERNAL_SERVER_ERROR',
      message: GENERIC_INTERNAL_MESSAGE,
    });
    expect(logger.lines.join('\n')).toContain('secret connection string');
  });
});

describe('what a client receives (formatted errors)', () => {
  const client = (services = buildServices()) =>
    createTRPCClient<AppRouter>({
      links: [
        unstable_localLink({
          router: appRouter,
          createContext: async () => createInnerContext({ services, logger: createMemoryLogger() }),
        }),
      ],
    });

  test('a validation failure carries one issue per problem with its path, and no stack', async () => {
    const error = await client()
      .agents.create.mutate({ name: '', config: { llm: { temperature: -1 } } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCClientError);
    const data = (error as TRPCClientError<AppRouter>).data;
    expect(data?.code).toBe('BAD_REQUEST');
    expect(data?.httpStatus).toBe(400);
    expect(data?.issues).toEqual([
      { path: ['name'], message: 'name must not be empty' },
      { path: ['config', 'llm', 'temperature'], message: 'Must be at least 0' },
    ]);
    expect(data?.details).toBeNull();
    expect(data).not.toHaveProperty('stack');
  });

  const failure = async (call: Promise<unknown>) => {
    const error = await call.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCClientError);
    return (error as TRPCClientError<AppRouter>).data!;
  };

  test('issues name the path at any depth, array indexes as strings', async () => {
    const data = await failure(
      client().agents.create.mutate({
        name: 'Tools',
        config: { tools: ['ok', { name: 'bad name!' }], knowledgeBase: { topK: 0 } },
      }),
    );
    expect(data.issues.map((issue) => issue.path)).toEqual([
      ['config', 'tools', '1', 'name'],
      ['config', 'knowledgeBase', 'topK'],
    ]);
  });

  test('a stale expectedVersion is a CONFLICT whose details carry the current version', async () => {
    const trpc = client();
    const agent = await trpc.agents.create.mutate({ name: 'Versioned' });
    await trpc.agents.update.mutate({ agentId: agent.id, expectedVersion: 1, name: 'Second' });
    const data = await failure(
      trpc.agents.update.mutate({ agentId: agent.id, expectedVersion: 1, name: 'Stale' }),
    );
    expect(data.code).toBe('CONFLICT');
    expect(data.details).toEqual({
      reason: 'version-conflict',
      agentId: agent.id,
      expectedVersion: 1,
      currentVersion: 2,
    });
  });

  test('a missing agent is NOT_FOUND with the resource and id in details', async () => {
    const data = await failure(client().agents.get.query({ agentId: MISSING_ID }));
    expect(data).toMatchObject({
      code: 'NOT_FOUND',
      issues: [],
      details: { reason: 'not-found', resource: 'agent', id: MISSING_ID },
    });
  });

  test('a cursor this server did not issue is an issue at cursor', async () => {
    const data = await failure(client().agents.list.query({ cursor: 'bm90IGEgY3Vyc29y' }));
    expect(data.issues).toEqual([
      { path: ['cursor'], message: 'not a cursor this server issued; start again without one' },
    ]);
  });

  test('a config over 64 KiB is PAYLOAD_TOO_LARGE with its size in details', async () => {
    const data = await failure(
      client().agents.create.mutate({
        name: 'Big',
        config: { notes: 'x'.repeat(CONFIG_MAX_BYTES) },
      }),
    );
    expect(data.code).toBe('PAYLOAD_TOO_LARGE');
    expect(data.issues.map((issue) => issue.path)).toEqual([['config']]);
    expect(data.details).toEqual({
      reason: 'too-large',
      limitBytes: CONFIG_MAX_BYTES,
      actualBytes: CONFIG_MAX_BYTES + '{"notes":""}'.length,
    });
  });

  test('without persistence: SERVICE_UNAVAILABLE with the service and "not-configured"', async () => {
    const data = await failure(
      client(buildServices({ store: createUnconfiguredAgentStore() })).agents.list.query(),
    );
    expect(data).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      details: { reason: 'not-configured', service: 'database' },
    });
  });

  test('an internal error shows no stack and no cause to the client', async () => {
    const services = buildServices({ store: createUnconfiguredAgentStore() });
    services.agents.list = async () => {
      throw new Error('internal detail');
    };
    const error = (await client(services)
      .agents.list.query()
      .catch((e: unknown) => e)) as TRPCClientError<AppRouter>;
    expect(error.message).toBe(GENERIC_INTERNAL_MESSAGE);
    expect(JSON.stringify(error.shape)).not.toContain('internal detail');
  });
});
