import type { IncomingMessage } from 'node:http';
import type { Permission, Role, Scope } from '../shared/auth.schema.ts';
import { localOwnerCaller } from './identity.ts';
import { toTRPCError } from './trpc.ts';
import { createLogger, type Logger } from './logger.ts';
import type { Accounts } from './ports/accounts.port.ts';
import type { AgentService } from './services/agent.service.ts';
import type { AgentVersionService } from './services/agent-version.service.ts';
import type { AgentTransferService } from './services/agent-transfer.service.ts';
import type { ApiKeyService } from './services/api-key.service.ts';
import type { AuditLog } from './services/audit.service.ts';
import type { CallHistoryService } from './services/call-history.service.ts';
import type { CallReportService } from './services/call-report.service.ts';
import type { SetupService } from './services/setup.service.ts';
import type { WorkspaceService } from './services/workspace.service.ts';
import type { SessionService } from './services/session.service.ts';
import type { SystemService } from './services/system.service.ts';
import type { TelephonyService } from './services/telephony.service.ts';

/** Everything procedures may call. Built once by `main.ts` (or by a test) and shared by requests. */
export interface Services {
  accounts: Accounts;
  agents: AgentService;
  /** Agents' drafts, published versions, diffs and restores. */
  agentVersions: AgentVersionService;
  /** Export, import and duplicate agents. */
  agentTransfer: AgentTransferService;
  /** Who changed what: `audit.list`; services record into it. */
  audit: AuditLog;
  /** Call history: `sessions.*` and LiveKit's webhooks. */
  calls: CallHistoryService;
  /** Agent workers' call reports (`POST /api/sessions/:id/report`). */
  reports: CallReportService;
  keys: ApiKeyService;
  setup: SetupService;
  workspaces: WorkspaceService;
  session: SessionService;
  system: SystemService;
  telephony: TelephonyService;
}

/**
 * Who is asking, resolved once per request: the workspace every store query is limited to, who
 * acts (for the audit log: `actorOf`), and what they may do. A person's role and a key's scopes
 * both reduce to `permissions`; `role` / `scopes` are kept for logs.
 */
export interface Caller {
  workspaceId: string;
  actor: { kind: 'user' | 'api-key' | 'publishable-key' | 'local'; id: string };
  /** How the audit log names the actor: a person's name, a key's name. */
  actorName?: string;
  /** A signed-in person's better-auth session (the audit log's "from which session"). */
  sessionId?: string;
  permissions: ReadonlySet<Permission>;
  role?: Role;
  scopes?: readonly Scope[];
  /**
   * A publishable key's limits (it only has `sessions:start`): the agents it may start (null:
   * any agent of the workspace), and no joining of existing rooms or naming of rooms/identities.
   */
  limits?: { agentIds: readonly string[] | null };
}

/** The person behind a dashboard session (not set for API keys). */
export interface SignedInUser {
  id: string;
  email: string;
  name: string;
}

/**
 * Why a request that carried credentials has no caller: a key that is unknown or revoked, a
 * publishable key used from an origin it does not list, or a workspace the person is not in.
 */
export type AuthFailure =
  | { reason: 'invalid-key' | 'key-revoked' | 'origin-not-allowed'; message: string }
  | { reason: 'workspace-not-found'; message: string; workspaceId: string }
  | { reason: 'no-workspace'; message: string };

/** What authenticating a request gives: who (if anyone), in which workspace. */
export interface Authentication {
  caller: Caller | null;
  user: SignedInUser | null;
  failure: AuthFailure | null;
}

export interface Context {
  services: Services;
  logger: Logger;
  /** null: nobody signed in and no key; every procedure but the public ones answers UNAUTHORIZED. */
  caller: Caller | null;
  /** The signed-in person, also when they have no workspace yet (account-level procedures). */
  user: SignedInUser | null;
  /** Why credentials that came with the request were refused (null when none came or they held). */
  authFailure: AuthFailure | null;
  /** Whether `POST /api/dev/sign-in` signs the development owner in (`npm run dev`, loopback). */
  developmentSignIn: boolean;
}

/** Resolves a request's caller (a session cookie, an `Authorization: Bearer` key). */
export type Authenticate = (req: IncomingMessage) => Promise<Authentication>;

/**
 * The context without HTTP: what tests build for `createCaller`. Without `caller` it is the
 * local workspace's owner, what every request is until sign-in; `caller: null` is anonymous.
 */
export function createInnerContext(options: {
  services: Services;
  logger?: Logger;
  caller?: Caller | null;
  user?: SignedInUser | null;
  authFailure?: AuthFailure | null;
}): Context {
  return {
    services: options.services,
    logger: options.logger ?? createLogger({ level: 'warn' }),
    caller: options.caller === undefined ? localOwnerCaller : options.caller,
    user: options.user ?? null,
    authFailure: options.authFailure ?? null,
    developmentSignIn: false,
  };
}

/** What the HTTP adapter is given: the parts every request shares, and how to authenticate one. */
export interface RequestContextSource {
  services: Services;
  logger: Logger;
  authenticate: Authenticate;
  developmentSignIn?: boolean;
}

/** Per-request context for the HTTP adapter: each request's caller comes from `authenticate`. */
export function contextFactory(source: RequestContextSource) {
  return async ({ req }: { req: IncomingMessage }): Promise<Context> => {
    // A store that cannot answer (SERVICE_UNAVAILABLE) is that error, in the contract's shape.
    const { caller, user, failure } = await source.authenticate(req).catch((error: unknown) => {
      throw toTRPCError(error);
    });
    return {
      services: source.services,
      logger: source.logger,
      caller,
      user,
      authFailure: failure,
      developmentSignIn: source.developmentSignIn ?? false,
    };
  };
}
