import { describe, expect, test } from 'vitest';
import type { ApiErrorDetails } from '../../shared/errors.ts';
import { createMemoryAgentStore } from '../adapters/memory/agent-store.memory.ts';
import { createMemoryAgentVersionStore } from '../adapters/memory/agent-version-store.memory.ts';
import { createMemoryDidRouteStore } from '../adapters/memory/did-route-store.memory.ts';
import { createMemoryLiveKitRooms } from '../adapters/memory/livekit-rooms.memory.ts';
import {
  buildAgentInput,
  buildCaller,
  buildIdentity,
  TEST_AGENT_NAME,
  WORKSPACE_A,
  WORKSPACE_B,
} from '../testing/builders.ts';
import { trpcError } from '../testing/trpc-error.ts';

const detailsOf = (error: unknown) => (error as { details?: ApiErrorDetails | null }).details;

/** An agent of workspace A, created by its owner, and callers to act on it. */
async function agentWithVersions() {
  const built = buildCaller();
  const owner = built.as(buildIdentity(WORKSPACE_A, 'owner'));
  const agent = await owner.agents.create(
    buildAgentInput({ config: { instructions: 'One.', llm: { provider: 'openai' } } }),
  );
  return { ...built, owner, agent };
}

describe('draft and published versions', () => {
  test('a new agent is published as version 1 by whoever created it', async () => {
    const { owner, agent } = await agentWithVersions();
    const { items, nextCursor } = await owner.agents.versions({ agentId: agent.id });
    expect(nextCursor).toBeNull();
    expect(items).toEqual([
      expect.objectContaining({
        agentId: agent.id,
        version: 1,
        parentVersion: null,
        restoredFrom: null,
        note: null,
        publishedBy: { kind: 'user', id: `owner-of-${WORKSPACE_A}` },
      }),
    ]);
    expect(items[0]?.configHash).toMatch(/^[0-9a-f]{64}$/);
    const first = await owner.agents.version({ agentId: agent.id, version: 1 });
    expect(first.config).toEqual(agent.config);
  });

  test('editing changes the draft only; publish makes v2 from it, and a second publish makes nothing', async () => {
    const { owner, agent } = await agentWithVersions();
    await owner.agents.update({ agentId: agent.id, config: { instructions: 'Two.' } });
    expect((await owner.agents.versions({ agentId: agent.id })).items).toHaveLength(1);

    const published = await owner.agents.publish({
      agentId: agent.id,
      expectedVersion: 2,
      note: '  shorter  ',
    });
    expect(published).toMatchObject({
      status: 'published',
      version: { version: 2, parentVersion: 1, note: 'shorter' },
    });
    const again = await owner.agents.publish({ agentId: agent.id });
    expect(again).toMatchObject({ status: 'unchanged', version: { version: 2 } });
    expect(
      (await owner.agents.versions({ agentId: agent.id })).items.map((v) => v.version),
    ).toEqual([2, 1]);
    // Version 1 is what it was: nothing rewrote it.
    expect((await owner.agents.version({ agentId: agent.id, version: 1 })).config).toEqual(
      agent.config,
    );
  });

  test('a publish of a draft changed since it was reviewed is a CONFLICT and stores nothing', async () => {
    const { owner, agent } = await agentWithVersions();
    await owner.agents.update({ agentId: agent.id, config: { instructions: 'Two.' } });
    const error = await trpcError(() =>
      owner.agents.publish({ agentId: agent.id, expectedVersion: 1 }),
    );
    expect(error.code).toBe('CONFLICT');
    expect(detailsOf(error)).toMatchObject({
      reason: 'version-conflict',
      expectedVersion: 1,
      currentVersion: 2,
    });
    expect((await owner.agents.versions({ agentId: agent.id })).items).toHaveLength(1);
  });

  test('versions are paged newest first with an opaque cursor; a forged cursor is BAD_REQUEST', async () => {
    const { owner, agent } = await agentWithVersions();
    for (const text of ['Two.', 'Three.', 'Four.']) {
      await owner.agents.update({ agentId: agent.id, config: { instructions: text } });
      await owner.agents.publish({ agentId: agent.id });
    }
    const first = await owner.agents.versions({ agentId: agent.id, limit: 3 });
    expect(first.items.map((v) => v.version)).toEqual([4, 3, 2]);
    expect(first.items[0]).not.toHaveProperty('config');
    const second = await owner.agents.versions({
      agentId: agent.id,
      limit: 3,
      cursor: first.nextCursor,
    });
    expect(second).toMatchObject({ items: [{ version: 1 }], nextCursor: null });
    const error = await trpcError(() =>
      owner.agents.versions({ agentId: agent.id, cursor: 'bm9wZQ' }),
    );
    expect(error.code).toBe('BAD_REQUEST');
  });

  test('a version that does not exist is NOT_FOUND naming it', async () => {
    const { owner, agent } = await agentWithVersions();
    const error = await trpcError(() => owner.agents.version({ agentId: agent.id, version: 7 }));
    expect(error.code).toBe('NOT_FOUND');
    expect(detailsOf(error)).toEqual({
      reason: 'not-found',
      resource: 'agent-version',
      id: `${agent.id}:v7`,
    });
  });
});

