import { router, workspaceProcedure } from '../trpc.ts';

export const systemRouter = router({
  // Any caller may read it (the dashboard's storage banner); nobody unauthenticated: it names
  // the server's version and set-up.
  info: workspaceProcedure
    .meta({ permission: 'signed-in' })
    .query(({ ctx }) => ctx.services.system.info()),
});
