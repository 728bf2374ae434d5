import { request } from 'node:http';

/** What a raw HTTP test request got back. */
export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json(): unknown;
}

export interface RawRequest {
  method?: string;
  path: string;
  /** Exactly these headers (Host defaults to 127.0.0.1:port). */
  headers?: Record<string, string>;
  /** Sent with its Content-Length, unless `chunked`. */
  body?: string;
  chunked?: boolean;
  /** The client address to send from (a loopback one). */
  localAddress?: string;
}

/**
 * One request to 127.0.0.1:port with exactly the given headers, through `node:http` (fetch would
 * add or refuse some: Host, Origin, Sec-Fetch-*): for the HTTP layer's own tests.
 */
export function sendRaw(port: number, options: RawRequest): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        ...(options.localAddress !== undefined && { localAddress: options.localAddress }),
        method: options.method ?? 'GET',
        path: options.path,
        headers: {
          ...(options.body !== undefined &&
            !options.chunked && { 'content-length': Buffer.byteLength(options.body) }),
          ...options.headers,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text,
            json: () => JSON.parse(text) as unknown,
          }),
        );
      },
    );
    req.on('error', reject);
    if (options.chunked && options.body !== undefined) req.write(options.body);
    req.end(options.chunked ? undefined : options.body);
  });
}