describe('diff', () => {
  test('path by path between versions, the draft and the published version', async () => {
    const { owner, agent } = await agentWithVersions();
    await owner.agents.update({
      agentId: agent.id,
      config: { instructions: 'Two.', tts: { provider: 'cartesia' } },
    });
    const draft = await owner.agents.diff({ agentId: agent.id, from: 'published', to: 'draft' });
    expect(draft.from).toMatchObject({ version: 1, draft: false });
    expect(draft.to).toMatchObject({ version: null, draft: true });
    expect(draft.changes).toEqual([
      { kind: 'changed', path: 'instructions', before: 'One.', after: 'Two.' },
      { kind: 'removed', path: 'llm', before: { provider: 'openai' } },
      { kind: 'added', path: 'tts', after: { provider: 'cartesia' } },
    ]);
    await owner.agents.publish({ agentId: agent.id });
    expect(
      (await owner.agents.diff({ agentId: agent.id, from: 'published', to: 'draft' })).changes,
    ).toEqual([]);
    const between = await owner.agents.diff({ agentId: agent.id, from: 2, to: 1 });
    expect(between.changes.map((change) => `${change.kind} ${change.path}`)).toEqual([
      'changed instructions',
      'added llm',
      'removed tts',
    ]);
  });
});

describe('restore', () => {
  test('copies an old version into the draft; with publish, a new version records where it came from', async () => {
    const { owner, agent } = await agentWithVersions();
    await owner.agents.update({ agentId: agent.id, config: { instructions: 'Two.' } });
    await owner.agents.publish({ agentId: agent.id });

    const draftOnly = await owner.agents.restore({ agentId: agent.id, version: 1 });
    expect(draftOnly.published).toBeNull();
    expect(draftOnly.agent).toMatchObject({ version: 3, config: agent.config });
    expect((await owner.agents.versions({ agentId: agent.id })).items).toHaveLength(2);

    await owner.agents.update({ agentId: agent.id, config: { instructions: 'Three.' } });
    const published = await owner.agents.restore({
      agentId: agent.id,
      version: 1,
      publish: true,
      note: 'back to the first',
    });
    expect(published.published).toMatchObject({
      status: 'published',
      version: { version: 3, parentVersion: 2, restoredFrom: 1, note: 'back to the first' },
    });
    expect((await owner.agents.version({ agentId: agent.id, version: 3 })).config).toEqual(
      agent.config,
    );
  });

  test('a restore over a draft changed since it was loaded is a CONFLICT and changes nothing', async () => {
    const { owner, agent } = await agentWithVersions();
    await owner.agents.update({ agentId: agent.id, config: { instructions: 'Two.' } });
    const error = await trpcError(() =>
      owner.agents.restore({ agentId: agent.id, version: 1, publish: true, expectedVersion: 1 }),
    );
    expect(error.code).toBe('CONFLICT');
    expect((await owner.agents.get({ agentId: agent.id })).config).toEqual({
      instructions: 'Two.',
    });
    expect((await owner.agents.versions({ agentId: agent.id })).items).toHaveLength(1);
  });
});

