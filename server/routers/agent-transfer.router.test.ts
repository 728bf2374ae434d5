import { describe, expect, test } from 'vitest';
import { AGENT_EXPORT_MAX_BYTES } from '../../shared/agent-export.schema.ts';
import type { ApiErrorDetails, ApiIssue } from '../../shared/errors.ts';
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../shared/canonical-json.ts';
import {
  buildAgentInput,
  buildApiKeyCaller,
  buildCaller,
  buildIdentity,
  WORKSPACE_A,
  WORKSPACE_B,
} from '../testing/builders.ts';
import { trpcError } from '../testing/trpc-error.ts';
import { createMemoryAgentStore } from '../adapters/memory/agent-store.memory.ts';

const detailsOf = (error: unknown) => (error as { details?: ApiErrorDetails | null }).details;
const issuesOf = (error: unknown) => (error as { issues?: ApiIssue[] }).issues;
const sha256 = (value: unknown) => createHash('sha256').update(canonicalJson(value)).digest('hex');

const PUBLISHED = { instructions: 'Live.', llm: { provider: 'openai', temperature: 0.2 } };
const DRAFT = { instructions: 'Work in progress.', llm: { provider: 'openai', temperature: 0.7 } };

/** An agent of workspace A whose published v2 differs from its draft, and callers to act on it. */
async function agentWithDraft() {
  const built = buildCaller();
  const owner = built.as(buildIdentity(WORKSPACE_A, 'owner'));
  const other = built.as(buildIdentity(WORKSPACE_B, 'owner'));
  const created = await owner.agents.create(
    buildAgentInput({
      name: 'Front desk',
      description: 'Greets callers',
      config: { greeting: 'Hi' },
    }),
  );
  await owner.agents.update({ agentId: created.id, config: PUBLISHED });
  await owner.agents.publish({ agentId: created.id });
  const agent = await owner.agents.update({ agentId: created.id, config: DRAFT });
  return { ...built, owner, other, agent };
}

/** What a workspace holds, to show that a refused import changed nothing. */
async function snapshot(caller: Awaited<ReturnType<typeof agentWithDraft>>['owner']) {
  const { items } = await caller.agents.list({ limit: 100 });
  return Promise.all(
    items.map(async (agent) => ({
      agent,
      versions: (await caller.agents.versions({ agentId: agent.id })).items,
    })),
  );
}

describe('agents.export', () => {
  test('the file holds the draft and the published version, with its hash', async () => {
    const { owner, agent } = await agentWithDraft();
    const file = await owner.agents.export({ agentId: agent.id });
    expect(file).toEqual({
      format: 'switchboard.agent',
      formatVersion: 1,
      exportedAt: expect.any(String) as string,
      agent: { name: 'Front desk', description: 'Greets callers' },
      draft: DRAFT,
      published: { version: 2, configHash: sha256(PUBLISHED), config: PUBLISHED },
    });
  });

  test("another workspace's agent is NOT_FOUND", async () => {
    const { other, agent } = await agentWithDraft();
    const error = await trpcError(() => other.agents.export({ agentId: agent.id }));
    expect(error.code).toBe('NOT_FOUND');
  });

  test('a key with agents:read exports; import and duplicate need agents:write', async () => {
    const { as, agent } = await agentWithDraft();
    const key = as(buildApiKeyCaller(WORKSPACE_A, 'key-1', ['agents:read']));
    const file = await key.agents.export({ agentId: agent.id });
    for (const call of [
      () => key.agents.import({ file }),
      () => key.agents.duplicate({ agentId: agent.id, name: 'Copy' }),
    ]) {
      const error = await trpcError(call);
      expect(error.code).toBe('FORBIDDEN');
      expect(detailsOf(error)).toEqual({ reason: 'forbidden', permission: 'agents:write' });
    }
  });
});

describe('agents.import as a new agent', () => {
  test("its version 1 is the file's published config and its draft the file's draft", async () => {
    const { owner, agent } = await agentWithDraft();
    const file = await owner.agents.export({ agentId: agent.id });
    const imported = await owner.agents.import({ file: JSON.parse(JSON.stringify(file)) });
    expect(imported).toMatchObject({
      status: 'created',
      publishedVersion: 1,
      agent: { name: 'Front desk', description: 'Greets callers', config: DRAFT },
    });
    expect(imported.agent.id).not.toBe(agent.id);
    const versions = (await owner.agents.versions({ agentId: imported.agent.id })).items;
    expect(versions).toEqual([
      expect.objectContaining({
        version: 1,
        configHash: sha256(PUBLISHED),
        publishedBy: { kind: 'user', id: `owner-of-${WORKSPACE_A}` },
      }),
    ]);
    expect((await owner.agents.version({ agentId: imported.agent.id, version: 1 })).config).toEqual(
      PUBLISHED,
    );
    // Round trip: exporting the copy gives the same draft and published config back.
    const again = await owner.agents.export({ agentId: imported.agent.id });
    expect({ ...again, exportedAt: null, published: { ...again.published, version: 2 } }).toEqual({
      ...file,
      exportedAt: null,
    });
  });

  test('name, when given, names the new agent; a file whose draft is published makes no draft change', async () => {
    const { owner } = await agentWithDraft();
    const fresh = await owner.agents.create(buildAgentInput({ config: PUBLISHED }));
    const file = await owner.agents.export({ agentId: fresh.id });
    const imported = await owner.agents.import({ file, name: '  Night   desk ' });
    expect(imported.agent).toMatchObject({ name: 'Night desk', version: 1, config: PUBLISHED });
  });
});

