import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/**
 * The credential an agent worker reports a call with (`report.token` in its job metadata):
 * `sb_rpt_<workspaceId>.<sessionId>.<expiresUnix>.<mac>`, `mac` being the base64url
 * HMAC-SHA256 of everything before it under a key derived from AUTH_SECRET. Nothing is stored:
 * any instance sharing AUTH_SECRET checks it, and it says which call (and workspace) it may report
 * and until when. It is per call and short-lived, so a worker that leaks it exposes one call's report.
 */
export const REPORT_TOKEN_PREFIX = 'sb_rpt_';

/**
 * How long after a call is recorded its worker may report it: the call's life plus a margin (a
 * call longer than this cannot report; LiveKit's own participant tokens live 10 minutes by default).
 */
export const REPORT_TOKEN_LIFETIME_MS = 24 * 60 * 60 * 1000;

const TOKEN_PATTERN = /^sb_rpt_([0-9a-f]{24})\.([0-9a-f]{24})\.([0-9]{1,12})\.([A-Za-z0-9_-]{43})$/;

export interface ReportGrant {
  workspaceId: string;
  sessionId: string;
  expiresAt: Date;
}

export type ReportTokenCheck =
  { ok: true; grant: ReportGrant } | { ok: false; reason: 'invalid' | 'expired' };

export interface ReportCredentials {
  /** The token for one call, valid until `createdAt` + {@link REPORT_TOKEN_LIFETIME_MS}. */
  mint(call: { workspaceId: string; sessionId: string; createdAt: Date }): {
    token: string;
    expiresAt: Date;
  };
  /** Whether `token` is one of ours (signature) and still valid at `now`. */
  check(token: string, now: Date): ReportTokenCheck;
}

/**
 * `secret` is AUTH_SECRET (or, without it, the random per-process secret the app makes): the
 * tokens' key is derived from it with HKDF under a label of its own, so it signs nothing else.
 */
export function createReportCredentials(secret: string): ReportCredentials {
  const key = Buffer.from(hkdfSync('sha256', secret, 'switchboard', 'call-report token v1', 32));
  const sign = (payload: string) => createHmac('sha256', key).update(payload).digest('base64url');
  return {
    mint({ workspaceId, sessionId, createdAt }) {
      const expiresUnix = Math.floor((createdAt.getTime() + REPORT_TOKEN_LIFETIME_MS) / 1000);
      const payload = `${REPORT_TOKEN_PREFIX}${workspaceId}.${sessionId}.${expiresUnix}`;
      return { token: `${payload}.${sign(payload)}`, expiresAt: new Date(expiresUnix * 1000) };
    },
    check(token, now) {
      const match = TOKEN_PATTERN.exec(token);
      if (!match) return { ok: false, reason: 'invalid' };
      const [, workspaceId = '', sessionId = '', expiresUnix = '', mac = ''] = match;
      const expected = Buffer.from(
        sign(`${REPORT_TOKEN_PREFIX}${workspaceId}.${sessionId}.${expiresUnix}`),
      );
      const given = Buffer.from(mac);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        return { ok: false, reason: 'invalid' };
      }
      const expiresAt = new Date(Number(expiresUnix) * 1000);
      if (now.getTime() >= expiresAt.getTime()) return { ok: false, reason: 'expired' };
      return { ok: true, grant: { workspaceId, sessionId, expiresAt } };
    },
  };
}
