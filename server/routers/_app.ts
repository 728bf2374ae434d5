import { createCallerFactory, router } from '../trpc.ts';
import { agentsRouter } from './agents.router.ts';
import { sessionRouter } from './session.router.ts';
import { systemRouter } from './system.router.ts';
import { telephonyRouter } from './telephony.router.ts';

export const appRouter = router({
  agents: agentsRouter,
  session: sessionRouter,
  system: systemRouter,
  telephony: telephonyRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