describe('a new agent made in steps', () => {
  test('a failure saving the draft leaves an agent whose draft is its published version 1', async () => {
    const store = createMemoryAgentStore();
    let failUpdates = false;
    const built = buildCaller({
      store: {
        ...store,
        update: (...args) => {
          if (failUpdates) throw new Error('the database went away');
          return store.update(...args);
        },
      },
    });
    const owner = built.as(buildIdentity(WORKSPACE_A, 'owner'));
    const source = await owner.agents.create(buildAgentInput({ config: PUBLISHED }));
    await owner.agents.update({ agentId: source.id, config: DRAFT });
    const file = await owner.agents.export({ agentId: source.id });

    failUpdates = true;
    const error = await trpcError(() => owner.agents.import({ file, name: 'Half made' }));
    expect(error.code).toBe('INTERNAL_SERVER_ERROR');
    const half = (await owner.agents.list({ query: 'Half made' })).items;
    expect(half).toHaveLength(1);
    const [agent] = half;
    // What it would run is what the file said was live; only the draft's changes are missing.
    expect(agent).toMatchObject({ version: 1, config: PUBLISHED });
    const diff = await owner.agents.diff({ agentId: agent!.id, from: 'published', to: 'draft' });
    expect(diff).toMatchObject({ from: { version: 1 }, changes: [] });
  });
});

describe('agents.import into an agent', () => {
  test("the file's draft becomes the draft; the published version stays", async () => {
    const { owner, agent } = await agentWithDraft();
    const target = await owner.agents.create(buildAgentInput({ name: 'Target' }));
    const before = await owner.agents.versions({ agentId: target.id });
    const file = await owner.agents.export({ agentId: agent.id });
    const imported = await owner.agents.import({
      file,
      agentId: target.id,
      expectedVersion: target.version,
    });
    expect(imported).toMatchObject({
      status: 'draft',
      publishedVersion: 1,
      agent: { id: target.id, name: 'Target', config: DRAFT, version: 2 },
    });
    expect(await owner.agents.versions({ agentId: target.id })).toEqual(before);
    const diff = await owner.agents.diff({ agentId: target.id, from: 'published', to: 'draft' });
    expect(diff.changes.length).toBeGreaterThan(0);
  });

  test('a stale expectedVersion is a CONFLICT and changes nothing', async () => {
    const { owner, agent } = await agentWithDraft();
    const file = await owner.agents.export({ agentId: agent.id });
    const before = await snapshot(owner);
    const error = await trpcError(() =>
      owner.agents.import({ file, agentId: agent.id, expectedVersion: 1 }),
    );
    expect(error.code).toBe('CONFLICT');
    expect(detailsOf(error)).toMatchObject({ reason: 'version-conflict', currentVersion: 3 });
    expect(await snapshot(owner)).toEqual(before);
  });

  test("another workspace's agent is NOT_FOUND and keeps its draft", async () => {
    const { owner, other, agent } = await agentWithDraft();
    const file = await owner.agents.export({ agentId: agent.id });
    const theirs = await other.agents.create(buildAgentInput({ name: 'B' }));
    const error = await trpcError(() => owner.agents.import({ file, agentId: theirs.id }));
    expect(error.code).toBe('NOT_FOUND');
    expect(await other.agents.get({ agentId: theirs.id })).toEqual(theirs);
  });

  test('name is refused with agentId, expectedVersion without it', async () => {
    const { owner, agent } = await agentWithDraft();
    const file = await owner.agents.export({ agentId: agent.id });
    const named = await trpcError(() =>
      owner.agents.import({ file, agentId: agent.id, name: 'X' }),
    );
    expect(named.code).toBe('BAD_REQUEST');
    expect(issuesOf(named)?.map((issue) => issue.path)).toEqual([['name']]);
    const versioned = await trpcError(() => owner.agents.import({ file, expectedVersion: 1 }));
    expect(issuesOf(versioned)?.map((issue) => issue.path)).toEqual([['expectedVersion']]);
  });
});

