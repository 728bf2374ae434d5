import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { AppError, ServiceUnavailableError, ValidationError } from '../errors.ts';
import { createMemoryLogger } from '../logger.ts';
import { createLiveKitRooms } from './livekit-rooms.ts';
import { redactTokens, toHttpUrl, toWebSocketUrl } from './participant-token.ts';

// The real adapter against servers that are not LiveKit: what it does when LiveKit is missing,
// silent or unhappy. (Its behaviour against a real LiveKit is livekit-rooms.int.test.ts.)

const API_KEY = 'APIunit';
const API_SECRET = 'unit-test-secret-that-must-never-be-logged-0123456789';
const request = { roomName: 'room-1', agentName: 'agent', metadata: '{}' };

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function listen(server: Server | ReturnType<typeof createTcpServer>): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** An HTTP server answering every Twirp call with `status` and `body`. */
async function twirpServer(status: number, body: (auth: string) => unknown): Promise<string> {
  const server = createHttpServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body(req.headers.authorization ?? '')));
    });
  });
  const port = await listen(server);
  cleanups.push(() => new Promise((resolve) => server.close(() => resolve())));
  return `ws://127.0.0.1:${port}`;
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

describe('LiveKit missing or silent', () => {
  test('nothing listening: SERVICE_UNAVAILABLE "LiveKit is not answering" at once, not at the timeout', async () => {
    const probe = createTcpServer();
    const port = await listen(probe);
    await new Promise((resolve) => probe.close(resolve));
    const rooms = createLiveKitRooms({
      url: `ws://127.0.0.1:${port}`,
      apiKey: API_KEY,
      apiSecret: API_SECRET,
      // Far beyond the test's own timeout: only the refused connection can answer in time, and
      // the message says which it was.
      timeoutMs: 600_000,
    });
    const error = await failure(rooms.ensureAgentDispatch(request));
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toBe('LiveKit is not answering (cannot connect); try again shortly');
  });

  test('a server that accepts and never answers: SERVICE_UNAVAILABLE within the timeout', async () => {
    const sockets = new Set<Socket>();
    const silent = createTcpServer((socket) => sockets.add(socket));
    const port = await listen(silent);
    cleanups.push(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    });
    const connected = new Promise<void>((resolve) => silent.once('connection', () => resolve()));
    // The deadline runs on faked timers; the SDK's own request timeout (the same 60 s, on
    // AbortSignal.timeout's real clock) is far away, so only the deadline can answer here.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const rooms = createLiveKitRooms({
      url: `ws://127.0.0.1:${port}`,
      apiKey: API_KEY,
      apiSecret: API_SECRET,
      timeoutMs: 60_000,
    });
    let settled = false;
    const outcome = failure(rooms.ensureAgentDispatch(request)).finally(() => {
      settled = true;
    });
    await connected;
    await vi.advanceTimersByTimeAsync(59_999);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const error = await outcome;
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toBe(
      'LiveKit is not answering (no reply within 60000 ms); try again shortly',
    );
  });
});

describe('createRoomWithAgentDispatch', () => {
  test('is one CreateRoom request carrying the dispatch', async () => {
    const requests: { path: string; body: unknown }[] = [];
    const server = createHttpServer((req, res) => {
      let text = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (text += chunk));
      req.on('end', () => {
        requests.push({ path: req.url ?? '', body: JSON.parse(text) as unknown });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ sid: 'RM_x', name: 'room-1' }));
      });
    });
    const port = await listen(server);
    cleanups.push(() => new Promise((resolve) => server.close(() => resolve())));
    const rooms = createLiveKitRooms({
      url: `ws://127.0.0.1:${port}`,
      apiKey: API_KEY,
      apiSecret: API_SECRET,
      timeoutMs: 3000,
    });
    await rooms.createRoomWithAgentDispatch({
      roomName: 'room-1',
      agentName: 'agent',
      metadata: '{"a":1}',
    });
    expect(requests).toEqual([
      {
        path: '/twirp/livekit.RoomService/CreateRoom',
        body: expect.objectContaining({
          name: 'room-1',
          agents: [expect.objectContaining({ agentName: 'agent', metadata: '{"a":1}' })],
        }) as unknown,
      },
    ]);
  });
});

