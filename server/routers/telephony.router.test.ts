import { createTRPCClient, TRPCClientError, unstable_localLink } from '@trpc/client';
import { describe, expect, test } from 'vitest';
import { didRouteListOutputSchema, didRouteSchema } from '../../shared/telephony.schema.ts';
import { buildAgentInput, buildCaller, buildServices } from '../testing/builders.ts';
import { createUnconfiguredAgentStore } from '../adapters/unconfigured/agent-store.unconfigured.ts';
import { createUnconfiguredDidRouteStore } from '../adapters/unconfigured/did-route-store.unconfigured.ts';
import { createInnerContext } from '../context.ts';
import { createMemorySip } from '../adapters/memory/sip-dispatch.memory.ts';
import { createMemoryLogger } from '../logger.ts';
import { resolveAgentConfig } from '../services/config-resolver.ts';
import { appRouter, type AppRouter } from './_app.ts';
import { trpcError } from '../testing/trpc-error.ts';

const MISSING_ID = '0123456789abcdef01234567';
const DID = '+14155550100';

/** A caller over memory stores and a memory LiveKit SIP API, with one agent. */
async function setup() {
  const sip = createMemorySip();
  const built = buildCaller({ sip });
  const agent = await built.caller.agents.create(buildAgentInput());
  return { ...built, sip, agent };
}

describe('telephony.routes.create', () => {
  test('normalises the DID and answers the route with its sync state', async () => {
    const { caller, agent } = await setup();
    const route = await caller.telephony.routes.create({
      did: ' +1 (415) 555-0100 ',
      agentId: agent.id.toUpperCase(),
      label: '  Main   line ',
    });
    expect(route).toMatchObject({
      did: DID,
      agentId: agent.id,
      agent: { id: agent.id, name: agent.name },
      label: 'Main line',
      sync: { state: 'synced', ruleId: expect.stringMatching(/^SDR_/) as unknown },
    });
    expect(route.id).toMatch(/^[0-9a-f]{24}$/);
    expect(new Date(route.createdAt).toISOString()).toBe(route.createdAt);
    expect(route).not.toHaveProperty('deletedAt');
  });

  test.each([
    ['4155550100', /^did must start with "\+"/],
    ['+1 415 CALL', /^did may contain only digits/],
    ['+123', /^did must have 8–15 digits/],
  ])('a bad DID (%j) is a BAD_REQUEST naming did', async (did, message) => {
    const { caller, agent } = await setup();
    const error = await trpcError(() => caller.telephony.routes.create({ did, agentId: agent.id }));
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toMatch(message);
  });

  test('a malformed agentId is a BAD_REQUEST saying what an id is', async () => {
    const { caller } = await setup();
    const error = await trpcError(() =>
      caller.telephony.routes.create({ did: DID, agentId: 'nope' }),
    );
    expect(error).toMatchObject({
      code: 'BAD_REQUEST',
      message: 'agentId must be a valid Mongo ObjectId',
    });
  });

  test('a missing or deleted agent is NOT_FOUND naming agentId, and nothing is saved', async () => {
    const { caller } = await setup();
    const missing = await trpcError(() =>
      caller.telephony.routes.create({ did: DID, agentId: MISSING_ID }),
    );
    expect(missing).toMatchObject({
      code: 'NOT_FOUND',
      message: `agentId: agent ${MISSING_ID} was not found (it may have been deleted)`,
    });
    const gone = await caller.agents.create(buildAgentInput({ name: 'Gone' }));
    await caller.agents.delete({ agentId: gone.id });
    const deleted = await trpcError(() =>
      caller.telephony.routes.create({ did: DID, agentId: gone.id }),
    );
    expect(deleted.code).toBe('NOT_FOUND');
    expect((await caller.telephony.routes.list()).items).toEqual([]);
  });

  test('a DID that already has a live route is a CONFLICT naming the DID, the agent and the route', async () => {
    const { caller, agent } = await setup();
    const first = await caller.telephony.routes.create({ did: DID, agentId: agent.id });
    const error = await trpcError(() =>
      caller.telephony.routes.create({ did: '+1-415-555-0100', agentId: agent.id }),
    );
    expect(error).toMatchObject({
      code: 'CONFLICT',
      message: `did: ${DID} already routes to agent ${agent.id} (route ${first.id}); update or delete that route first`,
    });
  });

  test('a deleted route frees its DID', async () => {
    const { caller, agent } = await setup();
    const first = await caller.telephony.routes.create({ did: DID, agentId: agent.id });
    await caller.telephony.routes.delete({ routeId: first.id });
    await expect(
      caller.telephony.routes.create({ did: DID, agentId: agent.id }),
    ).resolves.toMatchObject({
      did: DID,
    });
  });

  test('without persistence it is SERVICE_UNAVAILABLE "Persistence is not configured"', async () => {
    const { caller } = buildCaller({
      store: createUnconfiguredAgentStore(),
      routes: createUnconfiguredDidRouteStore(),
    });
    const error = await trpcError(() => caller.telephony.routes.list());
    expect(error).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      message: 'Persistence is not configured',
    });
  });
});

