import type { IncomingMessage } from 'node:http';
import { createTRPCClient, TRPCClientError, unstable_localLink } from '@trpc/client';
import { describe, expect, test } from 'vitest';
import {
  PERMISSIONS,
  ROLE_PERMISSIONS,
  roleSchema,
  type Permission,
} from '../../shared/auth.schema.ts';
import type { ApiErrorDetails } from '../../shared/errors.ts';
import { createMemoryLiveKitRooms } from '../adapters/memory/livekit-rooms.memory.ts';
import { createMemorySip } from '../adapters/memory/sip-dispatch.memory.ts';
import { contextFactory, createInnerContext, type Caller } from '../context.ts';
import { localOwnerCaller, FIRST_WORKSPACE_ID } from '../identity.ts';
import { createMemoryLogger } from '../logger.ts';
import {
  buildAgentInput,
  buildCaller,
  buildIdentity,
  buildServices,
  WORKSPACE_A,
  WORKSPACE_B,
} from '../testing/builders.ts';
import { trpcError } from '../testing/trpc-error.ts';
import type { ProcedureMeta } from '../trpc.ts';
import { appRouter, type AppRouter } from './_app.ts';

/** Procedures anyone may call without signing in. Adding one here is a decision: say why. */
const PUBLIC_PROCEDURES: readonly string[] = [
  // Whether setup is open, for the sign-in page (a boolean; nothing else).
  'setup.status',
  // Useless without the one-time token the server printed at its first start.
  'setup.claim',
  // The invitation link's token is the credential; the account may not exist yet.
  'invitations.preview',
  'invitations.accept',
];

/** Procedures for a signed-in person whatever their workspace (`permission: 'user'`). */
const userProcedures = () =>
  procedures.filter(({ meta }) => meta?.permission === 'user').map(({ path }) => path);

/** Every procedure of the app, by dotted path (tRPC keeps them flat in `_def.procedures`). */
const procedures = Object.entries(
  appRouter._def.procedures as unknown as Record<string, { _def: { meta?: ProcedureMeta } }>,
).map(([path, procedure]) => ({ path, meta: procedure._def.meta }));

/** Calls a procedure by its dotted path, whatever its kind, with `input`. */
function callByPath(caller: unknown, path: string, input: unknown): Promise<unknown> {
  const procedure = path
    .split('.')
    .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller);
  return (procedure as (input: unknown) => Promise<unknown>)(input);
}

const detailsOf = (error: unknown) => (error as { details?: ApiErrorDetails | null }).details;