describe('LiveKit answering with an error', () => {
  test('rejected credentials: SERVICE_UNAVAILABLE naming the settings; the echoed token is in no log line', async () => {
    let echoed = '';
    const url = await twirpServer(401, (auth) => {
      echoed = auth.replace(/^Bearer /, '');
      return {
        code: 'unauthenticated',
        msg: `invalid token: ${echoed}, error: signature is invalid`,
      };
    });
    const logger = createMemoryLogger();
    const rooms = createLiveKitRooms({
      url,
      apiKey: API_KEY,
      apiSecret: API_SECRET,
      timeoutMs: 3000,
      logger,
    });
    const error = await failure(rooms.ensureAgentDispatch(request));
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toBe(
      'LiveKit refused the server’s API credentials: check LIVEKIT_API_KEY and LIVEKIT_API_SECRET',
    );
    expect(echoed).toMatch(/^eyJ/);
    const logged = logger.lines.join('\n');
    expect(logged).toContain('[redacted token]');
    expect(logged).not.toContain(echoed);
    expect(logged).not.toContain(API_SECRET);
    expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toContain(echoed);
  });

  test('LiveKit refusing the metadata size is a BAD_REQUEST', async () => {
    const url = await twirpServer(400, () => ({
      code: 'invalid_argument',
      msg: 'metadata size exceeds limits',
    }));
    const rooms = createLiveKitRooms({
      url,
      apiKey: API_KEY,
      apiSecret: API_SECRET,
      timeoutMs: 3000,
    });
    const error = await failure(rooms.ensureAgentDispatch(request));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toMatch(/larger than this LiveKit server accepts/);
  });

  test('a 5xx is SERVICE_UNAVAILABLE', async () => {
    const url = await twirpServer(503, () => ({
      code: 'unavailable',
      msg: 'no response from servers',
    }));
    const rooms = createLiveKitRooms({
      url,
      apiKey: API_KEY,
      apiSecret: API_SECRET,
      timeoutMs: 3000,
    });
    const error = await failure(rooms.ensureAgentDispatch(request));
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toBe('LiveKit is not answering (HTTP 503); try again shortly');
  });

  test('anything else is an unexpected (internal) error, not an AppError', async () => {
    const url = await twirpServer(404, () => ({ code: 'not_found', msg: 'what is this' }));
    const rooms = createLiveKitRooms({
      url,
      apiKey: API_KEY,
      apiSecret: API_SECRET,
      timeoutMs: 3000,
    });
    const error = await failure(rooms.ensureAgentDispatch(request));
    expect(error).not.toBeInstanceOf(AppError);
    expect(error.message).toContain('what is this');
  });
});

describe('URLs and redaction', () => {
  test.each([
    ['http://127.0.0.1:7880', 'ws://127.0.0.1:7880', 'http://127.0.0.1:7880'],
    ['https://lk.example.com', 'wss://lk.example.com', 'https://lk.example.com'],
    ['ws://127.0.0.1:7880', 'ws://127.0.0.1:7880', 'http://127.0.0.1:7880'],
    ['wss://lk.example.com', 'wss://lk.example.com', 'https://lk.example.com'],
  ])('%s → clients %s, server API %s', (url, ws, http) => {
    expect(toWebSocketUrl(url)).toBe(ws);
    expect(toHttpUrl(url)).toBe(http);
  });

  test('JWTs are cut out of messages', () => {
    expect(redactTokens('invalid token: eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln, error')).toBe(
      'invalid token: [redacted token], error',
    );
  });
});
