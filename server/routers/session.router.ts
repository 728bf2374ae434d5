import { sessionStartInputSchema } from '../../shared/session.schema.ts';
import { router, workspaceProcedure } from '../trpc.ts';

export const sessionRouter = router({
  start: workspaceProcedure
    .meta({ permission: 'sessions:start' })
    .input(sessionStartInputSchema)
    .mutation(({ ctx, input }) => ctx.services.session.start(ctx.caller, input)),
});
