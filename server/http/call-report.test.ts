import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, test } from 'vitest';
import { createMemoryCallReportStore } from '../adapters/memory/call-report-store.memory.ts';
import { createMemoryLiveKitRooms } from '../adapters/memory/livekit-rooms.memory.ts';
import { ServiceUnavailableError } from '../errors.ts';
import { authenticateAsLocalOwner, localOwnerCaller } from '../identity.ts';
import { createMemoryLogger } from '../logger.ts';
import { appRouter } from '../routers/_app.ts';
import {
  createReportCredentials,
  REPORT_TOKEN_LIFETIME_MS,
} from '../services/report-credentials.ts';
import { buildServices, TEST_WORKSPACE_ID } from '../testing/builders.ts';
import { agentJobMetadataSchema } from '../../shared/session.schema.ts';
import { createHttpServer, REPORT_BODY_LIMIT_BYTES, type HttpServer } from './server.ts';

const running: HttpServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.shutdown(100)));
});

async function start(options: { databaseDown?: boolean } = {}) {
  const logger = createMemoryLogger();
  let now = Date.UTC(2026, 2, 1, 12, 0, 0);
  const memory = createMemoryCallReportStore();
  const reportStore = options.databaseDown
    ? {
        ...memory,
        save: () =>
          Promise.reject(
            new ServiceUnavailableError('The database is not answering', {
              service: 'database',
              reason: 'unavailable',
            }),
          ),
      }
    : memory;
  const rooms = createMemoryLiveKitRooms();
  let base = '';
  const services = buildServices({
    rooms,
    callReportStore: reportStore,
    callReports: { baseUrl: () => base },
    now: () => new Date(now),
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
  base = `http://127.0.0.1:${port}`;

  /** A call started as session.start starts one, and the report credential its worker got. */
  const startCall = async () => {
    const started = await services.session.start(localOwnerCaller, {});
    const [dispatch] = rooms.dispatchesOf(started.roomName);
    const { report } = agentJobMetadataSchema.parse(JSON.parse(dispatch?.metadata ?? ''));
    if (!report || !started.sessionId) throw new Error('the dispatch carries no report');
    return { sessionId: started.sessionId, ...report };
  };
  const sessionsGet = (sessionId: string) => services.calls.get(TEST_WORKSPACE_ID, sessionId);
  return {
    base,
    services,
    memory,
    startCall,
    sessionsGet,
    advance: (ms: number) => (now += ms),
  };
}

const REPORT = {
  transcript: [
    { role: 'agent', text: 'Hello! How can I help?', startedAt: '2026-03-01T12:00:01Z' },
    {
      role: 'user',
      text: 'Just testing.',
      startedAt: '2026-03-01T12:00:04.500+01:00',
      endedAt: '2026-03-01T12:00:06Z',
    },
  ],
  usage: { llmPromptTokens: 42, ttsCharacters: 22 },
};

const post = (url: string, body: string, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('POST /api/sessions/:sessionId/report', () => {
  test('the worker’s report is stored and sessions.get shows it; no cookie or Origin is asked for; a repeat replaces it', async () => {
    const { startCall, sessionsGet, advance } = await start();
    const call = await startCall();
    expect(call.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/sessions\/[0-9a-f]{24}\/report$/);
    const response = await post(call.url, JSON.stringify(REPORT), {
      ...bearer(call.token),
      origin: 'https://elsewhere.example',
      'sec-fetch-site': 'cross-site',
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      sessionId: call.sessionId,
      reportedAt: '2026-03-01T12:00:00.000Z',
    });
    expect(await sessionsGet(call.sessionId)).toMatchObject({
      transcript: [{ ...REPORT.transcript[0], endedAt: null }, REPORT.transcript[1]],
      usage: REPORT.usage,
      reportedAt: '2026-03-01T12:00:00.000Z',
    });

    advance(60_000);
    const again = { transcript: [REPORT.transcript[0]] };
    expect((await post(call.url, JSON.stringify(again), bearer(call.token))).status).toBe(200);
    expect(await sessionsGet(call.sessionId)).toMatchObject({
      transcript: [{ ...REPORT.transcript[0], endedAt: null }],
      usage: null,
      reportedAt: '2026-03-01T12:01:00.000Z',
    });
  });

  test('no token, not a report token, another server’s or a tampered one: 401 and nothing is stored', async () => {
    const { startCall, sessionsGet } = await start();
    const call = await startCall();
    // Right in every part but the key: what a server with another AUTH_SECRET would have signed.
    const foreign = createReportCredentials('another-secret-of-32-characters-or-more').mint({
      workspaceId: TEST_WORKSPACE_ID,
      sessionId: call.sessionId,
      createdAt: new Date(Date.UTC(2026, 2, 1, 12)),
    });
    const [prefix, mac] = [call.token.slice(0, call.token.lastIndexOf('.')), call.token.slice(-43)];
    const laterExpiry = prefix.replace(/\.(\d+)$/, (_, unix: string) => `.${Number(unix) + 3600}`);
    const refusals: Record<string, string>[] = [
      {},
      { authorization: call.token },
      bearer('sb_123'),
      bearer(foreign.token),
      bearer(`${prefix}.${'A'.repeat(43)}`),
      bearer(`${laterExpiry}.${mac}`),
    ];
    for (const headers of refusals) {
      const response = await post(call.url, JSON.stringify(REPORT), headers);
      expect({ headers, status: response.status }).toEqual({ headers, status: 401 });
      expect(await response.json()).toMatchObject({
        code: 'UNAUTHORIZED',
        details: { reason: 'invalid-report-token' },
      });
    }
    expect(await sessionsGet(call.sessionId)).toMatchObject({ transcript: null, reportedAt: null });
  });

  test('another call’s token is a 401 for this call', async () => {
    const { startCall, sessionsGet } = await start();
    const first = await startCall();
    const second = await startCall();
    const response = await post(first.url, JSON.stringify(REPORT), bearer(second.token));
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ details: { reason: 'invalid-report-token' } });
    expect(await sessionsGet(first.sessionId)).toMatchObject({ transcript: null });
    expect(await sessionsGet(second.sessionId)).toMatchObject({ transcript: null });
  });

  test('a token past its expiresAt (a day after the call was recorded) is a 401 report-token-expired', async () => {
    const { startCall, advance, sessionsGet } = await start();
    const call = await startCall();
    expect(Date.parse(call.expiresAt)).toBe(Date.UTC(2026, 2, 1, 12) + REPORT_TOKEN_LIFETIME_MS);
    advance(REPORT_TOKEN_LIFETIME_MS - 1000);
    expect((await post(call.url, JSON.stringify(REPORT), bearer(call.token))).status).toBe(200);
    advance(1000);
    const response = await post(call.url, JSON.stringify(REPORT), bearer(call.token));
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({
      code: 'UNAUTHORIZED',
      details: { reason: 'report-token-expired' },
    });
    expect((await sessionsGet(call.sessionId)).reportedAt).toBe('2026-03-02T11:59:59.000Z');
  });

  test('a body over 1 MiB is a 413, whether declared or streamed; nothing is stored', async () => {
    const { startCall, sessionsGet } = await start();
    const call = await startCall();
    const big = JSON.stringify({
      transcript: [
        {
          role: 'user',
          text: 'x'.repeat(REPORT_BODY_LIMIT_BYTES),
          startedAt: '2026-03-01T12:00:00Z',
        },
      ],
    });
    const declared = await post(call.url, big, bearer(call.token));
    expect(declared.status).toBe(413);
    expect(await declared.json()).toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      details: { reason: 'too-large', limitBytes: REPORT_BODY_LIMIT_BYTES },
    });
    const streamed = await fetch(call.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(call.token) },
      body: new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(big));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(await sessionsGet(call.sessionId)).toMatchObject({ transcript: null });
  });

  test('a body that is not a call report is a 400 naming each value at fault; not JSON, the body as a whole', async () => {
    const { startCall, sessionsGet } = await start();
    const call = await startCall();
    const invalid = {
      transcript: [
        { ...REPORT.transcript[0], role: 'system' },
        { role: 'user', text: 'hi', startedAt: 'yesterday' },
      ],
      usage: { llmPromptTokens: -1 },
    };
    const response = await post(call.url, JSON.stringify(invalid), bearer(call.token));
    expect(response.status).toBe(400);
    const body = (await response.json()) as { code: string; issues: { path: string[] }[] };
    expect(body.code).toBe('BAD_REQUEST');
    expect(body.issues.map((issue) => issue.path)).toEqual([
      ['transcript', '0', 'role'],
      ['transcript', '1', 'startedAt'],
      ['usage', 'llmPromptTokens'],
    ]);
    const notJson = await post(call.url, '{"transcript": [', bearer(call.token));
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toMatchObject({ code: 'BAD_REQUEST', issues: [{ path: [] }] });
    expect(await sessionsGet(call.sessionId)).toMatchObject({ transcript: null });
  });

  test('a valid token of a call that is not recorded is a 404', async () => {
    const { services, base } = await start();
    const report = services.reports.credentialFor({
      workspaceId: TEST_WORKSPACE_ID,
      sessionId: '64c0000000000000000000ff',
      createdAt: new Date(Date.UTC(2026, 2, 1, 12)),
    });
    expect(report.url).toBe(`${base}/api/sessions/64c0000000000000000000ff/report`);
    const response = await post(report.url, JSON.stringify(REPORT), bearer(report.token));
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({
      code: 'NOT_FOUND',
      details: { reason: 'not-found', resource: 'session' },
    });
  });

  test('a database that cannot answer is a 503, so the worker may send it again', async () => {
    const { startCall } = await start({ databaseDown: true });
    const call = await startCall();
    const response = await post(call.url, JSON.stringify(REPORT), bearer(call.token));
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
  });

  test('another Content-Type is 415; another method is 405', async () => {
    const { startCall } = await start();
    const call = await startCall();
    const text = await fetch(call.url, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', ...bearer(call.token) },
      body: JSON.stringify(REPORT),
    });
    expect(text.status).toBe(415);
    const get = await fetch(call.url, { headers: bearer(call.token) });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });
});

describe('GET /api/schemas/<name>.json', () => {
  test.each(['agent-job-metadata.schema', 'call-report.schema', 'agent-export.schema'])(
    '%s is served as committed, public and cacheable',
    async (name) => {
      const { base } = await start();
      const response = await fetch(`${base}/api/schemas/${name}.json`, {
        headers: { origin: 'https://worker.example' },
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/schema+json; charset=utf-8');
      expect(response.headers.get('cache-control')).toBe('public, max-age=3600');
      expect(await response.text()).toBe(
        readFileSync(new URL(`../../schemas/${name}.json`, import.meta.url), 'utf8'),
      );
    },
  );

  test('an unknown schema is a 404', async () => {
    const { base } = await start();
    expect((await fetch(`${base}/api/schemas/session.schema.json`)).status).toBe(404);
  });
});
