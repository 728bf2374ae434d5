import {
  sessionStartInputSchema,
  sessionStartOutputSchema,
  type SessionStartOutput,
} from '../../shared/session.schema.ts';
import {
  tokenSourceRequestSchema,
  tokenSourceResponseSchema,
} from '../../shared/token-source.schema.ts';
import { startForTokenSource } from '../services/token-source.ts';
import { outputAs, router, workspaceProcedure } from '../trpc.ts';

const tags = ['sessions'];

export const sessionRouter = router({
  start: workspaceProcedure
    .meta({
      permission: 'sessions:start',
      openapi: {
        method: 'POST',
        path: '/session',
        tags,
        summary: 'Start a call: a room, the agent worker dispatched to it, a participant token',
        description:
          'With a publishable key, from a page of an origin the key lists (CORS), for its agents only.',
        errorResponses: { 409: 'Room or identity in use', 429: 'Over a rate or the session cap' },
      },
    })
    .input(sessionStartInputSchema)
    .output(outputAs<SessionStartOutput>(sessionStartOutputSchema))
    .mutation(({ ctx, input }) => ctx.services.session.start(ctx.caller, input)),
  /**
   * LiveKit's standard token endpoint for one saved agent (`TokenSource.endpoint(url)`): what
   * `start` does, in LiveKit's request and response format.
   */
  connectionDetails: workspaceProcedure
    .meta({
      permission: 'sessions:start',
      openapi: {
        method: 'POST',
        path: '/agents/{agentId}/connection-details',
        tags,
        summary: 'LiveKit token endpoint: start a call with this agent (TokenSource.endpoint)',
        description:
          "LiveKit's `TokenSourceRequest` in, `TokenSourceResponse` out; what `POST /session` does. " +
          '`room_config.agents[0].metadata` is per-call agentConfig overrides as a JSON string.',
        errorResponses: { 409: 'Room or identity in use', 429: 'Over a rate or the session cap' },
      },
    })
    .input(tokenSourceRequestSchema)
    .output(tokenSourceResponseSchema)
    .mutation(({ ctx, input }) =>
      startForTokenSource(
        { session: ctx.services.session, agentName: ctx.services.system.info().agentName },
        ctx.caller,
        input,
      ),
    ),
});