describe('a bad file is a clear error and changes nothing', () => {
  type Edit = (file: Record<string, unknown>) => unknown;
  const cases: {
    name: string;
    edit: Edit;
    code: string;
    path?: string[];
    details?: ApiErrorDetails;
  }[] = [
    {
      name: 'another format',
      edit: (file) => ({ ...file, format: 'vapi.assistant' }),
      code: 'BAD_REQUEST',
      path: ['file', 'format'],
      details: {
        reason: 'unsupported-format',
        format: 'vapi.assistant',
        formatVersion: 1,
        supportedVersions: [1],
      },
    },
    {
      name: 'a newer formatVersion',
      edit: (file) => ({ ...file, formatVersion: 2 }),
      code: 'BAD_REQUEST',
      path: ['file', 'formatVersion'],
      details: {
        reason: 'unsupported-format',
        format: 'switchboard.agent',
        formatVersion: 2,
        supportedVersions: [1],
      },
    },
    {
      name: 'a draft config the agent schema refuses',
      edit: (file) => ({ ...file, draft: { llm: { temperature: 5 } } }),
      code: 'BAD_REQUEST',
      path: ['file', 'draft', 'llm', 'temperature'],
    },
    {
      name: 'a published config edited by hand (its hash no longer matches)',
      edit: (file) => ({
        ...file,
        published: {
          ...(file.published as object),
          config: { instructions: 'Edited.' },
        },
      }),
      code: 'BAD_REQUEST',
      path: ['file', 'published', 'configHash'],
    },
    {
      name: 'a forbidden key deep in the published config',
      edit: (file) => ({
        ...file,
        published: { ...(file.published as object), config: { llm: { $where: 'x' } } },
      }),
      code: 'BAD_REQUEST',
      path: ['file', 'published', 'config', 'llm', '$where'],
    },
    {
      name: 'a file over the limit',
      edit: (file) => ({ ...file, padding: 'x'.repeat(AGENT_EXPORT_MAX_BYTES) }),
      code: 'PAYLOAD_TOO_LARGE',
    },
    {
      name: 'nesting deeper than allowed, even where the format has no field',
      edit: (file) => {
        let deep: unknown = 'bottom';
        for (let i = 0; i < 40; i++) deep = { deeper: deep };
        return { ...file, extra: deep };
      },
      code: 'BAD_REQUEST',
      path: ['file', 'extra', ...Array<string>(31).fill('deeper')],
    },
    {
      name: 'not an object',
      edit: () => ['switchboard.agent'],
      code: 'BAD_REQUEST',
      path: ['file'],
    },
  ];

  test.each(cases)('$name', async ({ edit, code, path, details }) => {
    const { owner, agent } = await agentWithDraft();
    const file = edit(await owner.agents.export({ agentId: agent.id }));
    const before = await snapshot(owner);
    for (const input of [{ file }, { file, agentId: agent.id }]) {
      const error = await trpcError(() => owner.agents.import(input));
      expect(error.code).toBe(code);
      if (path) expect(issuesOf(error)?.map((issue) => issue.path)).toEqual([path]);
      if (details) expect(detailsOf(error)).toEqual(details);
      if (code === 'PAYLOAD_TOO_LARGE') {
        expect(detailsOf(error)).toMatchObject({
          reason: 'too-large',
          limitBytes: AGENT_EXPORT_MAX_BYTES,
        });
      }
    }
    expect(await snapshot(owner)).toEqual(before);
  });

  test('the hash mismatch says the file was edited by hand', async () => {
    const { owner, agent } = await agentWithDraft();
    const file = await owner.agents.export({ agentId: agent.id });
    const error = await trpcError(() =>
      owner.agents.import({
        file: { ...file, published: { ...file.published, configHash: 'a'.repeat(64) } },
      }),
    );
    expect(error.message).toMatch(/^file\.published\.configHash: .*edited by hand/);
  });
});

describe('agents.duplicate', () => {
  test("a new agent with the source's draft, its published config as version 1; the source is untouched", async () => {
    const { owner, agent } = await agentWithDraft();
    const before = await snapshot(owner);
    const copy = await owner.agents.duplicate({ agentId: agent.id, name: 'Front desk (copy)' });
    expect(copy).toMatchObject({
      status: 'created',
      publishedVersion: 1,
      agent: { name: 'Front desk (copy)', description: 'Greets callers', config: DRAFT },
    });
    const versions = (await owner.agents.versions({ agentId: copy.agent.id })).items;
    expect(versions.map((v) => [v.version, v.configHash])).toEqual([[1, sha256(PUBLISHED)]]);
    const after = await snapshot(owner);
    expect(after.filter((entry) => entry.agent.id !== copy.agent.id)).toEqual(before);
  });

  test("another workspace's agent is NOT_FOUND, and nothing is created", async () => {
    const { other, agent } = await agentWithDraft();
    const error = await trpcError(() =>
      other.agents.duplicate({ agentId: agent.id, name: 'Mine' }),
    );
    expect(error.code).toBe('NOT_FOUND');
    expect((await other.agents.list()).items).toEqual([]);
  });

  test('a viewer may export but not duplicate', async () => {
    const { as, agent } = await agentWithDraft();
    const viewer = as(buildIdentity(WORKSPACE_A, 'viewer'));
    await expect(viewer.agents.export({ agentId: agent.id })).resolves.toMatchObject({
      formatVersion: 1,
    });
    const error = await trpcError(() => viewer.agents.duplicate({ agentId: agent.id, name: 'X' }));
    expect(error.code).toBe('FORBIDDEN');
  });
});
