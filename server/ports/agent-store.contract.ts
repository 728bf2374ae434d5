import { beforeEach, describe, expect, test } from 'vitest';
import { createAgentService } from '../services/agent.service.ts';
import type { AgentRecord, AgentStore, NewAgentRecord } from './agent-store.port.ts';

/** The workspace most tests work in, and another one that must never see into it. */
const WS = 'aaaaaaaaaaaaaaaaaaaaaaaa';
const OTHER_WS = 'bbbbbbbbbbbbbbbbbbbbbbbb';

/**
 * The behaviour every AgentStore adapter must have. Each adapter's test file runs it:
 * `describeAgentStoreContract('memory', async () => createMemoryAgentStore())`.
 * `makeStore` is called before every test and must return an empty store.
 */
export function describeAgentStoreContract(
  name: string,
  makeStore: () => Promise<AgentStore>,
): void {
  describe(`AgentStore contract: ${name}`, () => {
    let store: AgentStore;
    beforeEach(async () => {
      store = await makeStore();
    });

    const buildAgent = (overrides: Partial<NewAgentRecord> = {}): NewAgentRecord => ({
      name: 'Support bot',
      description: 'Answers the phone',
      config: { instructions: 'Be kind', llm: { provider: 'openai', model: 'gpt-4o-mini' } },
      ...overrides,
    });

    test('create starts at version 1 with a 24-hex id and equal timestamps', async () => {
      const before = Date.now();
      const agent = await store.create(WS, buildAgent());
      expect(agent.id).toMatch(/^[0-9a-f]{24}$/);
      expect(agent.version).toBe(1);
      expect(agent.deletedAt).toBeNull();
      expect(agent.createdAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
      expect(agent.updatedAt.getTime()).toBe(agent.createdAt.getTime());
      expect(await store.get(WS, agent.id)).toEqual(agent);
    });

    test('get of an unknown id is null', async () => {
      expect(await store.get(WS, '0123456789abcdef01234567')).toBeNull();
    });

    test('config round-trips exactly: nesting, empty objects, arrays, unicode, unknown keys', async () => {
      const config = {
        instructions: 'Réponds en français 🇫🇷',
        tools: ['lookup', { name: 'transfer', parameters: { to: { type: 'string' } } }],
        knowledgeBase: { enabled: true, documentIds: ['doc-1'], topK: 3 },
        variables: {},
        futureField: { nested: { deeper: [1, 2.5, null, true, { empty: {} }] } },
      };
      const agent = await store.create(WS, buildAgent({ config }));
      expect((await store.get(WS, agent.id))?.config).toEqual(config);
    });

    test('returned records are copies: changing one changes nothing stored', async () => {
      const agent = await store.create(WS, buildAgent());
      (agent.config as { instructions?: string }).instructions = 'mutated';
      expect((await store.get(WS, agent.id))?.config.instructions).toBe('Be kind');
    });

    test('list is newest created first, ties broken by id, and skips deleted agents', async () => {
      const created: AgentRecord[] = [];
      for (let i = 0; i < 6; i++)
        created.push(await store.create(WS, buildAgent({ name: `agent ${i}` })));
      await store.softDelete(WS, created[2]!.id, new Date());
      const listed = await store.list(WS, { limit: 10 });
      expect(listed.map((a) => a.name)).toEqual([
        'agent 5',
        'agent 4',
        'agent 3',
        'agent 1',
        'agent 0',
      ]);
      for (let i = 1; i < listed.length; i++) {
        const [prev, next] = [listed[i - 1]!, listed[i]!];
        const order =
          prev.createdAt.getTime() - next.createdAt.getTime() || (prev.id > next.id ? 1 : -1);
        expect(order).toBeGreaterThan(0);
      }
    });

    test('list honours limit and continues strictly after a position', async () => {
      for (let i = 0; i < 5; i++) await store.create(WS, buildAgent({ name: `agent ${i}` }));
      const first = await store.list(WS, { limit: 2 });
      expect(first.map((a) => a.name)).toEqual(['agent 4', 'agent 3']);
      const last = first.at(-1)!;
      const rest = await store.list(WS, {
        limit: 10,
        after: { createdAt: last.createdAt, id: last.id },
      });
      expect(rest.map((a) => a.name)).toEqual(['agent 2', 'agent 1', 'agent 0']);
    });

    test('nameContains matches case-insensitively and treats the text literally', async () => {
      await store.create(WS, buildAgent({ name: 'Sales (EMEA) v1.2' }));
      await store.create(WS, buildAgent({ name: 'Sales EMEA v102' }));
      await store.create(WS, buildAgent({ name: 'Support' }));
      const names = async (nameContains: string) =>
        (await store.list(WS, { limit: 10, nameContains })).map((a) => a.name).sort();
      expect(await names('sales')).toEqual(['Sales (EMEA) v1.2', 'Sales EMEA v102']);
      expect(await names('(emea)')).toEqual(['Sales (EMEA) v1.2']);
      expect(await names('v1.2')).toEqual(['Sales (EMEA) v1.2']);
      expect(await names('.*')).toEqual([]);
      expect(await names('^S')).toEqual([]);
    });

    test('update applies the patch, bumps the version and keeps other fields', async () => {
      const agent = await store.create(WS, buildAgent());
      const outcome = await store.update(
        WS,
        agent.id,
        { name: 'Renamed', config: { greeting: 'Hi' } },
        1,
      );
      expect(outcome.status).toBe('updated');
      if (outcome.status !== 'updated') return;
      expect(outcome.agent).toMatchObject({
        id: agent.id,
        name: 'Renamed',
        description: agent.description,
        config: { greeting: 'Hi' },
        version: 2,
      });
      expect(outcome.agent.createdAt).toEqual(agent.createdAt);
      expect(outcome.agent.updatedAt.getTime()).toBeGreaterThanOrEqual(agent.updatedAt.getTime());
      expect(await store.get(WS, agent.id)).toEqual(outcome.agent);
    });

    test('update without expectedVersion always applies', async () => {
      const agent = await store.create(WS, buildAgent());
      await store.update(WS, agent.id, { description: 'one' });
      const outcome = await store.update(WS, agent.id, { description: 'two' });
      expect(outcome).toMatchObject({
        status: 'updated',
        agent: { version: 3, description: 'two' },
      });
    });

    test('update with a stale version is a conflict and changes nothing', async () => {
      const agent = await store.create(WS, buildAgent());
      await store.update(WS, agent.id, { name: 'Second' }, 1);
      const outcome = await store.update(WS, agent.id, { name: 'Lost write' }, 1);
      expect(outcome).toEqual({ status: 'conflict', currentVersion: 2 });
      expect(await store.get(WS, agent.id)).toMatchObject({ name: 'Second', version: 2 });
    });

    test('update of a missing or deleted agent is not_found', async () => {
      expect(await store.update(WS, '0123456789abcdef01234567', { name: 'x' })).toEqual({
        status: 'not_found',
      });
      const agent = await store.create(WS, buildAgent());
      await store.softDelete(WS, agent.id, new Date());
      expect(await store.update(WS, agent.id, { name: 'x' }, 1)).toEqual({ status: 'not_found' });
    });

    test('softDelete keeps the record out of get and list, and happens once', async () => {
      const agent = await store.create(WS, buildAgent());
      const at = new Date(Math.floor(Date.now() / 1000) * 1000);
      const deleted = await store.softDelete(WS, agent.id, at);
      expect(deleted?.deletedAt).toEqual(at);
      expect(await store.get(WS, agent.id)).toBeNull();
      expect(await store.list(WS, { limit: 10 })).toEqual([]);
      expect(await store.softDelete(WS, agent.id, new Date())).toBeNull();
    });

    test('20 parallel updates with the same expectedVersion: exactly one wins, the rest conflict', async () => {
      const agent = await store.create(WS, buildAgent());
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          store.update(WS, agent.id, { name: `writer ${i}`, config: { greeting: `from ${i}` } }, 1),
        ),
      );
      const winners = outcomes.flatMap((o) => (o.status === 'updated' ? [o.agent] : []));
      expect(winners).toHaveLength(1);
      expect(outcomes.filter((o) => o.status === 'conflict')).toHaveLength(19);
      const stored = await store.get(WS, agent.id);
      expect(stored).toMatchObject({
        version: 2,
        name: winners[0]!.name,
        config: winners[0]!.config,
      });
    });

    test('20 parallel updates without expectedVersion all apply, one version each', async () => {
      const agent = await store.create(WS, buildAgent());
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          store.update(WS, agent.id, { description: `writer ${i}` }),
        ),
      );
      expect(outcomes.every((o) => o.status === 'updated')).toBe(true);
      const versions = outcomes.map((o) => (o.status === 'updated' ? o.agent.version : 0));
      expect(new Set(versions).size).toBe(20);
      expect((await store.get(WS, agent.id))?.version).toBe(21);
    }, 60_000);

    test('paging 250 agents 7 at a time while others are inserted: no duplicates, none missed', async () => {
      const service = createAgentService({ store });
      const existing = new Set<string>();
      for (let i = 0; i < 250; i++)
        existing.add((await store.create(WS, buildAgent({ name: `pre ${i}` }))).id);

      const seen: string[] = [];
      let cursor: string | null = null;
      let page = 0;
      do {
        const result = await service.list(WS, { limit: 7, cursor });
        seen.push(...result.items.map((a) => a.id));
        cursor = result.nextCursor;
        // Inserts between pages land before the cursor and must neither repeat nor shift pages.
        await Promise.all([
          store.create(WS, buildAgent({ name: `during ${page}a` })),
          store.create(WS, buildAgent({ name: `during ${page}b` })),
        ]);
        page++;
      } while (cursor && page < 100);

      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.filter((id) => existing.has(id))).toHaveLength(250);
      expect(page).toBe(Math.ceil(250 / 7));
    }, 120_000);

    test('namesByIds answers the names of live and deleted agents, leaving out ids no agent has', async () => {
      const live = await store.create(WS, buildAgent({ name: 'Front desk' }));
      const gone = await store.create(WS, buildAgent({ name: 'Night shift' }));
      await store.create(WS, buildAgent({ name: 'Not asked for' }));
      await store.softDelete(WS, gone.id, new Date());
      const names = await store.namesByIds(WS, [
        live.id,
        gone.id,
        live.id,
        '0123456789abcdef01234567',
        'not-an-id',
      ]);
      expect(names).toEqual(
        new Map([
          [live.id, 'Front desk'],
          [gone.id, 'Night shift'],
        ]),
      );
      expect(await store.namesByIds(WS, [])).toEqual(new Map());
    });

    test('namesByIds answers the current name after a rename', async () => {
      const agent = await store.create(WS, buildAgent({ name: 'Before' }));
      await store.update(WS, agent.id, { name: 'After' });
      expect(await store.namesByIds(WS, [agent.id])).toEqual(new Map([[agent.id, 'After']]));
    });

    test('ping resolves while the database answers', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });

    describe('two workspaces: an agent of another workspace is exactly a missing one', () => {
      test('create stores the workspace; get from another workspace is null', async () => {
        const agent = await store.create(WS, buildAgent());
        expect(agent.workspaceId).toBe(WS);
        expect(await store.get(WS, agent.id)).toEqual(agent);
        expect(await store.get(OTHER_WS, agent.id)).toBeNull();
      });

      test('list (paging and name search included) shows only the workspace’s own agents', async () => {
        const ours = [];
        for (let i = 0; i < 3; i++)
          ours.push(await store.create(WS, buildAgent({ name: `Ours ${i}` })));
        const theirs = await store.create(OTHER_WS, buildAgent({ name: 'Ours too?' }));
        const ids = (await store.list(WS, { limit: 10 })).map((a) => a.id);
        expect(ids.sort()).toEqual(ours.map((a) => a.id).sort());
        expect(
          (await store.list(WS, { limit: 10, nameContains: 'ours' })).map((a) => a.id),
        ).not.toContain(theirs.id);
        const last = ours[0]!;
        const after = await store.list(WS, {
          limit: 10,
          after: { createdAt: theirs.createdAt, id: 'ffffffffffffffffffffffff' },
        });
        expect(after.map((a) => a.workspaceId)).toEqual(after.map(() => WS));
        expect(after.map((a) => a.id)).toContain(last.id);
        expect((await store.list(OTHER_WS, { limit: 10 })).map((a) => a.id)).toEqual([theirs.id]);
      });

      test('namesByIds leaves out another workspace’s agents', async () => {
        const ours = await store.create(WS, buildAgent({ name: 'Ours' }));
        const theirs = await store.create(OTHER_WS, buildAgent({ name: 'Theirs' }));
        expect(await store.namesByIds(WS, [ours.id, theirs.id])).toEqual(
          new Map([[ours.id, 'Ours']]),
        );
      });

      test('update from another workspace is not_found (with or without a version) and changes nothing', async () => {
        const agent = await store.create(WS, buildAgent({ name: 'Untouched' }));
        expect(await store.update(OTHER_WS, agent.id, { name: 'Hijacked' })).toEqual({
          status: 'not_found',
        });
        expect(await store.update(OTHER_WS, agent.id, { name: 'Hijacked' }, 1)).toEqual({
          status: 'not_found',
        });
        expect(await store.get(WS, agent.id)).toEqual(agent);
      });

      test('softDelete from another workspace is null and deletes nothing', async () => {
        const agent = await store.create(WS, buildAgent());
        expect(await store.softDelete(OTHER_WS, agent.id, new Date())).toBeNull();
        expect(await store.get(WS, agent.id)).toEqual(agent);
      });
    });
  });
}
