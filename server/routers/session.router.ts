import { sessionStartInputSchema } from '../../shared/session.schema.ts';
import { publicProcedure, router } from '../trpc.ts';

export const sessionRouter = router({
  start: publicProcedure
    .input(sessionStartInputSchema)
    .mutation(({ ctx, input }) => ctx.services.session.start(input)),
});
