// Export and import on the bundled FerretDB: a file exported from what the database gives back
// (its key order, its number types) verifies on import, and the copy's version 1 and draft are
// stored as the file says, read by another server instance.

import mongoose, { type Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { dropTestDatabase, testDatabaseUri } from '../../scripts/testing/services.ts';
import { createMongooseAgentStore } from '../adapters/mongoose/agent-store.mongoose.ts';
import { createMongooseAgentVersionStore } from '../adapters/mongoose/agent-version-store.mongoose.ts';
import { buildCaller, buildIdentity, WORKSPACE_A, WORKSPACE_B } from '../testing/builders.ts';
import { trpcError } from '../testing/trpc-error.ts';
import { configHash } from './session.service.ts';

let connection: Connection;

beforeAll(async () => {
  connection = await mongoose
    .createConnection(testDatabaseUri('agent_transfer_service'), {
      bufferCommands: false,
      serverSelectionTimeoutMS: 5000,
    })
    .asPromise();
  await createMongooseAgentStore(connection).ensureIndexes();
  await createMongooseAgentVersionStore(connection).ensureIndexes();
});

afterAll(async () => {
  if (connection) await dropTestDatabase(connection);
});

/** A caller of `workspaceId` on its own server instance: its own services over the database. */
const instance = (workspaceId = WORKSPACE_A) =>
  buildCaller({
    store: createMongooseAgentStore(connection),
    agentVersionStore: createMongooseAgentVersionStore(connection),
  }).as(buildIdentity(workspaceId, 'owner'));

// Keys out of order, nested, integers and fractions: what a database may hand back differently.
const PUBLISHED = {
  tts: { voice: 'alloy', speed: 1, provider: 'openai' },
  llm: { temperature: 0.3, model: 'gpt-4o-mini' },
  tools: [{ name: 'lookup', parameters: { type: 'object', required: ['id'] } }, 'hang_up'],
  custom: { nested: { list: [1, 2.5, true, null] } },
};
const DRAFT = { ...PUBLISHED, llm: { temperature: 0.9, model: 'gpt-4o' } };

describe('agent transfer on the database', () => {
  test('an export from one instance imports on another: v1 is the published config, the draft is the draft', async () => {
    const [one, two] = [instance(), instance()];
    const source = await one.agents.create({ name: 'Stored', config: PUBLISHED });
    await one.agents.update({ agentId: source.id, config: DRAFT });
    const file = await one.agents.export({ agentId: source.id });
    expect(file.published.configHash).toBe(configHash(PUBLISHED));

    const imported = await two.agents.import({ file: JSON.parse(JSON.stringify(file)) });
    const reread = instance();
    expect((await reread.agents.get({ agentId: imported.agent.id })).config).toEqual(DRAFT);
    const versions = await reread.agents.versions({ agentId: imported.agent.id });
    expect(versions.items.map((v) => [v.version, v.configHash])).toEqual([
      [1, configHash(PUBLISHED)],
    ]);
    const copy = await reread.agents.duplicate({ agentId: imported.agent.id, name: 'Copy' });
    expect((await reread.agents.version({ agentId: copy.agent.id, version: 1 })).config).toEqual(
      PUBLISHED,
    );
    // Another workspace sees none of it, and cannot import into it.
    const other = instance(WORKSPACE_B);
    const error = await trpcError(() => other.agents.import({ file, agentId: source.id }));
    expect(error.code).toBe('NOT_FOUND');
    expect((await reread.agents.get({ agentId: source.id })).config).toEqual(DRAFT);
  });
});