describe('every procedure declares who may call it', () => {
  test('the router has procedures, and each declares a permission or is listed as public', () => {
    expect(procedures.map(({ path }) => path)).toContain('telephony.routes.create');
    expect(procedures.length).toBeGreaterThan(10);
    const undeclared = procedures.filter(
      ({ path, meta }) => meta?.permission === undefined && !PUBLIC_PROCEDURES.includes(path),
    );
    expect(undeclared.map(({ path }) => path)).toEqual([]);
  });

  test('each declared permission is one of shared/auth.schema.ts (or signed-in)', () => {
    for (const { meta } of procedures) {
      if (
        meta?.permission === undefined ||
        meta.permission === 'signed-in' ||
        meta.permission === 'user'
      ) {
        continue;
      }
      expect(Object.keys(PERMISSIONS)).toContain(meta.permission);
    }
  });

  test.each(procedures.filter(({ path }) => !PUBLIC_PROCEDURES.includes(path)))(
    '$path without a caller is UNAUTHORIZED (before its input is even read)',
    async ({ path }) => {
      const { as } = buildCaller();
      const error = await trpcError(() => callByPath(as(null), path, { nonsense: true }));
      expect(error.code).toBe('UNAUTHORIZED');
      expect(detailsOf(error)).toEqual({ reason: 'unauthenticated' });
    },
  );

  const matrix = procedures.flatMap(({ path, meta }) =>
    meta && meta.permission !== 'signed-in' && meta.permission !== 'user'
      ? roleSchema.options.map((role) => ({
          path,
          role,
          permission: meta.permission as Permission,
          allowed: ROLE_PERMISSIONS[role].includes(meta.permission as Permission),
        }))
      : [],
  );

  test.each(matrix)(
    '$path as $role: allowed $allowed ($permission)',
    async ({ path, role, permission, allowed }) => {
      const { as } = buildCaller();
      const error = await callByPath(as(buildIdentity(WORKSPACE_A, role)), path, {}).then(
        () => null,
        (e: unknown) => e as { code?: string },
      );
      if (allowed) {
        // Refused for its input or for a missing record, perhaps; never for who asked.
        expect(error?.code).not.toBe('FORBIDDEN');
        expect(error?.code).not.toBe('UNAUTHORIZED');
      } else {
        expect(error?.code).toBe('FORBIDDEN');
        expect(detailsOf(error)).toEqual({ reason: 'forbidden', permission });
      }
    },
  );

  test('the account procedures are for signed-in people only: never keys, never anonymous', async () => {
    expect(userProcedures()).toEqual(['account.me', 'workspaces.create']);
    const { as } = buildCaller();
    const key: Caller = {
      workspaceId: WORKSPACE_A,
      actor: { kind: 'api-key', id: 'key_1' },
      scopes: ['members:admin'],
      permissions: new Set(Object.keys(PERMISSIONS) as Permission[]),
    };
    for (const path of userProcedures()) {
      const asKey = await trpcError(() => callByPath(as(key), path, { name: 'X' }));
      expect(asKey.code).toBe('FORBIDDEN');
      expect(detailsOf(asKey)).toEqual({ reason: 'people-only' });
      const anonymous = await trpcError(() => callByPath(as(null), path, { name: 'X' }));
      expect(anonymous.code).toBe('UNAUTHORIZED');
    }
  });

  test('the audit log (audit:read) is the owner’s alone, like members:admin', async () => {
    expect(
      roleSchema.options.filter((role) => ROLE_PERMISSIONS[role].includes('audit:read')),
    ).toEqual(['owner']);
    const { as } = buildCaller();
    for (const role of ['admin', 'member', 'viewer'] as const) {
      const error = await trpcError(() => as(buildIdentity(WORKSPACE_A, role)).audit.list({}));
      expect(detailsOf(error)).toEqual({ reason: 'forbidden', permission: 'audit:read' });
    }
    expect(await as(buildIdentity(WORKSPACE_A, 'owner')).audit.list({})).toEqual({
      items: [],
      nextCursor: null,
    });
  });

  test('a signed-in procedure (system.info) answers every role', async () => {
    const { as } = buildCaller();
    for (const role of roleSchema.options) {
      await expect(as(buildIdentity(WORKSPACE_A, role)).system.info()).resolves.toMatchObject({
        storage: 'memory',
      });
    }
  });

  test('a caller holding only sessions:start (a key with one scope) can start a call and nothing else', async () => {
    const rooms = createMemoryLiveKitRooms();
    const { as } = buildCaller({ rooms });
    const key: Caller = {
      workspaceId: WORKSPACE_A,
      actor: { kind: 'api-key', id: 'key_1' },
      scopes: ['sessions:start'],
      permissions: new Set(['sessions:start']),
    };
    await expect(as(key).session.start({})).resolves.toMatchObject({ agentId: null });
    const error = await trpcError(() => as(key).agents.list());
    expect(error.code).toBe('FORBIDDEN');
  });

  test('a client receives FORBIDDEN and UNAUTHORIZED with their details (formatted errors)', async () => {
    const services = buildServices();
    const client = (caller: Caller | null) =>
      createTRPCClient<AppRouter>({
        links: [
          unstable_localLink({
            router: appRouter,
            createContext: async () =>
              createInnerContext({ services, logger: createMemoryLogger(), caller }),
          }),
        ],
      });
    const failure = async (call: Promise<unknown>) => {
      const error = await call.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TRPCClientError);
      return (error as TRPCClientError<AppRouter>).data!;
    };
    expect(await failure(client(null).agents.list.query())).toMatchObject({
      code: 'UNAUTHORIZED',
      httpStatus: 401,
      issues: [],
      details: { reason: 'unauthenticated' },
    });
    const viewer = buildIdentity(WORKSPACE_A, 'viewer');
    expect(await failure(client(viewer).agents.create.mutate({ name: 'Nope' }))).toMatchObject({
      code: 'FORBIDDEN',
      httpStatus: 403,
      issues: [],
      details: { reason: 'forbidden', permission: 'agents:write' },
    });
  });
});

