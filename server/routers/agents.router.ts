import {
  agentCreateInputSchema,
  agentDeleteOutputSchema,
  agentIdInputSchema,
  agentListInputSchema,
  agentListOutputSchema,
  agentSchema,
  agentUpdateInputSchema,
  type Agent,
  type AgentList,
} from '../../shared/agent.schema.ts';
import { outputAs, router, workspaceProcedure } from '../trpc.ts';

const tags = ['agents'];

export const agentsRouter = router({
  list: workspaceProcedure
    .meta({
      permission: 'agents:read',
      openapi: { method: 'GET', path: '/agents', tags, summary: 'List agents, newest first' },
    })
    // prefault: no input parses as `{}`, so the defaults apply.
    .input(agentListInputSchema.prefault({}))
    .output(outputAs<AgentList>(agentListOutputSchema))
    .query(({ ctx, input }) => ctx.services.agents.list(ctx.caller.workspaceId, input)),
  get: workspaceProcedure
    .meta({
      permission: 'agents:read',
      openapi: {
        method: 'GET',
        path: '/agents/{agentId}',
        tags,
        summary: 'Get an agent',
        description: 'Answers `ETag: "<version>"`: send it back as `If-Match` when you update.',
      },
    })
    .input(agentIdInputSchema)
    .output(outputAs<Agent>(agentSchema))
    .query(({ ctx, input }) => ctx.services.agents.get(ctx.caller.workspaceId, input.agentId)),
  create: workspaceProcedure
    .meta({
      permission: 'agents:write',
      openapi: {
        method: 'POST',
        path: '/agents',
        tags,
        summary: 'Create an agent',
        successStatus: 201,
        successDescription: 'The agent, version 1 (also `Location` and `ETag`)',
      },
    })
    .input(agentCreateInputSchema)
    .output(outputAs<Agent>(agentSchema))
    .mutation(({ ctx, input }) => ctx.services.agents.create(ctx.caller.workspaceId, input)),
  update: workspaceProcedure
    .meta({
      permission: 'agents:write',
      openapi: {
        method: 'PATCH',
        path: '/agents/{agentId}',
        tags,
        summary: 'Update an agent',
        description:
          'The fields given replace the stored ones (a given `config` replaces the stored config whole). ' +
          'Send `If-Match: "<version>"` (or `expectedVersion`) and an update made from a stale copy ' +
          'changes nothing: 412 with `If-Match`, 409 with `expectedVersion`, `details.currentVersion` in both.',
        errorResponses: { 409: 'Stale `expectedVersion`', 412: 'Stale `If-Match`' },
      },
    })
    .input(agentUpdateInputSchema)
    .output(outputAs<Agent>(agentSchema))
    .mutation(({ ctx, input }) => ctx.services.agents.update(ctx.caller.workspaceId, input)),
  delete: workspaceProcedure
    .meta({
      permission: 'agents:write',
      openapi: {
        method: 'DELETE',
        path: '/agents/{agentId}',
        tags,
        summary: 'Delete an agent (soft)',
        errorResponses: { 409: 'Phone numbers still route to the agent' },
      },
    })
    .input(agentIdInputSchema)
    .output(agentDeleteOutputSchema)
    .mutation(({ ctx, input }) =>
      ctx.services.agents.delete(ctx.caller.workspaceId, input.agentId),
    ),
});
