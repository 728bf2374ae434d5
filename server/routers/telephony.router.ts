import {
  didRouteCreateInputSchema,
  didRouteIdInputSchema,
  didRouteListInputSchema,
  didRouteUpdateInputSchema,
  telephonyResolveInputSchema,
} from '../../shared/telephony.schema.ts';
import { publicProcedure, router } from '../trpc.ts';

export const telephonyRouter = router({
  routes: router({
    list: publicProcedure
      .input(didRouteListInputSchema.prefault({}))
      .query(({ ctx, input }) => ctx.services.telephony.listRoutes(input)),
    get: publicProcedure
      .input(didRouteIdInputSchema)
      .query(({ ctx, input }) => ctx.services.telephony.getRoute(input.routeId)),
    create: publicProcedure
      .input(didRouteCreateInputSchema)
      .mutation(({ ctx, input }) => ctx.services.telephony.createRoute(input)),
    update: publicProcedure
      .input(didRouteUpdateInputSchema)
      .mutation(({ ctx, input }) => ctx.services.telephony.updateRoute(input)),
    delete: publicProcedure
      .input(didRouteIdInputSchema)
      .mutation(({ ctx, input }) => ctx.services.telephony.deleteRoute(input.routeId)),
  }),
  resolve: publicProcedure
    .input(telephonyResolveInputSchema)
    .query(({ ctx, input }) => ctx.services.telephony.resolve(input)),
  sync: publicProcedure.mutation(({ ctx }) => ctx.services.telephony.sync()),
});
