import { callReportSchema, type CallReport } from '../../shared/call-report.schema.ts';
import type { AgentJobReport } from '../../shared/session.schema.ts';
import { toApiIssues } from '../../shared/issues.ts';
import { NotFoundError, UnauthorizedError, ValidationError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { CallReportStore } from '../ports/call-report-store.port.ts';
import type { CallSessionStore } from '../ports/call-session-store.port.ts';
import { createReportCredentials, type ReportGrant } from './report-credentials.ts';

/** The path workers post their call report to; `:sessionId` is the call's id. */
export const reportPath = (sessionId: string) => `/api/sessions/${sessionId}/report`;

export interface CallReportService {
  /**
   * What a call's job metadata carries as `report`: where to post and the call's own token
   * (the same for every start that joins the call, so the dispatch's metadata does not change).
   */
  credentialFor(call: { workspaceId: string; sessionId: string; createdAt: Date }): AgentJobReport;
  /**
   * Checks a report's `Authorization` header against the path's session id before its body is
   * read: the bearer token must be ours, this call's and unexpired, else UNAUTHORIZED.
   */
  authorize(request: { sessionId: string; authorization: string | undefined }): ReportGrant;
  /**
   * The authorized report's raw body: a call report (else BAD_REQUEST with each issue's path) of
   * a known call (else NOT_FOUND), stored in place of any earlier report of the call.
   */
  receive(grant: ReportGrant, body: string): Promise<{ reportedAt: Date }>;
}

export interface CallReportServiceDeps {
  /** AUTH_SECRET (or the app's per-process one): the tokens' key is derived from it. */
  secret: string;
  /**
   * The origin workers reach this server at (AGENT_REPORT_BASE_URL, else PUBLIC_URL, else the
   * server's own loopback address); read at each start, since the port is known only once it
   * listens.
   */
  baseUrl: () => string;
  sessions: Pick<CallSessionStore, 'get'>;
  store: CallReportStore;
  /** The clock of the tokens' expiry and of `reportedAt` (tests pin it). */
  now?: () => Date;
  logger?: Logger;
}

export function createCallReportService(deps: CallReportServiceDeps): CallReportService {
  const credentials = createReportCredentials(deps.secret);
  const now = deps.now ?? (() => new Date());

  return {
    credentialFor(call) {
      const { token, expiresAt } = credentials.mint(call);
      return {
        url: `${deps.baseUrl()}${reportPath(call.sessionId)}`,
        token,
        expiresAt: expiresAt.toISOString(),
      };
    },

    authorize({ sessionId, authorization }) {
      const token = /^Bearer +(\S+) *$/i.exec(authorization ?? '')?.[1];
      if (!token)
        throw refused(
          'invalid-report-token',
          'Send the report token: Authorization: Bearer sb_rpt_…',
        );
      const checked = credentials.check(token, now());
      if (!checked.ok) {
        throw checked.reason === 'expired'
          ? refused('report-token-expired', 'The report token has expired')
          : refused('invalid-report-token', 'The report token is not valid');
      }
      const { grant } = checked;
      if (grant.sessionId !== sessionId.toLowerCase()) {
        throw refused('invalid-report-token', 'The report token is for another call');
      }
      return grant;
    },

    async receive(grant, body) {
      const report = parseReport(body);
      const call = await deps.sessions.get(grant.workspaceId, grant.sessionId);
      if (!call) {
        throw new NotFoundError(`Call ${grant.sessionId} was not found`, {
          details: { reason: 'not-found', resource: 'session', id: grant.sessionId },
        });
      }
      const reportedAt = now();
      await deps.store.save({
        sessionId: call.id,
        workspaceId: call.workspaceId,
        transcript: report.transcript.map((entry) => ({
          role: entry.role,
          text: entry.text,
          startedAt: entry.startedAt,
          endedAt: entry.endedAt ?? null,
        })),
        usage: report.usage ?? null,
        reportedAt,
      });
      deps.logger?.info('call report received', {
        sessionId: call.id,
        workspaceId: call.workspaceId,
        turns: report.transcript.length,
      });
      return { reportedAt };
    },
  };
}

function refused(
  reason: 'invalid-report-token' | 'report-token-expired',
  message: string,
): UnauthorizedError {
  return new UnauthorizedError(message, { details: { reason } });
}

function parseReport(body: string): CallReport {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    const message = 'The body must be a JSON call report';
    throw new ValidationError(message, { issues: [{ path: [], message }] });
  }
  const parsed = callReportSchema.safeParse(json);
  if (!parsed.success) {
    const issues = toApiIssues(parsed.error.issues);
    throw new ValidationError(
      `The call report is not valid: ${issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ')}`,
      { issues },
    );
  }
  return parsed.data;
}
