// LiveKit reads its webhook URLs once, at start; the test servers come and go on free ports. So the
// LiveKit of the test services posts to this relay, which forwards each webhook — body and
// headers byte for byte, signature included — to every test server registered with it.

import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface WebhookRelay {
  /** What LiveKit's `webhook.urls` names. */
  livekitUrl: string;
  /** Where tests register their servers: POST (add) or DELETE (remove) a URL as the body. */
  targetsUrl: string;
  close(): Promise<void>;
}

const LOOPBACK_TARGET = /^http:\/\/127\.0\.0\.1:\d{1,5}\/[\w/.-]*$/;

export async function startWebhookRelay(): Promise<WebhookRelay> {
  const targets = new Set<string>();
  const server = createServer((req, res) => {
    void (async () => {
      const body = await readAll(req);
      if (req.url === '/livekit' && req.method === 'POST') {
        const headers: Record<string, string> = {};
        for (const name of ['content-type', 'authorization']) {
          const value = req.headers[name];
          if (typeof value === 'string') headers[name] = value;
        }
        await Promise.allSettled(
          [...targets].map((target) =>
            fetch(target, {
              method: 'POST',
              headers,
              body: new Uint8Array(body),
              signal: AbortSignal.timeout(10_000),
            }).then((response) => response.arrayBuffer()),
          ),
        );
        res.writeHead(200).end();
        return;
      }
      if (req.url === '/targets' && (req.method === 'POST' || req.method === 'DELETE')) {
        const target = body.toString('utf8');
        if (!LOOPBACK_TARGET.test(target)) {
          res.writeHead(400).end('targets are http://127.0.0.1:PORT/path URLs');
          return;
        }
        if (req.method === 'POST') targets.add(target);
        else targets.delete(target);
        res.writeHead(204).end();
        return;
      }
      res.writeHead(404).end();
    })().catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    livekitUrl: `http://127.0.0.1:${port}/livekit`,
    targetsUrl: `http://127.0.0.1:${port}/targets`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}