describe('telephony.routes.get / list', () => {
  test('get answers the route; a malformed id is BAD_REQUEST; unknown or deleted is NOT_FOUND', async () => {
    const { caller, agent } = await setup();
    const route = await caller.telephony.routes.create({ did: DID, agentId: agent.id });
    expect(await caller.telephony.routes.get({ routeId: route.id.toUpperCase() })).toEqual(route);
    expect(await trpcError(() => caller.telephony.routes.get({ routeId: 'x' }))).toMatchObject({
      code: 'BAD_REQUEST',
      message: 'routeId must be a valid Mongo ObjectId',
    });
    const missing = await trpcError(() => caller.telephony.routes.get({ routeId: MISSING_ID }));
    expect(missing).toMatchObject({
      code: 'NOT_FOUND',
      message: `Route ${MISSING_ID} was not found (it may have been deleted)`,
    });
    await caller.telephony.routes.delete({ routeId: route.id });
    expect((await trpcError(() => caller.telephony.routes.get({ routeId: route.id }))).code).toBe(
      'NOT_FOUND',
    );
  });

  test('list is ordered by DID, pages with an opaque cursor and filters by agent', async () => {
    const { caller, agent } = await setup();
    const other = await caller.agents.create(buildAgentInput({ name: 'Other' }));
    const dids = ['+4930123456', '+14155550100', '+442079460958', '+33142685300', '+12125550000'];
    for (const [i, did] of dids.entries()) {
      await caller.telephony.routes.create({ did, agentId: i % 2 ? other.id : agent.id });
    }
    const first = await caller.telephony.routes.list({ limit: 3 });
    expect(first.items.map((r) => r.did)).toEqual([...dids].sort().slice(0, 3));
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await caller.telephony.routes.list({ limit: 3, cursor: first.nextCursor });
    expect(second.items.map((r) => r.did)).toEqual([...dids].sort().slice(3));
    expect(second.nextCursor).toBeNull();
    const ofOther = await caller.telephony.routes.list({ agentId: other.id });
    expect(ofOther.items.map((r) => r.did)).toEqual(['+14155550100', '+33142685300']);
  });

  test('every route names its agent: { id, name } beside agentId, the name as it is now', async () => {
    const { caller, agent } = await setup();
    const other = await caller.agents.create(buildAgentInput({ name: 'Night shift' }));
    const created = await caller.telephony.routes.create({ did: DID, agentId: other.id });
    expect(created.agent).toEqual({ id: other.id, name: 'Night shift' });
    await caller.telephony.routes.create({ did: '+442079460958', agentId: agent.id });
    await caller.agents.update({ agentId: other.id, name: 'Late shift' });

    expect((await caller.telephony.routes.get({ routeId: created.id })).agent).toEqual({
      id: other.id,
      name: 'Late shift',
    });
    const listed = await caller.telephony.routes.list();
    expect(listed.items.map((route) => [route.agentId, route.agent])).toEqual([
      [other.id, { id: other.id, name: 'Late shift' }],
      [agent.id, { id: agent.id, name: agent.name }],
    ]);
    const relabelled = await caller.telephony.routes.update({ routeId: created.id, label: 'x' });
    expect(relabelled.agent).toEqual({ id: other.id, name: 'Late shift' });
    // The answers are exactly what the shared schema describes, nothing more.
    expect(didRouteListOutputSchema.parse(listed)).toEqual(listed);
    expect(didRouteSchema.parse(relabelled)).toEqual(relabelled);
  });

  test('a cursor this server did not issue and a bad limit are BAD_REQUESTs naming the field', async () => {
    const { caller } = await setup();
    expect(
      await trpcError(() => caller.telephony.routes.list({ cursor: 'garbage' })),
    ).toMatchObject({
      code: 'BAD_REQUEST',
      message: 'cursor: not a cursor this server issued; start again without one',
    });
    const error = await trpcError(() => caller.telephony.routes.list({ limit: 0 }));
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toMatch(/^limit/);
  });
});

