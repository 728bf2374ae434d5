import type { IncomingMessage } from 'node:http';
import { createLogger, type Logger } from './logger.ts';
import type { AgentService } from './services/agent.service.ts';
import type { SessionService } from './services/session.service.ts';
import type { SystemService } from './services/system.service.ts';
import type { TelephonyService } from './services/telephony.service.ts';

/** Everything procedures may call. Built once by `main.ts` (or by a test) and shared by requests. */
export interface Services {
  agents: AgentService;
  session: SessionService;
  system: SystemService;
  telephony: TelephonyService;
}

export interface Context {
  services: Services;
  logger: Logger;
}

/** The context without HTTP: what tests build for `createCaller`. */
export function createInnerContext(options: { services: Services; logger?: Logger }): Context {
  return { services: options.services, logger: options.logger ?? createLogger({ level: 'warn' }) };
}

/**
 * Per-request context for the HTTP adapter. Nothing comes from the request yet; workspaces and
 * API keys will read it here.
 */
export function contextFactory(inner: Context) {
  return (_opts: { req: IncomingMessage }): Context => inner;
}