describe('who may', () => {
  test('a viewer reads versions and diffs but cannot publish or restore', async () => {
    const { as, agent } = await agentWithVersions();
    const viewer = as(buildIdentity(WORKSPACE_A, 'viewer'));
    expect((await viewer.agents.versions({ agentId: agent.id })).items).toHaveLength(1);
    await viewer.agents.diff({ agentId: agent.id, from: 1, to: 'draft' });
    for (const attempt of [
      () => viewer.agents.publish({ agentId: agent.id }),
      () => viewer.agents.restore({ agentId: agent.id, version: 1 }),
      () => viewer.agents.deleteVersion({ agentId: agent.id, version: 1 }),
    ]) {
      const error = await trpcError(attempt);
      expect(error.code).toBe('FORBIDDEN');
    }
  });

  test('a member publishes and restores; an API key publishes as itself', async () => {
    const { as, agent } = await agentWithVersions();
    const member = as(buildIdentity(WORKSPACE_A, 'member'));
    await member.agents.update({ agentId: agent.id, config: { instructions: 'Two.' } });
    const published = await member.agents.publish({ agentId: agent.id });
    expect(published.version.publishedBy).toEqual({ kind: 'user', id: `member-of-${WORKSPACE_A}` });

    const key = as({
      workspaceId: WORKSPACE_A,
      actor: { kind: 'api-key', id: 'key_9' },
      scopes: ['agents:write', 'agents:read'],
      permissions: new Set(['agents:write', 'agents:read']),
    });
    const restored = await key.agents.restore({ agentId: agent.id, version: 1, publish: true });
    expect(restored.published?.version.publishedBy).toEqual({ kind: 'api-key', id: 'key_9' });
  });

  test('another workspace’s agent is NOT_FOUND on every version procedure, and is unchanged', async () => {
    const { as, agent, owner } = await agentWithVersions();
    const stranger = as(buildIdentity(WORKSPACE_B, 'owner'));
    const attempts = [
      () => stranger.agents.versions({ agentId: agent.id }),
      () => stranger.agents.version({ agentId: agent.id, version: 1 }),
      () => stranger.agents.diff({ agentId: agent.id, from: 1, to: 'draft' }),
      () => stranger.agents.publish({ agentId: agent.id }),
      () => stranger.agents.restore({ agentId: agent.id, version: 1, publish: true }),
      () => stranger.agents.deleteVersion({ agentId: agent.id, version: 1 }),
    ];
    for (const attempt of attempts) {
      const error = await trpcError(attempt);
      expect(error.code).toBe('NOT_FOUND');
      expect(detailsOf(error)).toMatchObject({ reason: 'not-found', resource: 'agent' });
    }
    expect((await owner.agents.versions({ agentId: agent.id })).items).toHaveLength(1);
  });
});

