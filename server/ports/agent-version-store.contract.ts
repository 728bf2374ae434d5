import { beforeEach, describe, expect, test } from 'vitest';
import type { AgentConfig } from '../../shared/agent.schema.ts';
import type {
  AgentVersionRecord,
  AgentVersionStore,
  NewAgentVersionRecord,
} from './agent-version-store.port.ts';

/** The workspace most tests work in, and another one that must never see into it. */
const WS = 'aaaaaaaaaaaaaaaaaaaaaaaa';
const OTHER_WS = 'bbbbbbbbbbbbbbbbbbbbbbbb';
const AGENT = '64c0000000000000000000a1';
const OTHER_AGENT = '64c0000000000000000000a2';

/** The port's methods: an adapter has these and nothing else that touches versions. */
const PORT_METHODS = [
  'append',
  'ensureFirst',
  'get',
  'latest',
  'list',
  'markDeleted',
  'unmarkDeleted',
];

/**
 * The behaviour every AgentVersionStore adapter must have. Each adapter's test file runs it:
 * `describeAgentVersionStoreContract('memory', async () => createMemoryAgentVersionStore())`.
 * `makeStore` is called before every test and must return an empty store. `setupMethods` names
 * the adapter's own start-up methods (`ensureIndexes`), which are not about versions.
 */