describe('telephony.routes.update / delete', () => {
  test('update re-points, renumbers and relabels; the rule follows', async () => {
    const { caller, agent, sip } = await setup();
    const other = await caller.agents.create(buildAgentInput({ name: 'Other' }));
    const route = await caller.telephony.routes.create({ did: DID, agentId: agent.id });
    const updated = await caller.telephony.routes.update({
      routeId: route.id,
      did: '+44 20 7946 0958',
      agentId: other.id,
      label: 'London',
    });
    expect(updated).toMatchObject({
      id: route.id,
      did: '+442079460958',
      agentId: other.id,
      agent: { id: other.id, name: 'Other' },
      label: 'London',
      sync: { state: 'synced' },
    });
    expect((await sip.listDispatchRules()).map((rule) => rule.numbers)).toEqual([
      ['+442079460958'],
    ]);
  });

  test('nothing to update, an unknown route, a missing agent, a taken DID: BAD_REQUEST, NOT_FOUND, NOT_FOUND, CONFLICT', async () => {
    const { caller, agent } = await setup();
    const route = await caller.telephony.routes.create({ did: DID, agentId: agent.id });
    const taken = await caller.telephony.routes.create({ did: '+14155550101', agentId: agent.id });
    expect(
      await trpcError(() => caller.telephony.routes.update({ routeId: route.id })),
    ).toMatchObject({
      code: 'BAD_REQUEST',
      message: 'nothing to update: give did, agentId, agentVersion or label',
    });
    expect(
      (await trpcError(() => caller.telephony.routes.update({ routeId: MISSING_ID, label: 'x' })))
        .code,
    ).toBe('NOT_FOUND');
    expect(
      await trpcError(() =>
        caller.telephony.routes.update({ routeId: route.id, agentId: MISSING_ID }),
      ),
    ).toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/^agentId: /) as unknown });
    const conflict = await trpcError(() =>
      caller.telephony.routes.update({ routeId: route.id, did: taken.did }),
    );
    expect(conflict).toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining(`route ${taken.id}`) as unknown,
    });
    expect(await caller.telephony.routes.get({ routeId: route.id })).toMatchObject({ did: DID });
  });

  test('delete answers { id, did, deletedAt, sync }; a second delete is NOT_FOUND', async () => {
    const { caller, agent, sip } = await setup();
    const route = await caller.telephony.routes.create({ did: DID, agentId: agent.id });
    const deleted = await caller.telephony.routes.delete({ routeId: route.id });
    expect(deleted).toMatchObject({ id: route.id, did: DID, sync: { state: 'synced' } });
    expect(new Date(deleted.deletedAt).toISOString()).toBe(deleted.deletedAt);
    expect(await sip.listDispatchRules()).toEqual([]);
    expect(
      (await trpcError(() => caller.telephony.routes.delete({ routeId: route.id }))).code,
    ).toBe('NOT_FOUND');
  });
});

describe('agents.delete with phone numbers', () => {
  test('is a CONFLICT naming the numbers, until the routes are removed', async () => {
    const { caller, agent } = await setup();
    const a = await caller.telephony.routes.create({ did: DID, agentId: agent.id });
    const b = await caller.telephony.routes.create({ did: '+442079460958', agentId: agent.id });
    const error = await trpcError(() => caller.agents.delete({ agentId: agent.id }));
    expect(error).toMatchObject({
      code: 'CONFLICT',
      message: `“${agent.name}” still answers +14155550100, +442079460958: delete those numbers or point them at another agent first`,
    });
    await caller.telephony.routes.delete({ routeId: a.id });
    expect((await trpcError(() => caller.agents.delete({ agentId: agent.id }))).message).toMatch(
      /still answers \+442079460958: delete that number or point it at another agent first$/,
    );
    await caller.telephony.routes.delete({ routeId: b.id });
    await expect(caller.agents.delete({ agentId: agent.id })).resolves.toMatchObject({
      id: agent.id,
    });
  });
});