describe('deleting a version', () => {
  /** An agent with versions 1..3 (3 published) and a number following "published". */
  async function threeVersions() {
    const built = await agentWithVersions();
    const { owner, agent } = built;
    for (const text of ['Two.', 'Three.']) {
      await owner.agents.update({ agentId: agent.id, config: { instructions: text } });
      await owner.agents.publish({ agentId: agent.id });
    }
    return built;
  }

  test('hides it everywhere and never reuses its number', async () => {
    const { owner, agent } = await threeVersions();
    const deleted = await owner.agents.deleteVersion({ agentId: agent.id, version: 2 });
    expect(deleted).toEqual({
      agentId: agent.id,
      version: 2,
      deletedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as unknown,
    });
    const list = await owner.agents.versions({ agentId: agent.id });
    expect(list.items.map((v) => v.version)).toEqual([3, 1]);
    for (const attempt of [
      () => owner.agents.version({ agentId: agent.id, version: 2 }),
      () => owner.agents.diff({ agentId: agent.id, from: 2, to: 'draft' }),
      () => owner.agents.restore({ agentId: agent.id, version: 2 }),
      () => owner.agents.deleteVersion({ agentId: agent.id, version: 2 }),
      () => owner.session.start({ agentId: agent.id, agentVersion: 2 }),
      () =>
        owner.telephony.routes.create({ did: '+14155550100', agentId: agent.id, agentVersion: 2 }),
    ]) {
      const error = await trpcError(attempt);
      expect(error.code).toBe('NOT_FOUND');
      expect(detailsOf(error)).toMatchObject({
        reason: 'not-found',
        resource: 'agent-version',
        id: `${agent.id}:v2`,
      });
    }
    expect((await owner.telephony.routes.list()).items).toEqual([]);
    await owner.agents.update({ agentId: agent.id, config: { instructions: 'Four.' } });
    const next = await owner.agents.publish({ agentId: agent.id });
    expect(next.version).toMatchObject({ version: 4, parentVersion: 3 });
  });

  test('the published version cannot be deleted (CONFLICT version-published); nothing changes', async () => {
    const { owner, agent } = await threeVersions();
    const error = await trpcError(() =>
      owner.agents.deleteVersion({ agentId: agent.id, version: 3 }),
    );
    expect(error.code).toBe('CONFLICT');
    expect(detailsOf(error)).toEqual({
      reason: 'version-published',
      agentId: agent.id,
      version: 3,
      numbers: [],
    });
    expect((await owner.agents.versions({ agentId: agent.id })).items).toHaveLength(3);
  });

  test('a version numbers are pinned to is a CONFLICT naming them; once re-pinned it can go', async () => {
    const { owner, agent } = await threeVersions();
    const first = await owner.telephony.routes.create({
      did: '+442079460958',
      agentId: agent.id,
      agentVersion: 1,
    });
    await owner.telephony.routes.create({
      did: '+14155550100',
      agentId: agent.id,
      agentVersion: 1,
    });
    await owner.telephony.routes.create({ did: '+33142685300', agentId: agent.id });
    const error = await trpcError(() =>
      owner.agents.deleteVersion({ agentId: agent.id, version: 1 }),
    );
    expect(error.code).toBe('CONFLICT');
    expect(detailsOf(error)).toEqual({
      reason: 'version-pinned',
      agentId: agent.id,
      version: 1,
      numbers: ['+14155550100', '+442079460958'],
    });
    expect(error.message).toContain('+14155550100, +442079460958');
    expect(await owner.agents.version({ agentId: agent.id, version: 1 })).toMatchObject({
      version: 1,
    });

    await owner.telephony.routes.update({ routeId: first.id, agentVersion: 2 });
    await owner.telephony.routes.delete({
      routeId: (await owner.telephony.resolve({ did: '+14155550100' })).routeId,
    });
    await expect(
      owner.agents.deleteVersion({ agentId: agent.id, version: 1 }),
    ).resolves.toMatchObject({ version: 1 });
  });

  test('a pin racing a delete: whichever looks second sees the other, so no number is left pinned to a deleted version', async () => {
    // Both orders of the two "look at the other side" reads, made deterministic by pausing the
    // delete between its write and its check while the pin runs whole.
    const versions = createMemoryAgentVersionStore();
    let pause: (() => Promise<void>) | null = null;
    const paused: typeof versions = {
      ...versions,
      async markDeleted(...args) {
        const done = await versions.markDeleted(...args);
        await pause?.();
        return done;
      },
    };
    const memoryRoutes = createMemoryDidRouteStore();
    let beforeInsert: (() => Promise<void>) | null = null;
    const routeStore: typeof memoryRoutes = {
      ...memoryRoutes,
      async create(...args) {
        await beforeInsert?.();
        return memoryRoutes.create(...args);
      },
    };
    const { as } = buildCaller({ agentVersionStore: paused, routes: routeStore });
    const owner = as(buildIdentity(WORKSPACE_A, 'owner'));
    const agent = await owner.agents.create(buildAgentInput());
    await owner.agents.update({ agentId: agent.id, config: { instructions: 'Two.' } });
    await owner.agents.publish({ agentId: agent.id });

    // The pin lands while the delete has hidden v1 but not yet looked for pins: the pin sees v1
    // gone (NOT_FOUND, and its route is not created) ...
    let pinError: unknown;
    pause = async () => {
      pause = null;
      pinError = await trpcError(() =>
        owner.telephony.routes.create({ did: '+14155550100', agentId: agent.id, agentVersion: 1 }),
      );
    };
    await owner.agents.deleteVersion({ agentId: agent.id, version: 1 });
    expect(pinError).toMatchObject({ code: 'NOT_FOUND' });
    expect((await owner.telephony.routes.list()).items).toEqual([]);

    // ... and a pin saved after its own check (which ran before the mark) but before the
    // delete's look makes the delete undo itself.
    await owner.agents.update({ agentId: agent.id, config: { instructions: 'Three.' } });
    await owner.agents.publish({ agentId: agent.id });
    const route = await owner.telephony.routes.create({ did: '+14155550100', agentId: agent.id });
    pause = async () => {
      pause = null;
      await routeStore.update(WORKSPACE_A, route.id, { agentVersion: 2 });
    };
    const refused = await trpcError(() =>
      owner.agents.deleteVersion({ agentId: agent.id, version: 2 }),
    );
    expect(refused.code).toBe('CONFLICT');
    expect(detailsOf(refused)).toMatchObject({
      reason: 'version-pinned',
      numbers: ['+14155550100'],
    });
    expect(await owner.agents.version({ agentId: agent.id, version: 2 })).toMatchObject({
      version: 2,
    });

    // A delete that runs whole between a pin's check and its insert: the pin's second look sees
    // the version gone, withdraws the route and is NOT_FOUND.
    await owner.telephony.routes.update({ routeId: route.id, agentVersion: null });
    beforeInsert = async () => {
      beforeInsert = null;
      await owner.agents.deleteVersion({ agentId: agent.id, version: 2 });
    };
    const late = await trpcError(() =>
      owner.telephony.routes.create({ did: '+442079460958', agentId: agent.id, agentVersion: 2 }),
    );
    expect(late.code).toBe('NOT_FOUND');
    expect(detailsOf(late)).toMatchObject({ resource: 'agent-version', id: `${agent.id}:v2` });
    expect((await owner.telephony.routes.list()).items.map((r) => r.did)).toEqual(['+14155550100']);
  });
});

