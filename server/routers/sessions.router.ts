import {
  callSessionDetailSchema,
  sessionsGetInputSchema,
  sessionsListInputSchema,
  sessionsListOutputSchema,
} from '../../shared/call-session.schema.ts';
import { router, workspaceProcedure } from '../trpc.ts';

const tags = ['sessions'];

/** Call history: the calls `session.start` made, as LiveKit's webhooks moved them on. */
export const sessionsRouter = router({
  list: workspaceProcedure
    .meta({
      permission: 'sessions:read',
      openapi: { method: 'GET', path: '/sessions', tags, summary: 'List calls, newest first' },
    })
    // prefault: no input parses as `{}`, so the defaults apply.
    .input(sessionsListInputSchema.prefault({}))
    .output(sessionsListOutputSchema)
    .query(({ ctx, input }) => ctx.services.calls.list(ctx.caller.workspaceId, input)),
  get: workspaceProcedure
    .meta({
      permission: 'sessions:read',
      openapi: {
        method: 'GET',
        path: '/sessions/{sessionId}',
        tags,
        summary: 'Get a call with its timeline, transcript and usage',
      },
    })
    .input(sessionsGetInputSchema)
    .output(callSessionDetailSchema)
    .query(({ ctx, input }) => ctx.services.calls.get(ctx.caller.workspaceId, input.sessionId)),
});
