import { actorOf } from '../identity.ts';
import {
  didRouteCreateInputSchema,
  didRouteDeleteOutputSchema,
  didRouteIdInputSchema,
  didRouteListInputSchema,
  didRouteListOutputSchema,
  didRouteSchema,
  didRouteUpdateInputSchema,
  telephonyResolveInputSchema,
  telephonySyncReportSchema,
} from '../../shared/telephony.schema.ts';
import { router, workspaceProcedure } from '../trpc.ts';

const read = workspaceProcedure.meta({ permission: 'telephony:read' });
const write = workspaceProcedure.meta({ permission: 'telephony:write' });
const tags = ['phone numbers'];

export const telephonyRouter = router({
  routes: router({
    list: read
      .meta({
        permission: 'telephony:read',
        openapi: { method: 'GET', path: '/phone-numbers', tags, summary: 'List phone numbers' },
      })
      .input(didRouteListInputSchema.prefault({}))
      .output(didRouteListOutputSchema)
      .query(({ ctx, input }) => ctx.services.telephony.listRoutes(ctx.caller.workspaceId, input)),
    get: read
      .meta({
        permission: 'telephony:read',
        openapi: {
          method: 'GET',
          path: '/phone-numbers/{routeId}',
          tags,
          summary: 'Get a phone number',
        },
      })
      .input(didRouteIdInputSchema)
      .output(didRouteSchema)
      .query(({ ctx, input }) =>
        ctx.services.telephony.getRoute(ctx.caller.workspaceId, input.routeId),
      ),
    create: write
      .meta({
        permission: 'telephony:write',
        openapi: {
          method: 'POST',
          path: '/phone-numbers',
          tags,
          summary: 'Route a phone number to an agent',
          successStatus: 201,
          errorResponses: { 409: 'The number has a route already' },
        },
      })
      .input(didRouteCreateInputSchema)
      .output(didRouteSchema)
      .mutation(({ ctx, input }) =>
        ctx.services.telephony.createRoute(ctx.caller.workspaceId, input, actorOf(ctx.caller)),
      ),
    update: write
      .meta({
        permission: 'telephony:write',
        openapi: {
          method: 'PATCH',
          path: '/phone-numbers/{routeId}',
          tags,
          summary: 'Change a phone number’s number, agent or label',
          errorResponses: { 409: 'The number has a route already' },
        },
      })
      .input(didRouteUpdateInputSchema)
      .output(didRouteSchema)
      .mutation(({ ctx, input }) =>
        ctx.services.telephony.updateRoute(ctx.caller.workspaceId, input, actorOf(ctx.caller)),
      ),
    delete: write
      .meta({
        permission: 'telephony:write',
        openapi: {
          method: 'DELETE',
          path: '/phone-numbers/{routeId}',
          tags,
          summary: 'Delete a phone number’s route',
        },
      })
      .input(didRouteIdInputSchema)
      .output(didRouteDeleteOutputSchema)
      .mutation(({ ctx, input }) =>
        ctx.services.telephony.deleteRoute(
          ctx.caller.workspaceId,
          input.routeId,
          actorOf(ctx.caller),
        ),
      ),
  }),
  resolve: read
    .input(telephonyResolveInputSchema)
    .query(({ ctx, input }) => ctx.services.telephony.resolve(ctx.caller.workspaceId, input)),
  sync: write
    .meta({
      permission: 'telephony:write',
      openapi: {
        method: 'POST',
        path: '/phone-numbers/sync',
        tags,
        summary: 'Bring LiveKit’s SIP dispatch rules in line with the saved routes',
      },
    })
    .output(telephonySyncReportSchema)
    .mutation(({ ctx }) => ctx.services.telephony.sync(ctx.caller.workspaceId)),
});
