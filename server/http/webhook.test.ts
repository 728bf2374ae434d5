import { afterEach, describe, expect, test } from 'vitest';
import { createMemoryCallSessionStore } from '../adapters/memory/call-session-store.memory.ts';
import { ServiceUnavailableError } from '../errors.ts';
import { authenticateAsLocalOwner } from '../identity.ts';
import { createLiveKitWebhookVerifier, signLiveKitWebhook } from '../livekit/webhooks.ts';
import { createMemoryLogger } from '../logger.ts';
import { appRouter } from '../routers/_app.ts';
import { buildServices, WORKSPACE_A } from '../testing/builders.ts';
import { webhookBody } from '../testing/webhooks.ts';
import {
  createHttpServer,
  LIVEKIT_WEBHOOK_PATH,
  WEBHOOK_BODY_LIMIT_BYTES,
  type HttpServer,
} from './server.ts';

const KEY = 'hook-key';
const SECRET = 'a-hook-secret-of-32-characters-or-more';
const NOW = new Date(Date.UTC(2026, 2, 1, 12, 0, 0));

const running: HttpServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.shutdown(100)));
});

async function start(options: { databaseDown?: boolean } = {}) {
  const logger = createMemoryLogger();
  const memory = createMemoryCallSessionStore();
  const store = options.databaseDown
    ? {
        ...memory,
        latestForRoom: () =>
          Promise.reject(
            new ServiceUnavailableError('The database is not answering', {
              service: 'database',
              reason: 'unavailable',
            }),
          ),
      }
    : memory;
  const services = buildServices({
    callSessionStore: store,
    webhooks: createLiveKitWebhookVerifier({ apiKey: KEY, apiSecret: SECRET, now: () => NOW }),
    logger,
  });
  const http = createHttpServer({
    router: appRouter,
    context: { services, logger, authenticate: authenticateAsLocalOwner },
    logger,
    bodyLimitBytes: 64 * 1024,
    requestTimeoutMs: 5000,
    readiness: async () => {},
  });
  running.push(http);
  const { port } = await http.listen(0, '127.0.0.1');
  const call = await memory.create({
    workspaceId: WORKSPACE_A,
    type: 'web',
    agentId: null,
    roomName: 'hooked',
    config: {},
    configHash: '00',
    overrides: null,
    startedBy: 'user:u1',
    createdAt: NOW,
  });
  return {
    url: `http://127.0.0.1:${port}${LIVEKIT_WEBHOOK_PATH}`,
    base: `http://127.0.0.1:${port}`,
    store,
    call,
    logger,
  };
}

const joinedBody = webhookBody({
  id: 'EV_http_1',
  event: 'participant_joined',
  createdAt: NOW,
  room: { name: 'hooked', sid: 'RM_h' },
  participant: { identity: 'caller' },
});
const sign = (body: string, apiSecret = SECRET) =>
  signLiveKitWebhook({ apiKey: KEY, apiSecret, body });

const send = (url: string, body: string, headers: Record<string, string>) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/webhook+json', ...headers },
    body,
  });

describe(`POST ${LIVEKIT_WEBHOOK_PATH}`, () => {
  test('a signed webhook is applied; no cookie, Origin or JSON Content-Type is asked for', async () => {
    const { url, store, call } = await start();
    const response = await send(url, joinedBody, {
      authorization: await sign(joinedBody),
      origin: 'https://elsewhere.example',
      'sec-fetch-site': 'cross-site',
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ outcome: 'applied' });
    expect(await store.get(WORKSPACE_A, call.id)).toMatchObject({ status: 'active' });
    const again = await send(url, joinedBody, { authorization: await sign(joinedBody) });
    expect(await again.json()).toEqual({ outcome: 'duplicate' });
  });

  test('unsigned or wrongly signed: 401 and nothing changes', async () => {
    const { url, store, call } = await start();
    const unsigned = await send(url, joinedBody, {});
    expect(unsigned.status).toBe(401);
    expect(await unsigned.json()).toMatchObject({ code: 'UNAUTHORIZED' });
    const wrong = await send(url, joinedBody, {
      authorization: await sign(joinedBody, 'not-the-secret-of-32-characters-or-more'),
    });
    expect(wrong.status).toBe(401);
    const tampered = await send(url, joinedBody.replace('caller', 'mallory'), {
      authorization: await sign(joinedBody),
    });
    expect(tampered.status).toBe(401);
    expect(await store.listEvents(WORKSPACE_A, call.id)).toEqual([]);
    expect(await store.get(WORKSPACE_A, call.id)).toMatchObject({ status: 'started' });
  });

  test('another Content-Type is 415; another method is 405', async () => {
    const { url } = await start();
    const json = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: await sign(joinedBody) },
      body: joinedBody,
    });
    expect(json.status).toBe(415);
    const get = await fetch(url);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });

  test('a body over the cap is 413, whether declared or streamed', async () => {
    const { url, store, call } = await start();
    const big = 'x'.repeat(WEBHOOK_BODY_LIMIT_BYTES + 1);
    const declared = await send(url, big, { authorization: await sign(big) });
    expect(declared.status).toBe(413);
    const streamed = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/webhook+json', authorization: await sign(big) },
      body: new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(big));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(await store.listEvents(WORKSPACE_A, call.id)).toEqual([]);
  });

  test('a database that cannot answer is a 503, so LiveKit sends it again', async () => {
    const { url } = await start({ databaseDown: true });
    const response = await send(url, joinedBody, { authorization: await sign(joinedBody) });
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
  });

  test('only that exact path skips the Origin and JSON checks of /api/*', async () => {
    const { base } = await start();
    for (const path of [`${LIVEKIT_WEBHOOK_PATH}/`, '/api/livekit/other']) {
      const response = await send(`${base}${path}`, joinedBody, {
        authorization: await sign(joinedBody),
        origin: 'https://elsewhere.example',
      });
      expect({ path, status: response.status }).toEqual({ path, status: 403 });
    }
  });
});
