import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/**
 * Serves the built SPA: files under `root`, hashed `/assets/*` cached for a year, and
 * `index.html` for any other GET that looks like a page, so deep links survive a reload.
 */
export function createStaticHandler(root: string) {
  const base = path.resolve(root);

  const send = async (res: ServerResponse, file: string, method: string, cache: string) => {
    const info = await stat(file);
    res.writeHead(200, {
      'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
      'content-length': info.size,
      'cache-control': cache,
      'x-content-type-options': 'nosniff',
    });
    if (method === 'HEAD') return void res.end();
    createReadStream(file).pipe(res);
  };

  return async (req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> => {
    const method = req.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      res.writeHead(400).end('Bad path');
      return;
    }
    const file = path.resolve(base, `.${path.posix.normalize(decoded)}`);
    if (file.startsWith(base + path.sep) && (await isFile(file))) {
      const immutable = decoded.startsWith('/assets/');
      await send(res, file, method, immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
      return;
    }
    // A missing file with an extension is a real 404; anything else is a client-side route.
    if (path.extname(decoded) !== '') {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found');
      return;
    }
    await send(res, path.join(base, 'index.html'), method, 'no-cache');
  };
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}