export function describeAgentVersionStoreContract(
  name: string,
  makeStore: () => Promise<AgentVersionStore>,
  options: { setupMethods?: readonly string[] } = {},
): void {
  describe(`AgentVersionStore contract: ${name}`, () => {
    let store: AgentVersionStore;
    beforeEach(async () => {
      store = await makeStore();
    });

    /** A config (and its stand-in hash) told apart by `n`. */
    const buildVersion = (
      n: number,
      overrides: Partial<NewAgentVersionRecord> = {},
    ): NewAgentVersionRecord => ({
      config: { instructions: `Be kind, take ${n}`, llm: { provider: 'openai', model: 'gpt-4o' } },
      configHash: `hash-${n}`,
      restoredFrom: null,
      note: `take ${n}`,
      publishedBy: { kind: 'user', id: 'user-1' },
      publishedAt: new Date(Date.UTC(2026, 0, 1, 12, 0, n, 125)),
      ...overrides,
    });
    const created = (outcome: Awaited<ReturnType<AgentVersionStore['append']>>) => {
      expect(outcome.status).toBe('created');
      if (outcome.status !== 'created') throw new Error('not created');
      return outcome.version;
    };
    const appendAll = async (count: number, workspaceId = WS, agentId = AGENT) => {
      const versions: AgentVersionRecord[] = [];
      for (let n = 1; n <= count; n++)
        versions.push(created(await store.append(workspaceId, agentId, buildVersion(n))));
      return versions;
    };

    test('the store has exactly the port methods: nothing changes what a version says', () => {
      const methods = Object.keys(store).filter((key) => !options.setupMethods?.includes(key));
      expect(methods.sort()).toEqual(PORT_METHODS);
    });

    test('append numbers 1, 2, 3, each with the previous latest as its parent', async () => {
      const [v1, v2, v3] = await appendAll(3);
      expect(v1).toEqual({
        ...buildVersion(1),
        workspaceId: WS,
        agentId: AGENT,
        version: 1,
        parentVersion: null,
      });
      expect([v2, v3].map((v) => [v?.version, v?.parentVersion])).toEqual([
        [2, 1],
        [3, 2],
      ]);
      expect(await store.get(WS, AGENT, 2)).toEqual(v2);
      expect(await store.latest(WS, AGENT)).toEqual(v3);
    });

    test('append keeps restoredFrom, a null note and every author kind as given', async () => {
      await appendAll(2);
      const restore = created(
        await store.append(
          WS,
          AGENT,
          buildVersion(9, {
            config: buildVersion(1).config,
            restoredFrom: 1,
            note: null,
            publishedBy: { kind: 'api-key', id: 'key-7' },
          }),
        ),
      );
      expect(restore).toMatchObject({
        version: 3,
        parentVersion: 2,
        restoredFrom: 1,
        note: null,
        publishedBy: { kind: 'api-key', id: 'key-7' },
      });
      expect(await store.get(WS, AGENT, 3)).toEqual(restore);
    });

    test('the same configHash as the latest is unchanged and stores nothing', async () => {
      const [, v2] = await appendAll(2);
      const outcome = await store.append(
        WS,
        AGENT,
        buildVersion(2, { note: 'again', publishedAt: new Date(Date.UTC(2026, 1, 1)) }),
      );
      expect(outcome).toEqual({ status: 'unchanged', latest: v2 });
      expect(await store.latest(WS, AGENT)).toEqual(v2);
      expect(await store.list(WS, AGENT, { limit: 10 })).toHaveLength(2);
    });

    test('the same configHash as an older version (not the latest) is a new version', async () => {
      await appendAll(2);
      const v3 = created(await store.append(WS, AGENT, buildVersion(1)));
      expect(v3).toMatchObject({ version: 3, parentVersion: 2, configHash: 'hash-1' });
    });

    test('config round-trips exactly: nesting, empty objects, arrays, unicode, unknown keys', async () => {
      const config = {
        instructions: 'Réponds en français 🇫🇷 — “quoted” 日本語',
        tools: ['lookup', { name: 'transfer', parameters: { to: { type: 'string' } } }],
        variables: {},
        emptyList: [],
        futureField: { nested: { deeper: [1, 2.5, -0.125, null, true, '', { empty: {} }] } },
      } as AgentConfig;
      const version = created(await store.append(WS, AGENT, buildVersion(1, { config })));
      expect(version.config).toEqual(config);
      expect((await store.get(WS, AGENT, 1))?.config).toEqual(config);
      expect((await store.latest(WS, AGENT))?.config).toEqual(config);
      expect((await store.list(WS, AGENT, { limit: 1 }))[0]?.config).toEqual(config);
    });

    test('an empty config round-trips as {}', async () => {
      created(await store.append(WS, AGENT, buildVersion(1, { config: {} })));
      expect((await store.get(WS, AGENT, 1))?.config).toEqual({});
    });

    test('ensureFirst stores version 1 when the agent has none, and is idempotent', async () => {
      const first = await store.ensureFirst(WS, AGENT, buildVersion(1));
      expect(first).toEqual({
        ...buildVersion(1),
        workspaceId: WS,
        agentId: AGENT,
        version: 1,
        parentVersion: null,
      });
      expect(await store.ensureFirst(WS, AGENT, buildVersion(2))).toEqual(first);
      expect(await store.list(WS, AGENT, { limit: 10 })).toEqual([first]);
    });

    test('ensureFirst on an agent with versions returns its version 1 and stores nothing', async () => {
      const [v1] = await appendAll(3);
      expect(await store.ensureFirst(WS, AGENT, buildVersion(7))).toEqual(v1);
      expect((await store.latest(WS, AGENT))?.version).toBe(3);
      expect(await store.list(WS, AGENT, { limit: 10 })).toHaveLength(3);
    });

    test('20 racing ensureFirst calls all get the one version 1 stored', async () => {
      const firsts = await Promise.all(
        Array.from({ length: 20 }, (_, i) => store.ensureFirst(WS, AGENT, buildVersion(i + 1))),
      );
      const stored = await store.list(WS, AGENT, { limit: 50 });
      expect(stored).toHaveLength(1);
      expect(stored[0]?.version).toBe(1);
      for (const first of firsts) expect(first).toEqual(stored[0]);
    });

    test('20 racing appends with distinct configs get exactly versions 1..20, each its own config', async () => {
      const inputs = Array.from({ length: 20 }, (_, i) => buildVersion(i + 1));
      const outcomes = await Promise.all(inputs.map((input) => store.append(WS, AGENT, input)));
      const versions = outcomes.map(created);
      expect(versions.map((v) => v.version).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 20 }, (_, i) => i + 1),
      );
      versions.forEach((version, i) => {
        expect(version.configHash).toBe(inputs[i]!.configHash);
        expect(version.config).toEqual(inputs[i]!.config);
      });
      const listed = await store.list(WS, AGENT, { limit: 50 });
      expect(listed.map((v) => v.version)).toEqual(Array.from({ length: 20 }, (_, i) => 20 - i));
      for (const version of versions) {
        expect(await store.get(WS, AGENT, version.version)).toEqual(version);
      }
      // Every parent is a version that was stored before (the latest its publisher saw).
      for (const version of listed) {
        if (version.version === 1) expect(version.parentVersion).toBeNull();
        else expect(version.parentVersion).toBe(version.version - 1);
      }
      expect((await store.latest(WS, AGENT))?.version).toBe(20);
    });

    test('racing appends of one config store it once; the rest see it unchanged', async () => {
      await appendAll(1);
      const outcomes = await Promise.all(
        Array.from({ length: 10 }, () => store.append(WS, AGENT, buildVersion(2))),
      );
      expect(outcomes.filter((o) => o.status === 'created')).toHaveLength(1);
      for (const outcome of outcomes) {
        if (outcome.status === 'unchanged') expect(outcome.latest.version).toBe(2);
      }
      expect((await store.list(WS, AGENT, { limit: 50 })).map((v) => v.version)).toEqual([2, 1]);
    });

    test('latest, get and list of an agent without versions are null and empty', async () => {
      expect(await store.latest(WS, AGENT)).toBeNull();
      expect(await store.get(WS, AGENT, 1)).toBeNull();
      expect(await store.list(WS, AGENT, { limit: 10 })).toEqual([]);
    });

    test('get of a version number that was never stored is null', async () => {
      await appendAll(2);
      expect(await store.get(WS, AGENT, 3)).toBeNull();
      expect(await store.get(WS, AGENT, 0)).toBeNull();
      expect(await store.get(WS, OTHER_AGENT, 1)).toBeNull();
    });

    test('list is newest first and pages with limit and beforeVersion', async () => {
      await appendAll(5);
      const page = async (query: { limit: number; beforeVersion?: number }) =>
        (await store.list(WS, AGENT, query)).map((v) => v.version);
      expect(await page({ limit: 10 })).toEqual([5, 4, 3, 2, 1]);
      expect(await page({ limit: 2 })).toEqual([5, 4]);
      expect(await page({ limit: 2, beforeVersion: 4 })).toEqual([3, 2]);
      expect(await page({ limit: 2, beforeVersion: 2 })).toEqual([1]);
      expect(await page({ limit: 2, beforeVersion: 1 })).toEqual([]);
      expect(await page({ limit: 10, beforeVersion: 99 })).toEqual([5, 4, 3, 2, 1]);
    });

    test('agents number independently', async () => {
      await appendAll(3);
      const other = created(await store.append(WS, OTHER_AGENT, buildVersion(1)));
      expect(other).toMatchObject({ agentId: OTHER_AGENT, version: 1, parentVersion: null });
      expect((await store.list(WS, OTHER_AGENT, { limit: 10 })).map((v) => v.version)).toEqual([1]);
      expect((await store.latest(WS, AGENT))?.version).toBe(3);
    });

    test("another workspace's versions are invisible to every method", async () => {
      const [v1, v2] = await appendAll(2);
      expect(await store.latest(OTHER_WS, AGENT)).toBeNull();
      expect(await store.get(OTHER_WS, AGENT, 1)).toBeNull();
      expect(await store.list(OTHER_WS, AGENT, { limit: 10 })).toEqual([]);
      // The same agent id in another workspace is a different agent: it starts at 1, and the
      // same config there is not "unchanged".
      const theirs = created(await store.append(OTHER_WS, AGENT, buildVersion(2)));
      expect(theirs).toMatchObject({ workspaceId: OTHER_WS, version: 1, parentVersion: null });
      const theirFirst = await store.ensureFirst(OTHER_WS, AGENT, buildVersion(8));
      expect(theirFirst).toEqual(theirs);
      const ourThird = created(await store.append(WS, AGENT, buildVersion(3)));
      expect(ourThird).toMatchObject({ workspaceId: WS, version: 3, parentVersion: 2 });
      expect(await store.get(WS, AGENT, 1)).toEqual(v1);
      expect(await store.get(WS, AGENT, 2)).toEqual(v2);
      expect(await store.get(OTHER_WS, AGENT, 2)).toBeNull();
      expect((await store.list(OTHER_WS, AGENT, { limit: 10 })).map((v) => v.version)).toEqual([1]);
    });

    test('a deleted version is hidden from get and list, its number is never reused, and it can be shown again', async () => {
      const [v1, v2, v3] = await appendAll(3);
      expect(await store.markDeleted(WS, AGENT, 2, new Date())).toBe(true);
      expect(await store.get(WS, AGENT, 2)).toBeNull();
      expect((await store.list(WS, AGENT, { limit: 10 })).map((v) => v.version)).toEqual([3, 1]);
      expect((await store.list(WS, AGENT, { limit: 1, beforeVersion: 3 }))[0]).toEqual(v1);
      expect(await store.latest(WS, AGENT)).toEqual(v3);
      // Deleting again, or what does not exist, is false; the other workspace cannot delete it.
      expect(await store.markDeleted(WS, AGENT, 2, new Date())).toBe(false);
      expect(await store.markDeleted(WS, AGENT, 9, new Date())).toBe(false);
      expect(await store.markDeleted(OTHER_WS, AGENT, 1, new Date())).toBe(false);
      expect(await store.get(WS, AGENT, 1)).toEqual(v1);
      // Numbers never repeat: the next publish is 4, not 2.
      const v4 = created(await store.append(WS, AGENT, buildVersion(4)));
      expect(v4).toMatchObject({ version: 4, parentVersion: 3 });
      // Undone (a delete that lost a race with a pin), it reads exactly as it was.
      await store.unmarkDeleted(WS, AGENT, 2);
      expect(await store.get(WS, AGENT, 2)).toEqual(v2);
      expect((await store.list(WS, AGENT, { limit: 10 })).map((v) => v.version)).toEqual([
        4, 3, 2, 1,
      ]);
      await store.unmarkDeleted(OTHER_WS, AGENT, 1);
      expect(await store.get(OTHER_WS, AGENT, 1)).toBeNull();
    });

    test('returned records are copies: changing one changes nothing stored', async () => {
      const input = buildVersion(1);
      const pristine = {
        ...buildVersion(1),
        workspaceId: WS,
        agentId: AGENT,
        version: 1,
        parentVersion: null,
      };
      const mutate = (record: AgentVersionRecord | null | undefined) => {
        expect(record).toEqual(pristine);
        if (!record) return;
        (record.config as { instructions?: string }).instructions = 'mutated';
        (record.config.llm as { model?: string }).model = 'mutated';
        record.publishedBy.id = 'someone else';
        record.publishedAt.setTime(0);
        record.note = 'mutated';
      };
      mutate(created(await store.append(WS, AGENT, input)));
      (input.config as { instructions?: string }).instructions = 'mutated input';
      input.publishedAt.setTime(0);
      const unchanged = await store.append(WS, AGENT, buildVersion(1));
      mutate(unchanged.status === 'unchanged' ? unchanged.latest : null);
      mutate(await store.get(WS, AGENT, 1));
      mutate(await store.latest(WS, AGENT));
      mutate((await store.list(WS, AGENT, { limit: 1 }))[0]);
      mutate(await store.ensureFirst(WS, AGENT, buildVersion(2)));
      expect(await store.get(WS, AGENT, 1)).toEqual(pristine);
    });
  });
}
