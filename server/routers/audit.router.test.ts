import type { IncomingMessage } from 'node:http';
import { describe, expect, test } from 'vitest';
import type { AuditEntry } from '../../shared/audit.schema.ts';
import type { ApiErrorDetails } from '../../shared/errors.ts';
import { WORKSPACE_HEADER } from '../../shared/workspace.schema.ts';
import { createMemoryAuditStore } from '../adapters/memory/audit-store.memory.ts';
import { createMemorySip } from '../adapters/memory/sip-dispatch.memory.ts';
import { createAuthenticate } from '../auth/authenticate.ts';
import { createInnerContext, type Services } from '../context.ts';
import type { AccountUser } from '../ports/accounts.port.ts';
import type { AuditStore } from '../ports/audit-store.port.ts';
import { buildAgentInput, buildCaller, type BuildServicesOptions } from '../testing/builders.ts';
import { buildPeople } from '../testing/people.ts';
import { trpcError } from '../testing/trpc-error.ts';
import { createCaller } from './_app.ts';
import { auditRouter } from './audit.router.ts';

const detailsOf = (error: unknown) => (error as { details?: ApiErrorDetails | null }).details;
const issuesOf = (error: unknown) => (error as { issues?: { path: string[] }[] }).issues;

/**
 * Services with real accounts and a memory SIP API. People act through a session (its id is
 * what `via` names), keys through the real key authentication.
 */
function setup(options: Omit<BuildServicesOptions, 'logger'> = {}) {
  const built = buildCaller({ sip: createMemorySip(), ...options });
  const people = buildPeople(built);
  const { services, logger } = built;
  let sessions = 0;
  /** `user` signed in with a session of their own, working in `workspaceId`. */
  const session = async (user: AccountUser, workspaceId: string) => {
    const sessionId = `session-${++sessions}`;
    const authenticate = createAuthenticate({
      accounts: { sessionUser: async () => ({ ...user, sessionId }) },
      workspaces: services.workspaces,
      keys: services.keys,
    });
    const req = { headers: { [WORKSPACE_HEADER]: workspaceId } } as unknown as IncomingMessage;
    const { caller } = await authenticate(req);
    return {
      sessionId,
      api: createCaller(createInnerContext({ services, logger, caller, user })),
    };
  };
  /** A router caller for a secret key, authenticated as a request bearing it is. */
  const withKey = async (secret: string) => {
    const authenticate = createAuthenticate({
      accounts: { sessionUser: async () => null },
      workspaces: services.workspaces,
      keys: services.keys,
    });
    const req = { headers: { authorization: `Bearer ${secret}` } } as unknown as IncomingMessage;
    const { caller } = await authenticate(req);
    return createCaller(createInnerContext({ services, logger, caller }));
  };
  /** An owner of a new workspace, signed in, and a member of each other role. */
  const workspace = async (name: string) => {
    const owner = await people.account(`owner@${name}.example`, `Owner of ${name}`);
    const { id: workspaceId } = await services.workspaces.create(owner, name);
    const others: Record<'admin' | 'member' | 'viewer', AccountUser> = {
      admin: await people.account(`admin@${name}.example`),
      member: await people.account(`member@${name}.example`),
      viewer: await people.account(`viewer@${name}.example`),
    };
    const ownerSession = await session(owner, workspaceId);
    for (const [role, user] of Object.entries(others)) {
      const { token } = await ownerSession.api.invitations.create({
        email: user.email,
        role: role as 'admin',
      });
      await services.workspaces.acceptInvitation(token, { user });
    }
    return { workspaceId, owner, ownerSession, others };
  };
  return { ...built, ...people, session, withKey, workspace };
}

