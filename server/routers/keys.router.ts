import { keyCreateInputSchema, keyRevokeInputSchema } from '../../shared/workspace.schema.ts';
import { router, workspaceProcedure } from '../trpc.ts';

export const keysRouter = router({
  list: workspaceProcedure
    .meta({ permission: 'keys:admin' })
    .query(({ ctx }) => ctx.services.keys.list(ctx.caller.workspaceId)),
  /** The key in clear is in this answer only (`secret`); the server keeps its SHA-256. */
  create: workspaceProcedure
    .meta({ permission: 'keys:admin' })
    .input(keyCreateInputSchema)
    .mutation(({ ctx, input }) =>
      ctx.services.keys.create(
        {
          workspaceId: ctx.caller.workspaceId,
          mayGrant: ctx.caller.permissions,
          createdBy: ctx.user?.email ?? `API key ${ctx.caller.actor.id}`,
        },
        input,
      ),
    ),
  revoke: workspaceProcedure
    .meta({ permission: 'keys:admin' })
    .input(keyRevokeInputSchema)
    .mutation(({ ctx, input }) => ctx.services.keys.revoke(ctx.caller.workspaceId, input.id)),
});
