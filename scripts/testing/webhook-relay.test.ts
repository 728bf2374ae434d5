import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { startWebhookRelay, type WebhookRelay } from './webhook-relay.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function relay(): Promise<WebhookRelay> {
  const started = await startWebhookRelay();
  cleanups.push(() => started.close());
  return started;
}

/** A test server that keeps what it is sent. */
async function target() {
  const received: { body: string; headers: IncomingHttpHeaders }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ body: Buffer.concat(chunks).toString('utf8'), headers: req.headers });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/api/livekit/webhook`, received };
}

const post = (url: string, body: string, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', body, headers });

describe('webhook relay (test services)', () => {
  test('forwards each webhook, body and signature unchanged, to every registered server', async () => {
    const { livekitUrl, targetsUrl } = await relay();
    const [one, two] = [await target(), await target()];
    expect((await post(targetsUrl, one.url)).status).toBe(204);
    expect((await post(targetsUrl, two.url)).status).toBe(204);
    const body = '{"event":"room_started","id":"EV_1"}';
    const headers = { 'content-type': 'application/webhook+json', authorization: 'jwt.of.livekit' };
    expect((await post(livekitUrl, body, headers)).status).toBe(200);
    for (const { received } of [one, two]) {
      expect(received).toHaveLength(1);
      expect(received[0]?.body).toBe(body);
      expect(received[0]?.headers).toMatchObject(headers);
    }
  });

  test('a removed server gets nothing more; only http://127.0.0.1 targets are taken', async () => {
    const { livekitUrl, targetsUrl } = await relay();
    const one = await target();
    await post(targetsUrl, one.url);
    expect((await fetch(targetsUrl, { method: 'DELETE', body: one.url })).status).toBe(204);
    await post(livekitUrl, '{}', { 'content-type': 'application/webhook+json' });
    expect(one.received).toEqual([]);
    for (const url of ['http://example.com/hook', 'https://127.0.0.1:1/x', 'file:///etc/passwd']) {
      expect((await post(targetsUrl, url)).status).toBe(400);
    }
  });
});