describe('telephony.resolve', () => {
  test('answers the agent and its config resolved as session.start resolves it', async () => {
    const { caller } = await setup();
    const config = {
      instructions: 'Answer the phone.',
      tools: [{ name: 'lookup', description: 'Finds a booking' }, ' transfer '],
      knowledgeBase: { documentIds: ['doc-1', ' doc-1 '], topK: 3 },
      llm: { model: 'gpt-4.1' },
    };
    const agent = await caller.agents.create({ name: 'Phone bot', config });
    const route = await caller.telephony.routes.create({ did: DID, agentId: agent.id });
    const resolved = await caller.telephony.resolve({ did: '+1 415.555.0100' });
    expect(resolved).toEqual({
      routeId: route.id,
      did: DID,
      agentId: agent.id,
      agentVersion: 1,
      config: resolveAgentConfig({ stored: agent.config }),
    });
    expect(resolved.config).toMatchObject({
      tools: [{ name: 'lookup', description: 'Finds a booking' }, { name: 'transfer' }],
      rag: { enabled: true, documentIds: ['doc-1'], topK: 3 },
      llm: { provider: 'openai', model: 'gpt-4.1' },
    });
  });

  test('a number no route answers is NOT_FOUND; a bad number BAD_REQUEST', async () => {
    const { caller } = await setup();
    expect(await trpcError(() => caller.telephony.resolve({ did: DID }))).toMatchObject({
      code: 'NOT_FOUND',
      message: `No route answers ${DID}: add one with telephony.routes.create`,
    });
    expect((await trpcError(() => caller.telephony.resolve({ did: 'call me' }))).code).toBe(
      'BAD_REQUEST',
    );
  });

  test('works without LiveKit (it only reads the database)', async () => {
    const { caller } = buildCaller();
    const agent = await caller.agents.create(buildAgentInput());
    await caller.telephony.routes.create({ did: DID, agentId: agent.id });
    await expect(caller.telephony.resolve({ did: DID })).resolves.toMatchObject({
      agentId: agent.id,
    });
  });
});

describe('telephony.sync', () => {
  test('answers the report', async () => {
    const { caller, agent, sip } = await setup();
    const route = await caller.telephony.routes.create({ did: DID, agentId: agent.id });
    await sip.deleteDispatchRule(route.sync.ruleId!);
    const report = await caller.telephony.sync();
    expect(report).toMatchObject({
      trunk: { managed: true, action: 'unchanged', numbers: [DID] },
      created: [{ routeId: route.id, did: DID }],
      updated: [],
      deleted: [],
      unknown: [],
      failed: [],
      unchanged: 0,
      warnings: [],
    });
  });

  test('without LiveKit it is SERVICE_UNAVAILABLE "LiveKit is not configured"', async () => {
    const { caller } = buildCaller();
    expect(await trpcError(() => caller.telephony.sync())).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      message: 'LiveKit is not configured',
    });
  });
});

describe('as a browser sees it', () => {
  const client = () => {
    const services = buildServices({ sip: createMemorySip() });
    return createTRPCClient<AppRouter>({
      links: [
        unstable_localLink({
          router: appRouter,
          createContext: async () => createInnerContext({ services, logger: createMemoryLogger() }),
        }),
      ],
    });
  };
  const failure = async (call: Promise<unknown>) => {
    const error = await call.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCClientError);
    return (error as TRPCClientError<AppRouter>).data!;
  };

  test('a bad DID carries an issue at the path did for the form', async () => {
    const data = await failure(
      client().telephony.routes.create.mutate({ did: '555-0100', agentId: MISSING_ID }),
    );
    expect(data.code).toBe('BAD_REQUEST');
    expect(data.issues.map((issue) => issue.path)).toEqual([['did']]);
  });

  test('a number another route has: CONFLICT, an issue at did, number-taken details', async () => {
    const trpc = client();
    const agent = await trpc.agents.create.mutate(buildAgentInput());
    const first = await trpc.telephony.routes.create.mutate({ did: DID, agentId: agent.id });
    const data = await failure(
      trpc.telephony.routes.create.mutate({ did: DID, agentId: agent.id }),
    );
    expect(data).toMatchObject({
      code: 'CONFLICT',
      issues: [{ path: ['did'] }],
      details: { reason: 'number-taken', did: DID, routeId: first.id, agentId: agent.id },
    });
  });

  test('a route to a missing agent: NOT_FOUND with an issue at agentId', async () => {
    const data = await failure(
      client().telephony.routes.create.mutate({ did: DID, agentId: MISSING_ID }),
    );
    expect(data).toMatchObject({
      code: 'NOT_FOUND',
      issues: [{ path: ['agentId'] }],
      details: { reason: 'not-found', resource: 'agent', id: MISSING_ID },
    });
  });

  test('deleting an agent that answers numbers: CONFLICT with agent-in-use details', async () => {
    const trpc = client();
    const agent = await trpc.agents.create.mutate(buildAgentInput({ name: 'Busy' }));
    await trpc.telephony.routes.create.mutate({ did: DID, agentId: agent.id });
    const data = await failure(trpc.agents.delete.mutate({ agentId: agent.id }));
    expect(data).toMatchObject({
      code: 'CONFLICT',
      details: { reason: 'agent-in-use', agentId: agent.id, agentName: 'Busy', numbers: [DID] },
    });
  });

  test('a number no route answers: NOT_FOUND with the number in details', async () => {
    const data = await failure(client().telephony.resolve.query({ did: DID }));
    expect(data.details).toEqual({ reason: 'not-found', resource: 'number', id: DID });
  });
});
