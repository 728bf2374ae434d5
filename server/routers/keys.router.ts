import { z } from 'zod';
import {
  apiKeySchema,
  keyCreateInputSchema,
  keyRevokeInputSchema,
} from '../../shared/workspace.schema.ts';
import { actorOf } from '../identity.ts';
import { router, workspaceProcedure } from '../trpc.ts';

const tags = ['keys'];

export const keysRouter = router({
  list: workspaceProcedure
    .meta({
      permission: 'keys:admin',
      openapi: { method: 'GET', path: '/keys', tags, summary: 'List API keys, newest first' },
    })
    .output(z.array(apiKeySchema))
    .query(({ ctx }) => ctx.services.keys.list(ctx.caller.workspaceId)),
  /**
   * The key in clear is in this answer only (`secret`); the server keeps its SHA-256. Not a REST
   * route: its input is a union (secret or publishable), which trpc-to-openapi cannot serve.
   */
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
        actorOf(ctx.caller),
      ),
    ),
  revoke: workspaceProcedure
    .meta({
      permission: 'keys:admin',
      openapi: { method: 'DELETE', path: '/keys/{id}', tags, summary: 'Revoke an API key' },
    })
    .input(keyRevokeInputSchema)
    .output(apiKeySchema)
    .mutation(({ ctx, input }) =>
      ctx.services.keys.revoke(ctx.caller.workspaceId, input.id, actorOf(ctx.caller)),
    ),
});