describe('agents stored before versions', () => {
  test('become version 1, published, with their config, the first time their versions are read', async () => {
    const store = createMemoryAgentStore();
    const legacy = await store.create(WORKSPACE_A, {
      name: 'Old',
      description: '',
      config: { instructions: 'As before.' },
    });
    const versions = createMemoryAgentVersionStore();
    expect(await versions.latest(WORKSPACE_A, legacy.id)).toBeNull();
    const { as } = buildCaller({ store, agentVersionStore: versions });
    const owner = as(buildIdentity(WORKSPACE_A, 'owner'));
    const { items } = await owner.agents.versions({ agentId: legacy.id });
    expect(items).toEqual([
      expect.objectContaining({
        version: 1,
        parentVersion: null,
        publishedBy: { kind: 'system', id: 'switchboard' },
      }),
    ]);
    expect((await owner.agents.version({ agentId: legacy.id, version: 1 })).config).toEqual({
      instructions: 'As before.',
    });
    // Racing first reads make one version 1.
    await Promise.all(
      Array.from({ length: 5 }, () =>
        owner.agents.diff({ agentId: legacy.id, from: 1, to: 'draft' }),
      ),
    );
    expect((await owner.agents.versions({ agentId: legacy.id })).items).toHaveLength(1);
  });
});

