import {
  agentCreateInputSchema,
  agentIdInputSchema,
  agentListInputSchema,
  agentUpdateInputSchema,
} from '../../shared/agent.schema.ts';
import { publicProcedure, router } from '../trpc.ts';

export const agentsRouter = router({
  list: publicProcedure
    // prefault: no input parses as `{}`, so the defaults apply.
    .input(agentListInputSchema.prefault({}))
    .query(({ ctx, input }) => ctx.services.agents.list(input)),
  get: publicProcedure
    .input(agentIdInputSchema)
    .query(({ ctx, input }) => ctx.services.agents.get(input.agentId)),
  create: publicProcedure
    .input(agentCreateInputSchema)
    .mutation(({ ctx, input }) => ctx.services.agents.create(input)),
  update: publicProcedure
    .input(agentUpdateInputSchema)
    .mutation(({ ctx, input }) => ctx.services.agents.update(input)),
  delete: publicProcedure
    .input(agentIdInputSchema)
    .mutation(({ ctx, input }) => ctx.services.agents.delete(input.agentId)),
});
