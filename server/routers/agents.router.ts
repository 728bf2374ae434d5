import {
  agentCreateInputSchema,
  agentIdInputSchema,
  agentListInputSchema,
  agentUpdateInputSchema,
} from '../../shared/agent.schema.ts';
import { router, workspaceProcedure } from '../trpc.ts';

export const agentsRouter = router({
  list: workspaceProcedure
    .meta({ permission: 'agents:read' })
    // prefault: no input parses as `{}`, so the defaults apply.
    .input(agentListInputSchema.prefault({}))
    .query(({ ctx, input }) => ctx.services.agents.list(ctx.caller.workspaceId, input)),
  get: workspaceProcedure
    .meta({ permission: 'agents:read' })
    .input(agentIdInputSchema)
    .query(({ ctx, input }) => ctx.services.agents.get(ctx.caller.workspaceId, input.agentId)),
  create: workspaceProcedure
    .meta({ permission: 'agents:write' })
    .input(agentCreateInputSchema)
    .mutation(({ ctx, input }) => ctx.services.agents.create(ctx.caller.workspaceId, input)),
  update: workspaceProcedure
    .meta({ permission: 'agents:write' })
    .input(agentUpdateInputSchema)
    .mutation(({ ctx, input }) => ctx.services.agents.update(ctx.caller.workspaceId, input)),
  delete: workspaceProcedure
    .meta({ permission: 'agents:write' })
    .input(agentIdInputSchema)
    .mutation(({ ctx, input }) =>
      ctx.services.agents.delete(ctx.caller.workspaceId, input.agentId),
    ),
});