describe('session.start pinned to a version', () => {
  test('runs that version’s config after a newer one is published, and the call record names it', async () => {
    const rooms = createMemoryLiveKitRooms();
    const { as } = buildCaller({ rooms });
    const owner = as(buildIdentity(WORKSPACE_A, 'owner'));
    const agent = await owner.agents.create(
      buildAgentInput({ config: { instructions: 'One.', llm: { provider: 'openai' } } }),
    );
    await owner.agents.update({ agentId: agent.id, config: { instructions: 'Two.' } });
    await owner.agents.publish({ agentId: agent.id });

    const pinned = await owner.session.start({ agentId: agent.id, agentVersion: 1 });
    expect(pinned.config.instructions).toBe('One.');
    const [dispatch] = await rooms.listAgentDispatches(pinned.roomName, TEST_AGENT_NAME);
    expect(JSON.parse(dispatch?.metadata ?? '{}')).toMatchObject({
      agentId: agent.id,
      config: { instructions: 'One.' },
    });
    const record = await owner.sessions.get({ sessionId: pinned.sessionId ?? '' });
    const v1 = await owner.agents.version({ agentId: agent.id, version: 1 });
    expect(record).toMatchObject({ agentVersion: 1, agentId: agent.id });
    expect(record.configHash).toMatch(/^[0-9a-f]{64}$/);
    expect(v1.configHash).toMatch(/^[0-9a-f]{64}$/);

    const unpinned = await owner.session.start({ agentId: agent.id });
    expect(unpinned.config.instructions).toBe('Two.');
    expect(await owner.sessions.get({ sessionId: unpinned.sessionId ?? '' })).toMatchObject({
      agentVersion: 2,
      draft: false,
    });
  });

  test('without a version a call runs the published version, not a saved draft; "draft" runs the draft, marked, for those who may edit', async () => {
    const rooms = createMemoryLiveKitRooms();
    const { as } = buildCaller({ rooms });
    const owner = as(buildIdentity(WORKSPACE_A, 'owner'));
    const agent = await owner.agents.create(
      buildAgentInput({ config: { instructions: 'Live.', llm: { provider: 'openai' } } }),
    );
    await owner.agents.update({ agentId: agent.id, config: { instructions: 'Unpublished.' } });

    for (const agentVersion of [undefined, 'published'] as const) {
      const live = await owner.session.start({
        agentId: agent.id,
        ...(agentVersion && { agentVersion }),
      });
      expect(live.config.instructions).toBe('Live.');
      const [dispatch] = await rooms.listAgentDispatches(live.roomName, TEST_AGENT_NAME);
      expect(JSON.parse(dispatch?.metadata ?? '{}')).toMatchObject({
        config: { instructions: 'Live.' },
      });
      expect(await owner.sessions.get({ sessionId: live.sessionId ?? '' })).toMatchObject({
        agentVersion: 1,
        draft: false,
      });
    }

    const member = as(buildIdentity(WORKSPACE_A, 'member'));
    const draft = await member.session.start({ agentId: agent.id, agentVersion: 'draft' });
    expect(draft.config.instructions).toBe('Unpublished.');
    const [dispatch] = await rooms.listAgentDispatches(draft.roomName, TEST_AGENT_NAME);
    expect(JSON.parse(dispatch?.metadata ?? '{}')).toMatchObject({
      config: { instructions: 'Unpublished.' },
    });
    const record = await owner.sessions.get({ sessionId: draft.sessionId ?? '' });
    expect(record).toMatchObject({ agentVersion: null, draft: true });

    // A viewer may start calls, but not of a config nobody published.
    const viewer = as(buildIdentity(WORKSPACE_A, 'viewer'));
    const refused = await trpcError(() =>
      viewer.session.start({ agentId: agent.id, agentVersion: 'draft' }),
    );
    expect(refused.code).toBe('FORBIDDEN');
    expect(detailsOf(refused)).toEqual({ reason: 'forbidden', permission: 'agents:write' });
    expect(refused.cause).toMatchObject({ issues: [{ path: ['agentVersion'] }] });
    await expect(viewer.session.start({ agentId: agent.id })).resolves.toMatchObject({
      config: { instructions: 'Live.' },
    });
  });

  test('a version without agentId is BAD_REQUEST at agentVersion; a missing version NOT_FOUND', async () => {
    const { as } = buildCaller({ rooms: createMemoryLiveKitRooms() });
    const owner = as(buildIdentity(WORKSPACE_A, 'owner'));
    const agent = await owner.agents.create(buildAgentInput());
    const alone = await trpcError(() => owner.session.start({ agentVersion: 1 }));
    expect(alone.code).toBe('BAD_REQUEST');
    expect(alone.cause).toMatchObject({ issues: [{ path: ['agentVersion'] }] });
    const missing = await trpcError(() =>
      owner.session.start({ agentId: agent.id, agentVersion: 4 }),
    );
    expect(missing.code).toBe('NOT_FOUND');
    expect(detailsOf(missing)).toMatchObject({ resource: 'agent-version' });
  });
});
