import {
  sessionsGetInputSchema,
  sessionsListInputSchema,
} from '../../shared/call-session.schema.ts';
import { router, workspaceProcedure } from '../trpc.ts';

/** Call history: the calls `session.start` made, as LiveKit's webhooks moved them on. */
export const sessionsRouter = router({
  list: workspaceProcedure
    .meta({ permission: 'sessions:read' })
    // prefault: no input parses as `{}`, so the defaults apply.
    .input(sessionsListInputSchema.prefault({}))
    .query(({ ctx, input }) => ctx.services.calls.list(ctx.caller.workspaceId, input)),
  get: workspaceProcedure
    .meta({ permission: 'sessions:read' })
    .input(sessionsGetInputSchema)
    .query(({ ctx, input }) => ctx.services.calls.get(ctx.caller.workspaceId, input.sessionId)),
});
