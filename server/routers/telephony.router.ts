import {
  didRouteCreateInputSchema,
  didRouteIdInputSchema,
  didRouteListInputSchema,
  didRouteUpdateInputSchema,
  telephonyResolveInputSchema,
} from '../../shared/telephony.schema.ts';
import { router, workspaceProcedure } from '../trpc.ts';

const read = workspaceProcedure.meta({ permission: 'telephony:read' });
const write = workspaceProcedure.meta({ permission: 'telephony:write' });

export const telephonyRouter = router({
  routes: router({
    list: read
      .input(didRouteListInputSchema.prefault({}))
      .query(({ ctx, input }) => ctx.services.telephony.listRoutes(ctx.caller.workspaceId, input)),
    get: read
      .input(didRouteIdInputSchema)
      .query(({ ctx, input }) =>
        ctx.services.telephony.getRoute(ctx.caller.workspaceId, input.routeId),
      ),
    create: write
      .input(didRouteCreateInputSchema)
      .mutation(({ ctx, input }) =>
        ctx.services.telephony.createRoute(ctx.caller.workspaceId, input),
      ),
    update: write
      .input(didRouteUpdateInputSchema)
      .mutation(({ ctx, input }) =>
        ctx.services.telephony.updateRoute(ctx.caller.workspaceId, input),
      ),
    delete: write
      .input(didRouteIdInputSchema)
      .mutation(({ ctx, input }) =>
        ctx.services.telephony.deleteRoute(ctx.caller.workspaceId, input.routeId),
      ),
  }),
  resolve: read
    .input(telephonyResolveInputSchema)
    .query(({ ctx, input }) => ctx.services.telephony.resolve(ctx.caller.workspaceId, input)),
  sync: write.mutation(({ ctx }) => ctx.services.telephony.sync(ctx.caller.workspaceId)),
});
