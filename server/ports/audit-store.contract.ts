import { beforeEach, describe, expect, test } from 'vitest';
import type { AuditRecord, AuditStore, NewAuditRecord } from './audit-store.port.ts';

/** The workspace most tests work in, and another one that must never see into it. */
const WS = 'aaaaaaaaaaaaaaaaaaaaaaaa';
const OTHER_WS = 'bbbbbbbbbbbbbbbbbbbbbbbb';
const AGENT = '64c0000000000000000000a1';
const OTHER_AGENT = '64c0000000000000000000a2';

/** The port's methods: an adapter has these and nothing else that touches entries. */
const PORT_METHODS = ['append', 'list'];

/**
 * The behaviour every AuditStore adapter must have. Each adapter's test file runs it:
 * `describeAuditStoreContract('memory', async () => createMemoryAuditStore())`. `makeStore` is
 * called before every test and must return an empty store. `setupMethods` names the adapter's own
 * start-up methods (`ensureIndexes`), which are not about entries.
 */
export function describeAuditStoreContract(
  name: string,
  makeStore: () => Promise<AuditStore>,
  options: { setupMethods?: readonly string[] } = {},
): void {
  describe(`AuditStore contract: ${name}`, () => {
    let store: AuditStore;
    beforeEach(async () => {
      store = await makeStore();
    });

    /** An entry told apart by `n`, made at second `n` unless told otherwise. */
    const buildEntry = (n: number, overrides: Partial<NewAuditRecord> = {}): NewAuditRecord => ({
      at: new Date(Date.UTC(2026, 0, 1, 12, 0, n, 125)),
      actor: { kind: 'user', id: 'user-1', name: 'Ada' },
      via: { kind: 'session', id: 'session-1' },
      action: 'agent.update',
      target: { type: 'agent', id: AGENT, name: `Agent ${n}` },
      agentId: AGENT,
      changes: [
        {
          kind: 'changed',
          path: 'config.instructions',
          before: `take ${n - 1}`,
          after: `take ${n}`,
        },
      ],
      details: { version: { from: n, to: n + 1 } },
      ...overrides,
    });
    const appendAll = async (count: number, overrides: Partial<NewAuditRecord> = {}) => {
      const stored: AuditRecord[] = [];
      for (let n = 1; n <= count; n++)
        stored.push(await store.append(WS, buildEntry(n, overrides)));
      return stored;
    };
    const names = (records: AuditRecord[]) => records.map((record) => record.target.name);

    test('the store has exactly the port methods: nothing updates or removes an entry', () => {
      const methods = Object.keys(store).filter((key) => !options.setupMethods?.includes(key));
      expect(methods.sort()).toEqual(PORT_METHODS);
    });

    test('append answers the entry as given, with a new id and the workspace', async () => {
      const [first, second] = await appendAll(2);
      expect(first).toEqual({
        ...buildEntry(1),
        id: expect.any(String) as unknown,
        workspaceId: WS,
      });
      expect(first?.id).toMatch(/^[0-9a-f]{24}$/);
      expect(second?.id).not.toBe(first?.id);
      expect(await store.list(WS, { limit: 10 })).toEqual([second, first]);
    });

    test('optional parts round-trip: no changes or details, a null agent, added and removed paths', async () => {
      const {
        changes: _changes,
        details: _details,
        ...withoutOptional
      } = buildEntry(1, {
        actor: { kind: 'api-key', id: 'key-1' },
        via: { kind: 'api-key', id: 'key-1' },
        action: 'key.revoke',
        target: { type: 'key', id: 'key-1' },
        agentId: null,
      });
      const bare = await store.append(WS, withoutOptional);
      expect(bare).not.toHaveProperty('changes');
      expect(bare).not.toHaveProperty('details');
      const rich = await store.append(
        WS,
        buildEntry(2, {
          changes: [
            { kind: 'added', path: 'config.tools[0]', after: { name: 'lookup', parameters: {} } },
            { kind: 'removed', path: 'config.variables.city', before: 'Paris 🇫🇷' },
            { kind: 'changed', path: 'name', before: 'A', after: null },
          ],
          details: { scopes: ['agents:read'], nested: { empty: {}, list: [] } },
        }),
      );
      const listed = await store.list(WS, { limit: 10 });
      expect(listed).toEqual([rich, bare]);
      expect(listed[1]).not.toHaveProperty('changes');
    });

    test('list is newest first and pages with limit and after', async () => {
      const stored = await appendAll(5);
      const newest = [...stored].reverse();
      expect(await store.list(WS, { limit: 10 })).toEqual(newest);
      const first = await store.list(WS, { limit: 2 });
      expect(names(first)).toEqual(['Agent 5', 'Agent 4']);
      const after = { at: first[1]!.at, id: first[1]!.id };
      expect(names(await store.list(WS, { limit: 2, after }))).toEqual(['Agent 3', 'Agent 2']);
      const last = { at: stored[0]!.at, id: stored[0]!.id };
      expect(await store.list(WS, { limit: 2, after: last })).toEqual([]);
    });

    test('entries made in the same millisecond page stably: each once, none lost', async () => {
      const at = new Date(Date.UTC(2026, 0, 1, 12));
      const stored = await Promise.all(
        Array.from({ length: 7 }, (_, i) => store.append(WS, buildEntry(i + 1, { at }))),
      );
      const seen: AuditRecord[] = [];
      let after: { at: Date; id: string } | undefined;
      for (;;) {
        const page = await store.list(WS, { limit: 3, ...(after && { after }) });
        seen.push(...page);
        const last = page.at(-1);
        if (page.length < 3 || !last) break;
        after = { at: last.at, id: last.id };
      }
      expect(seen.map((entry) => entry.id)).toEqual(
        stored
          .map((entry) => entry.id)
          .sort()
          .reverse(),
      );
    });

    test('filters by agent, by actor, and both', async () => {
      await appendAll(2);
      await store.append(WS, buildEntry(3, { agentId: OTHER_AGENT }));
      await store.append(WS, buildEntry(4, { actor: { kind: 'user', id: 'user-2' } }));
      await store.append(
        WS,
        buildEntry(5, { agentId: null, actor: { kind: 'user', id: 'user-2' } }),
      );
      expect(names(await store.list(WS, { limit: 10, agentId: AGENT }))).toEqual([
        'Agent 4',
        'Agent 2',
        'Agent 1',
      ]);
      expect(names(await store.list(WS, { limit: 10, actorId: 'user-2' }))).toEqual([
        'Agent 5',
        'Agent 4',
      ]);
      expect(names(await store.list(WS, { limit: 10, agentId: AGENT, actorId: 'user-2' }))).toEqual(
        ['Agent 4'],
      );
      const [newest] = await store.list(WS, { limit: 1, agentId: AGENT });
      expect(
        names(
          await store.list(WS, {
            limit: 10,
            agentId: AGENT,
            after: { at: newest!.at, id: newest!.id },
          }),
        ),
      ).toEqual(['Agent 2', 'Agent 1']);
    });

    test("another workspace's entries are invisible", async () => {
      await appendAll(2);
      const theirs = await store.append(OTHER_WS, buildEntry(9));
      expect(theirs.workspaceId).toBe(OTHER_WS);
      expect(names(await store.list(WS, { limit: 10 }))).toEqual(['Agent 2', 'Agent 1']);
      expect(await store.list(OTHER_WS, { limit: 10 })).toEqual([theirs]);
      expect(await store.list(OTHER_WS, { limit: 10, agentId: AGENT, actorId: 'user-1' })).toEqual([
        theirs,
      ]);
      expect(await store.list('cccccccccccccccccccccccc', { limit: 10 })).toEqual([]);
    });

    test('returned entries are copies: changing one changes nothing stored', async () => {
      const input = buildEntry(1);
      const stored = await store.append(WS, input);
      const pristine = structuredClone(stored);
      const mutate = (record: AuditRecord | undefined) => {
        expect(record).toEqual(pristine);
        if (!record) return;
        record.actor.id = 'someone else';
        record.target.name = 'mutated';
        record.at.setTime(0);
        (record.changes![0] as { after: unknown }).after = 'mutated';
        record.details!.version = 'mutated';
      };
      mutate(stored);
      input.actor.id = 'mutated input';
      input.at.setTime(0);
      (input.details as { version: unknown }).version = 'mutated input';
      mutate((await store.list(WS, { limit: 1 }))[0]);
      expect(await store.list(WS, { limit: 1 })).toEqual([pristine]);
    });
  });
}