describe('the HTTP context', () => {
  const req = {} as IncomingMessage;

  test('resolves each request’s caller with the injected authenticate', async () => {
    const services = buildServices();
    const seen: IncomingMessage[] = [];
    const alice = buildIdentity(WORKSPACE_A, 'member');
    const create = contextFactory({
      services,
      logger: createMemoryLogger(),
      authenticate: async (request) => {
        seen.push(request);
        return { caller: seen.length === 1 ? alice : null, user: null, failure: null };
      },
    });
    expect((await create({ req })).caller).toBe(alice);
    expect((await create({ req })).caller).toBeNull();
    expect(seen).toEqual([req, req]);
  });

  test('until sign-in, the app resolves everyone to the owner of the local workspace', () => {
    expect(localOwnerCaller).toMatchObject({
      workspaceId: FIRST_WORKSPACE_ID,
      actor: { kind: 'local', id: 'local' },
      role: 'owner',
    });
    expect([...localOwnerCaller.permissions].sort()).toEqual(Object.keys(PERMISSIONS).sort());
    expect(FIRST_WORKSPACE_ID).toMatch(/^[0-9a-f]{24}$/);
  });
});

describe('two workspaces: nothing of one is seen or changed from the other', () => {
  const DID = '+14155550100';

  /** Workspace A with an agent and a route; callers for the owners of A and B. */
  async function setupTwo() {
    const sip = createMemorySip();
    const rooms = createMemoryLiveKitRooms();
    const built = buildCaller({ sip, rooms });
    const a = built.as(buildIdentity(WORKSPACE_A, 'owner'));
    const b = built.as(buildIdentity(WORKSPACE_B, 'owner'));
    const agent = await a.agents.create(buildAgentInput({ name: 'A’s agent' }));
    const route = await a.telephony.routes.create({ did: DID, agentId: agent.id });
    /** A's agent and route as they are now: compared before and after B's attempts. */
    const snapshot = async () => ({
      agent: await a.agents.get({ agentId: agent.id }),
      route: await a.telephony.routes.get({ routeId: route.id }),
      agents: await a.agents.list(),
      routes: await a.telephony.routes.list(),
    });
    return { ...built, a, b, agent, route, snapshot, sip };
  }

  const notFound = async (call: () => Promise<unknown>) => {
    const error = await trpcError(call);
    expect(error.code).toBe('NOT_FOUND');
    return error;
  };

  test('lists show only the workspace’s own agents and routes', async () => {
    const { a, b, agent } = await setupTwo();
    const theirs = await b.agents.create(buildAgentInput({ name: 'B’s agent' }));
    expect((await b.agents.list()).items.map((item) => item.id)).toEqual([theirs.id]);
    expect((await b.agents.list({ query: 'agent' })).items.map((item) => item.id)).toEqual([
      theirs.id,
    ]);
    expect((await b.telephony.routes.list()).items).toEqual([]);
    expect((await b.telephony.routes.list({ agentId: agent.id })).items).toEqual([]);
    expect((await a.agents.list()).items.map((item) => item.id)).toEqual([agent.id]);
  });

  test('reading, changing or deleting A’s agent from B is NOT_FOUND, and A’s agent is unchanged', async () => {
    const { b, agent, snapshot } = await setupTwo();
    const before = await snapshot();
    const error = await notFound(() => b.agents.get({ agentId: agent.id }));
    expect(detailsOf(error)).toEqual({ reason: 'not-found', resource: 'agent', id: agent.id });
    await notFound(() => b.agents.update({ agentId: agent.id, name: 'Hijacked' }));
    await notFound(() => b.agents.update({ agentId: agent.id, expectedVersion: 1, config: {} }));
    await notFound(() => b.agents.delete({ agentId: agent.id }));
    expect(await snapshot()).toEqual(before);
  });

  test('reading, changing or deleting A’s route from B is NOT_FOUND, and A’s route is unchanged', async () => {
    const { b, route, snapshot } = await setupTwo();
    const before = await snapshot();
    const theirs = await b.agents.create(buildAgentInput());
    await notFound(() => b.telephony.routes.get({ routeId: route.id }));
    await notFound(() => b.telephony.routes.update({ routeId: route.id, label: 'Hijacked' }));
    await notFound(() => b.telephony.routes.update({ routeId: route.id, agentId: theirs.id }));
    await notFound(() => b.telephony.routes.delete({ routeId: route.id }));
    await notFound(() => b.telephony.resolve({ did: DID }));
    expect(await snapshot()).toEqual(before);
  });

  test('B cannot point a route at A’s agent, nor start a call with it', async () => {
    const { b, agent, snapshot } = await setupTwo();
    const before = await snapshot();
    const error = await notFound(() =>
      b.telephony.routes.create({ did: '+442079460958', agentId: agent.id }),
    );
    expect(error.message).toMatch(/agent .* was not found/);
    await notFound(() => b.session.start({ agentId: agent.id }));
    expect((await b.telephony.routes.list()).items).toEqual([]);
    expect(await snapshot()).toEqual(before);
  });

  test('a number A routes is a CONFLICT for B that names none of A’s ids', async () => {
    const { b, agent, route, snapshot } = await setupTwo();
    const before = await snapshot();
    const theirs = await b.agents.create(buildAgentInput());
    const error = await trpcError(() =>
      b.telephony.routes.create({ did: DID, agentId: theirs.id }),
    );
    expect(error.code).toBe('CONFLICT');
    expect(detailsOf(error)).toBeNull();
    expect((error as { issues?: unknown }).issues).toEqual([
      { path: ['did'], message: expect.stringMatching(/another workspace/) as unknown },
    ]);
    expect(error.message).not.toContain(route.id);
    expect(error.message).not.toContain(agent.id);

    const other = await b.telephony.routes.create({ did: '+33142685300', agentId: theirs.id });
    const moved = await trpcError(() => b.telephony.routes.update({ routeId: other.id, did: DID }));
    expect(moved.code).toBe('CONFLICT');
    expect(detailsOf(moved)).toBeNull();
    expect(await snapshot()).toEqual(before);
  });

  test('telephony.sync repairs every workspace but reports only the caller’s routes', async () => {
    const { a, b, route, sip } = await setupTwo();
    const theirs = await b.agents.create(buildAgentInput());
    const bRoute = await b.telephony.routes.create({ did: '+33142685300', agentId: theirs.id });
    // Both rules go behind Switchboard's back; a sync from B brings both back.
    for (const rule of await sip.listDispatchRules()) await sip.deleteDispatchRule(rule.id);
    const report = await b.telephony.sync();
    expect(report.created.map((entry) => entry.routeId)).toEqual([bRoute.id]);
    expect(report.trunk.numbers).toEqual(['+33142685300']);
    expect(JSON.stringify(report)).not.toContain(route.id);
    expect(JSON.stringify(report)).not.toContain(DID);
    expect(report.unknown).toEqual([]);
    expect((await sip.listDispatchRules()).map((rule) => rule.name).sort()).toEqual(
      [`switchboard:${route.id}`, `switchboard:${bRoute.id}`].sort(),
    );
    expect(await a.telephony.sync()).toMatchObject({ created: [], unchanged: 1 });
  });

  test('an agent that still answers a number in its own workspace cannot be deleted; B’s agents are not counted', async () => {
    const { a, b, agent } = await setupTwo();
    const theirs = await b.agents.create(buildAgentInput());
    await expect(b.agents.delete({ agentId: theirs.id })).resolves.toMatchObject({
      id: theirs.id,
    });
    const error = await trpcError(() => a.agents.delete({ agentId: agent.id }));
    expect(error.code).toBe('CONFLICT');
  });
});
