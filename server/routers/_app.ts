import { createCallerFactory, router } from '../trpc.ts';
import { agentsRouter } from './agents.router.ts';
import { auditRouter } from './audit.router.ts';
import { keysRouter } from './keys.router.ts';
import { sessionRouter } from './session.router.ts';
import { sessionsRouter } from './sessions.router.ts';
import { systemRouter } from './system.router.ts';
import { telephonyRouter } from './telephony.router.ts';
import {
  accountRouter,
  invitationsRouter,
  membersRouter,
  setupRouter,
  workspacesRouter,
} from './workspaces.router.ts';

export const appRouter = router({
  account: accountRouter,
  agents: agentsRouter,
  audit: auditRouter,
  invitations: invitationsRouter,
  keys: keysRouter,
  members: membersRouter,
  setup: setupRouter,
  workspaces: workspacesRouter,
  session: sessionRouter,
  sessions: sessionsRouter,
  system: systemRouter,
  telephony: telephonyRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