/** Every entry of the workspace, newest first (all pages). */
async function allEntries(services: Services, workspaceId: string): Promise<AuditEntry[]> {
  const entries: AuditEntry[] = [];
  let cursor: string | null = null;
  do {
    const page = await services.audit.list(workspaceId, { limit: 100, cursor });
    entries.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return entries;
}

describe('who may read the audit log', () => {
  test('an owner reads it; an admin, a member and a viewer are FORBIDDEN naming audit:read', async () => {
    const { workspace, session } = setup();
    const { workspaceId, ownerSession, others } = await workspace('acme');
    expect((await ownerSession.api.audit.list({})).items.length).toBeGreaterThan(0);
    for (const user of Object.values(others)) {
      const { api } = await session(user, workspaceId);
      const error = await trpcError(() => api.audit.list({}));
      expect(error.code).toBe('FORBIDDEN');
      expect(detailsOf(error)).toEqual({ reason: 'forbidden', permission: 'audit:read' });
    }
  });

  test('a key reads it only with the audit:read scope, which only an owner can give', async () => {
    const { workspace, session, withKey } = setup();
    const { workspaceId, ownerSession, others } = await workspace('acme');
    const admin = await session(others.admin, workspaceId);
    const refused = await trpcError(() =>
      admin.api.keys.create({ kind: 'secret', name: 'auditor', scopes: ['audit:read'] }),
    );
    expect(refused.code).toBe('FORBIDDEN');
    expect(detailsOf(refused)).toEqual({ reason: 'forbidden', permission: 'audit:read' });

    const auditor = await ownerSession.api.keys.create({
      kind: 'secret',
      name: 'auditor',
      scopes: ['audit:read'],
    });
    const reader = await withKey(auditor.secret);
    expect((await reader.audit.list({})).items[0]).toMatchObject({ action: 'key.create' });
    const other = await admin.api.keys.create({
      kind: 'secret',
      name: 'agents',
      scopes: ['agents:read', 'agents:write'],
    });
    const error = await trpcError(async () => (await withKey(other.secret)).audit.list({}));
    expect(error.code).toBe('FORBIDDEN');
  });

  test('nothing in the router changes an entry: the audit router has one procedure, a query', () => {
    const procedures = auditRouter._def.procedures as Record<string, { _def: { type: string } }>;
    expect(Object.keys(procedures)).toEqual(['list']);
    expect(procedures.list?._def.type).toBe('query');
  });
});

describe('what is recorded', () => {
  test('agent create, update (name and config, path by path), publish, restore and delete, with who and from which session', async () => {
    const { workspace, services } = setup();
    const { workspaceId, owner, ownerSession } = await workspace('acme');
    const { api, sessionId } = ownerSession;
    const created = await api.agents.create(buildAgentInput({ name: 'Front desk' }));
    const { greeting: _greeting, ...withoutGreeting } = created.config;
    const updated = await api.agents.update({
      agentId: created.id,
      expectedVersion: created.version,
      name: 'Reception',
      config: { ...withoutGreeting, instructions: 'Be brief.' },
    });
    await api.agents.publish({ agentId: created.id, note: 'shorter' });
    await api.agents.restore({ agentId: created.id, version: 1, publish: true });
    await api.agents.deleteVersion({ agentId: created.id, version: 2 });
    await api.agents.delete({ agentId: created.id });

    const entries = (await api.audit.list({ agentId: created.id })).items;
    expect(entries.map((entry) => entry.action)).toEqual([
      'agent.delete',
      'agent.version-delete',
      'agent.restore',
      'agent.publish',
      'agent.update',
      'agent.create',
    ]);
    for (const entry of entries) {
      expect(entry.actor).toEqual({ kind: 'user', id: owner.id, name: owner.name });
      expect(entry.via).toEqual({ kind: 'session', id: sessionId });
      expect(entry.target).toMatchObject({ type: 'agent', id: created.id });
      expect(entry.agentId).toBe(created.id);
      expect(Date.parse(entry.at)).not.toBeNaN();
    }
    const [deleted, versionDeleted, restored, published, update, create] = entries;
    expect(versionDeleted?.details).toEqual({ version: 2 });
    expect(create?.target.name).toBe('Front desk');
    expect(update?.changes).toEqual([
      { kind: 'removed', path: 'config.greeting', before: 'Hello!' },
      {
        kind: 'changed',
        path: 'config.instructions',
        before: 'You are a helpful receptionist.',
        after: 'Be brief.',
      },
      { kind: 'changed', path: 'name', before: 'Front desk', after: 'Reception' },
    ]);
    expect(update?.details).toEqual({ version: { from: 1, to: updated.version } });
    expect(published?.details).toEqual({ version: 2, parentVersion: 1, note: 'shorter' });
    expect(published?.changes?.map((change) => change.path)).toEqual([
      'config.greeting',
      'config.instructions',
    ]);
    expect(restored?.details).toMatchObject({ restoredFrom: 1, published: 3 });
    expect(restored?.changes).toEqual([
      { kind: 'added', path: 'config.greeting', after: 'Hello!' },
      {
        kind: 'changed',
        path: 'config.instructions',
        before: 'Be brief.',
        after: 'You are a helpful receptionist.',
      },
    ]);
    expect(deleted?.target.name).toBe('Reception');
    // The restore's own draft update is part of the restore: no second entry for it.
    const all = await allEntries(services, workspaceId);
    expect(all.filter((entry) => entry.action === 'agent.update')).toHaveLength(1);
  });

  test('duplicate and import are recorded as the changes they make, with who', async () => {
    const { workspace } = setup();
    const { api, sessionId } = (await workspace('acme')).ownerSession;
    const source = await api.agents.create(buildAgentInput({ name: 'Source' }));
    const copy = await api.agents.duplicate({ agentId: source.id, name: 'Copy' });
    const file = await api.agents.export({ agentId: source.id });
    await api.agents.import({
      file: { ...file, draft: { ...file.draft, instructions: 'Imported.' } },
      agentId: copy.agent.id,
    });
    const entries = (await api.audit.list({ agentId: copy.agent.id })).items;
    expect(entries.map((entry) => entry.action)).toEqual(['agent.update', 'agent.create']);
    expect(
      entries.every((entry) => entry.via.kind === 'session' && entry.via.id === sessionId),
    ).toBe(true);
    expect(entries[0]?.changes).toEqual([
      {
        kind: 'changed',
        path: 'config.instructions',
        before: 'You are a helpful receptionist.',
        after: 'Imported.',
      },
    ]);
  });

  test('a publish that stores nothing (an unchanged draft) records nothing', async () => {
    const { workspace } = setup();
    const { api } = (await workspace('acme')).ownerSession;
    const agent = await api.agents.create(buildAgentInput());
    expect((await api.agents.publish({ agentId: agent.id })).status).toBe('unchanged');
    const entries = (await api.audit.list({ agentId: agent.id })).items;
    expect(entries.map((entry) => entry.action)).toEqual(['agent.create']);
  });

  test('phone numbers: create, update (what changed) and delete, filed under the agent they route to', async () => {
    const { workspace } = setup();
    const { api } = (await workspace('acme')).ownerSession;
    const first = await api.agents.create(buildAgentInput({ name: 'First' }));
    const second = await api.agents.create(buildAgentInput({ name: 'Second' }));
    const route = await api.telephony.routes.create({ did: '+14155550100', agentId: first.id });
    await api.telephony.routes.update({ routeId: route.id, agentId: second.id, label: 'Sales' });
    await api.telephony.routes.delete({ routeId: route.id });

    const numbers = (await api.audit.list({})).items.filter((entry) =>
      entry.action.startsWith('number.'),
    );
    expect(numbers.map((entry) => [entry.action, entry.agentId])).toEqual([
      ['number.delete', second.id],
      ['number.update', second.id],
      ['number.create', first.id],
    ]);
    for (const entry of numbers) {
      expect(entry.target).toEqual({ type: 'number', id: route.id, name: '+14155550100' });
    }
    expect(numbers[1]?.changes).toEqual([
      { kind: 'changed', path: 'agentId', before: first.id, after: second.id },
      { kind: 'added', path: 'label', after: 'Sales' },
    ]);
    expect(numbers[2]?.changes).toContainEqual({
      kind: 'added',
      path: 'did',
      after: '+14155550100',
    });
    // The first agent's history shows the number that routed to it.
    expect(
      (await api.audit.list({ agentId: first.id })).items.map((entry) => entry.action),
    ).toEqual(['number.create', 'agent.create']);
  });

  test('members, keys and the workspace: invite, join, role, remove, key create and revoke, rename; never a token or a secret', async () => {
    const { workspace, services } = setup();
    const { workspaceId, ownerSession, others } = await workspace('acme');
    const { api } = ownerSession;
    await api.members.setRole({ userId: others.member.id, role: 'admin' });
    await api.members.remove({ userId: others.viewer.id });
    const { token } = await api.invitations.create({ email: 'late@acme.example', role: 'viewer' });
    const invitations = await api.invitations.list();
    await api.invitations.revoke({ id: invitations[0]!.id });
    const key = await api.keys.create({ kind: 'secret', name: 'CI', scopes: ['agents:read'] });
    await api.keys.revoke({ id: key.key.id });
    await api.workspaces.rename({ name: 'Acme Inc' });

    const entries = await allEntries(services, workspaceId);
    const byAction = (action: string) => entries.filter((entry) => entry.action === action);
    expect(byAction('member.role')[0]).toMatchObject({
      target: { type: 'member', id: others.member.id, name: others.member.email },
      details: { role: { from: 'member', to: 'admin' } },
      agentId: null,
    });
    expect(byAction('member.remove')[0]).toMatchObject({
      target: { type: 'member', id: others.viewer.id, name: others.viewer.email },
      details: { role: 'viewer' },
    });
    // The three set-up invitations and the late one; each accepted one is a join by that person.
    expect(byAction('member.invite')).toHaveLength(4);
    expect(
      byAction('member.join')
        .map((entry) => entry.actor.id)
        .sort(),
    ).toEqual(
      Object.values(others)
        .map((user) => user.id)
        .sort(),
    );
    expect(byAction('member.invitation-revoke')).toHaveLength(1);
    expect(byAction('key.create')[0]).toMatchObject({
      target: { type: 'key', id: key.key.id, name: 'CI' },
      details: { kind: 'secret', scopes: ['agents:read'], start: key.key.start },
    });
    expect(byAction('key.revoke')[0]).toMatchObject({ target: { type: 'key', id: key.key.id } });
    expect(byAction('workspace.rename')[0]).toMatchObject({
      target: { type: 'workspace', id: workspaceId, name: 'Acme Inc' },
      details: { name: { from: 'acme', to: 'Acme Inc' } },
    });
    const everything = JSON.stringify(entries);
    expect(everything).not.toContain(key.secret);
    expect(everything).not.toContain(token);
  });

  test('a key acting is recorded as that key, by its name', async () => {
    const { workspace, withKey } = setup();
    const { ownerSession } = await workspace('acme');
    const { key, secret } = await ownerSession.api.keys.create({
      kind: 'secret',
      name: 'Deploy bot',
      scopes: ['agents:write', 'agents:read'],
    });
    const agent = await (await withKey(secret)).agents.create(buildAgentInput());
    const [entry] = (await ownerSession.api.audit.list({ agentId: agent.id })).items;
    expect(entry?.actor).toEqual({ kind: 'api-key', id: key.id, name: 'Deploy bot' });
    expect(entry?.via).toEqual({ kind: 'api-key', id: key.id });
    expect((await ownerSession.api.audit.list({ actorId: key.id })).items).toEqual([entry]);
  });
});

describe('reading the log', () => {
  test("another workspace's entries are never visible, whatever the filter", async () => {
    const { workspace } = setup();
    const acme = await workspace('acme');
    const globex = await workspace('globex');
    const theirs = await globex.ownerSession.api.agents.create(buildAgentInput());
    const ours = (await acme.ownerSession.api.audit.list({ limit: 100 })).items;
    expect(ours.length).toBeGreaterThan(0);
    expect(JSON.stringify(ours)).not.toContain(theirs.id);
    expect(JSON.stringify(ours)).not.toContain(globex.owner.id);
    expect((await acme.ownerSession.api.audit.list({ agentId: theirs.id })).items).toEqual([]);
    expect((await acme.ownerSession.api.audit.list({ actorId: globex.owner.id })).items).toEqual(
      [],
    );
  });

  test('newest first, paged by an opaque cursor; filters by member; a forged cursor is BAD_REQUEST at cursor', async () => {
    const { workspace, session } = setup();
    const { workspaceId, ownerSession, others } = await workspace('acme');
    const member = await session(others.member, workspaceId);
    for (const name of ['One', 'Two', 'Three']) {
      await member.api.agents.create(buildAgentInput({ name }));
    }
    const first = await ownerSession.api.audit.list({ actorId: others.member.id, limit: 2 });
    expect(first.items.map((entry) => entry.target.name)).toEqual(['Three', 'Two']);
    const second = await ownerSession.api.audit.list({
      actorId: others.member.id,
      limit: 2,
      cursor: first.nextCursor,
    });
    // The member's own join comes after (older than) the agents they made.
    expect(second.items.map((entry) => entry.action)).toEqual(['agent.create', 'member.join']);
    expect(second.nextCursor).toBeNull();

    const forged = await trpcError(() =>
      ownerSession.api.audit.list({ cursor: Buffer.from('1.nope').toString('base64url') }),
    );
    expect(forged.code).toBe('BAD_REQUEST');
    expect(issuesOf(forged)?.map((issue) => issue.path)).toEqual([['cursor']]);
    const badAgent = await trpcError(() => ownerSession.api.audit.list({ agentId: 'nope' }));
    expect(badAgent.code).toBe('BAD_REQUEST');
  });

  test('an entry that cannot be written is logged at error level; the change stands', async () => {
    const broken: AuditStore = {
      ...createMemoryAuditStore(),
      append: async () => {
        throw new Error('the database is gone');
      },
    };
    const { caller, logger } = setup({ auditStore: broken });
    const agent = await caller.agents.create(buildAgentInput());
    expect((await caller.agents.get({ agentId: agent.id })).name).toBe(agent.name);
    expect(logger.lines.some((line) => line.includes('audit entry could not be written'))).toBe(
      true,
    );
    expect((await caller.audit.list({})).items).toEqual([]);
  });
});
