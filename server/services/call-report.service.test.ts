import { describe, expect, test } from 'vitest';
import { createMemoryLiveKitRooms } from '../adapters/memory/livekit-rooms.memory.ts';
import { AppError } from '../errors.ts';
import { buildCaller, WORKSPACE_A, WORKSPACE_B, buildIdentity } from '../testing/builders.ts';
import { agentJobMetadataSchema } from '../../shared/session.schema.ts';
import { createReportCredentials, REPORT_TOKEN_LIFETIME_MS } from './report-credentials.ts';

const REPORT = JSON.stringify({
  transcript: [{ role: 'agent', text: 'Hi', startedAt: '2026-03-01T12:00:00Z' }],
});

function setup() {
  const rooms = createMemoryLiveKitRooms();
  const built = buildCaller({ rooms, caller: buildIdentity(WORKSPACE_A) });
  const reportOf = (roomName: string) => {
    const dispatches = rooms.dispatchesOf(roomName);
    expect(dispatches).toHaveLength(1);
    return agentJobMetadataSchema.parse(JSON.parse(dispatches[0]?.metadata ?? '')).report!;
  };
  return { ...built, rooms, reportOf };
}

describe('the report credential in the job metadata', () => {
  test('a second start joining the call keeps its one dispatch and credential: the same call, no CONFLICT', async () => {
    const { caller, reportOf } = setup();
    const first = await caller.session.start({ roomName: 'joined', userIdentity: 'a' });
    const credential = reportOf('joined');
    const second = await caller.session.start({ roomName: 'joined', userIdentity: 'b' });
    expect(second.sessionId).toBe(first.sessionId);
    expect(reportOf('joined')).toEqual(credential);
  });

  test('each call has a token of its own; the token names its call and workspace', async () => {
    const { caller, reportOf } = setup();
    const one = await caller.session.start({});
    const two = await caller.session.start({});
    const [a, b] = [reportOf(one.roomName), reportOf(two.roomName)];
    expect(a.token).not.toBe(b.token);
    expect(a.token.startsWith(`sb_rpt_${WORKSPACE_A}.${one.sessionId}.`)).toBe(true);
    expect(b.url.endsWith(`/api/sessions/${two.sessionId}/report`)).toBe(true);
  });

  test('a reported call is seen by its workspace only', async () => {
    const { caller, as, services, reportOf } = setup();
    const started = await caller.session.start({});
    const sessionId = started.sessionId!;
    const { token } = reportOf(started.roomName);
    const grant = services.reports.authorize({ sessionId, authorization: `Bearer ${token}` });
    await services.reports.receive(grant, REPORT);
    expect((await caller.sessions.get({ sessionId })).transcript).toHaveLength(1);
    await expect(as(buildIdentity(WORKSPACE_B)).sessions.get({ sessionId })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});

describe('report tokens', () => {
  const credentials = createReportCredentials('a-report-secret-of-32-characters-or-more');
  const call = {
    workspaceId: WORKSPACE_A,
    sessionId: '64c0000000000000000000a1',
    createdAt: new Date(Date.UTC(2026, 2, 1, 12)),
  };

  test('valid from its minting until createdAt + a day, then expired', () => {
    const { token, expiresAt } = credentials.mint(call);
    expect(expiresAt.getTime()).toBe(call.createdAt.getTime() + REPORT_TOKEN_LIFETIME_MS);
    expect(credentials.check(token, call.createdAt)).toEqual({
      ok: true,
      grant: { workspaceId: WORKSPACE_A, sessionId: call.sessionId, expiresAt },
    });
    expect(credentials.check(token, new Date(expiresAt.getTime() - 1))).toMatchObject({ ok: true });
    expect(credentials.check(token, expiresAt)).toEqual({ ok: false, reason: 'expired' });
  });

  test('the same call mints the same token; any changed part is invalid', () => {
    const { token } = credentials.mint(call);
    expect(credentials.mint(call).token).toBe(token);
    const swaps = [
      token.replace(WORKSPACE_A, WORKSPACE_B),
      token.replace(call.sessionId, '64c0000000000000000000a2'),
      token.replace(/\.(\d+)\./, (_, unix: string) => `.${Number(unix) + 1}.`),
      `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`,
      createReportCredentials('another-secret-of-32-characters-or-more').mint(call).token,
      `${token} `,
      '',
    ];
    for (const swapped of swaps) {
      expect(credentials.check(swapped, call.createdAt), swapped).toEqual({
        ok: false,
        reason: 'invalid',
      });
    }
  });

  test('a refusal is UNAUTHORIZED with the reason in details', () => {
    const { services } = setup();
    let error: unknown;
    try {
      services.reports.authorize({ sessionId: call.sessionId, authorization: 'Basic abc' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({
      code: 'UNAUTHORIZED',
      details: { reason: 'invalid-report-token' },
    });
  });
});
