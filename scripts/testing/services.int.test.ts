// Proves scripts/testing/global-setup.ts: the provided MongoDB and LiveKit are real and reachable, and the keys work.

import { createHmac } from 'node:crypto';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  dropTestDatabase,
  testDatabaseName,
  testDatabaseUri,
  testLiveKit,
  withDatabase,
} from './services.ts';

describe('MongoDB from the global setup', () => {
  let connection: mongoose.Connection;

  beforeAll(async () => {
    connection = await mongoose.createConnection(testDatabaseUri(import.meta.url)).asPromise();
  });

  afterAll(async () => {
    if (connection) await dropTestDatabase(connection);
  });

  it('answers a ping in a database of its own', async () => {
    expect(connection.name).toMatch(/^t_services_[0-9a-f]{8}$/);
    expect(await connection.db?.admin().ping()).toMatchObject({ ok: 1 });
  });

  it('stores and finds a document', async () => {
    const Thing = connection.model(
      'Thing',
      new mongoose.Schema({ name: { type: String, required: true }, n: Number }),
    );
    await Thing.create({ name: 'first', n: 1 });
    const found = await Thing.findOne({ name: 'first' }).lean();
    expect(found).toMatchObject({ name: 'first', n: 1 });
  });
});

describe('database names and URIs', () => {
  it('makes names valid for MongoDB and FerretDB', () => {
    for (const input of [
      'file:///x/test/Agent Configs.int.test.ts',
      'a'.repeat(200),
      '€€€',
      '/abs/path/calls.test.ts',
    ]) {
      const name = testDatabaseName(input);
      expect(name).toMatch(/^[a-z0-9_]{1,63}$/);
    }
    expect(testDatabaseName('file:///x/test/Agent Configs.int.test.ts')).toMatch(
      /^t_agent_configs_[0-9a-f]{8}$/,
    );
  });

  it('replaces the database and keeps hosts and options', () => {
    expect(withDatabase('mongodb://127.0.0.1:27017', 'd')).toBe('mongodb://127.0.0.1:27017/d');
    expect(withDatabase('mongodb://h1,h2:27018/old?replicaSet=rs', 'd')).toBe(
      'mongodb://h1,h2:27018/d?replicaSet=rs',
    );
    expect(withDatabase('mongodb+srv://u:p@c.example/admin', 'd')).toBe(
      'mongodb+srv://u:p@c.example/d?authSource=admin',
    );
    expect(withDatabase('mongodb://u:p@h/app?authSource=x', 'd')).toBe(
      'mongodb://u:p@h/d?authSource=x',
    );
  });

  it('refuses to drop a database that is not a test database', async () => {
    let closed = false;
    let dropped = false;
    const fake = {
      name: 'switchboard',
      dropDatabase: async () => (dropped = true),
      close: async () => (closed = true),
    };
    await expect(dropTestDatabase(fake)).rejects.toThrow(/refusing to drop/);
    expect(dropped).toBe(false);
    expect(closed).toBe(true);
  });
});

describe('LiveKit from the global setup', () => {
  it('answers HTTP on its URL', async () => {
    const { httpUrl } = testLiveKit();
    const response = await fetch(httpUrl);
    expect(response.status).toBe(200);
    expect((await response.text()).trim()).toBe('OK');
  });

  it('accepts the provided API key and secret (RoomService.ListRooms)', async () => {
    const { httpUrl, apiKey, apiSecret } = testLiveKit();
    const listRooms = (token: string): Promise<Response> =>
      fetch(`${httpUrl}/twirp/livekit.RoomService/ListRooms`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: '{}',
      });

    const good = await listRooms(signJwt({ iss: apiKey, video: { roomList: true } }, apiSecret));
    expect(good.status).toBe(200);
    expect(await good.json()).toBeTypeOf('object');

    const bad = await listRooms(
      signJwt({ iss: apiKey, video: { roomList: true } }, `${apiSecret}x`),
    );
    expect(bad.status).toBe(401);
  });
});

/** A minimal HS256 JWT, as livekit-server-sdk would make (that package is not a dependency here). */
function signJwt(claims: Record<string, unknown>, secret: string): string {
  const now = Math.floor(Date.now() / 1000);
  const encode = (value: unknown): string =>
    Buffer.from(JSON.stringify(value)).toString('base64url');
  const body = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({ nbf: now - 10, exp: now + 600, ...claims })}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}
