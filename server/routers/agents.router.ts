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
import {
  agentDiffInputSchema,
  agentDiffOutputSchema,
  agentPublishInputSchema,
  agentPublishOutputSchema,
  agentRestoreInputSchema,
  agentRestoreOutputSchema,
  agentVersionInputSchema,
  agentVersionSchema,
  agentVersionsInputSchema,
  agentVersionsOutputSchema,
  type AgentDiff,
  type AgentRestoreOutput,
  type AgentVersion,
} from '../../shared/agent-version.schema.ts';
import { actorOf } from '../identity.ts';
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
    .mutation(({ ctx, input }) =>
      ctx.services.agents.create(ctx.caller.workspaceId, input, actorOf(ctx.caller)),
    ),
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
    .mutation(({ ctx, input }) =>
      ctx.services.agents.update(ctx.caller.workspaceId, input, actorOf(ctx.caller)),
    ),
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
      ctx.services.agents.delete(ctx.caller.workspaceId, input.agentId, actorOf(ctx.caller)),
    ),
  publish: workspaceProcedure
    .meta({
      permission: 'agents:write',
      openapi: {
        method: 'POST',
        path: '/agents/{agentId}/publish',
        tags,
        summary: "Publish the agent's draft as a new version",
        description:
          'Copies the draft (the saved config) into an immutable version numbered one above the latest. ' +
          'A draft identical to the published version stores nothing and answers `status: "unchanged"`. ' +
          'Give `expectedVersion` (the draft `version` you reviewed) and a draft changed since is a 409.',
        errorResponses: { 409: 'The draft changed since `expectedVersion`' },
      },
    })
    .input(agentPublishInputSchema)
    .output(agentPublishOutputSchema)
    .mutation(({ ctx, input }) =>
      ctx.services.agentVersions.publish(ctx.caller.workspaceId, input, actorOf(ctx.caller)),
    ),
  versions: workspaceProcedure
    .meta({
      permission: 'agents:read',
      openapi: {
        method: 'GET',
        path: '/agents/{agentId}/versions',
        tags,
        summary: "An agent's published versions, newest first (without configs)",
      },
    })
    .input(agentVersionsInputSchema)
    .output(agentVersionsOutputSchema)
    .query(({ ctx, input }) => ctx.services.agentVersions.list(ctx.caller.workspaceId, input)),
  version: workspaceProcedure
    .meta({
      permission: 'agents:read',
      openapi: {
        method: 'GET',
        path: '/agents/{agentId}/versions/{version}',
        tags,
        summary: 'One published version, with its config',
      },
    })
    .input(agentVersionInputSchema)
    .output(outputAs<AgentVersion>(agentVersionSchema))
    .query(({ ctx, input }) =>
      ctx.services.agentVersions.get(ctx.caller.workspaceId, input.agentId, input.version),
    ),
  diff: workspaceProcedure
    .meta({
      permission: 'agents:read',
      openapi: {
        method: 'POST',
        path: '/agents/{agentId}/diff',
        tags,
        summary: 'What differs between two versions, or a version and the draft, path by path',
        description:
          '`from` and `to` are each a version number, `"published"` or `"draft"`. Reads nothing ' +
          'it changes; POST because the two sides are a JSON body.',
      },
    })
    .input(agentDiffInputSchema)
    .output(outputAs<AgentDiff>(agentDiffOutputSchema))
    .query(({ ctx, input }) => ctx.services.agentVersions.diff(ctx.caller.workspaceId, input)),
  restore: workspaceProcedure
    .meta({
      permission: 'agents:write',
      openapi: {
        method: 'POST',
        path: '/agents/{agentId}/restore',
        tags,
        summary: 'Copy an earlier version into the draft, and publish it with `publish: true`',
        description:
          'History is never rewritten: with `publish`, the copy is a new version that records ' +
          '`restoredFrom`. A draft changed since `expectedVersion` is a 409.',
        errorResponses: { 409: 'The draft changed since `expectedVersion`' },
      },
    })
    .input(agentRestoreInputSchema)
    .output(outputAs<AgentRestoreOutput>(agentRestoreOutputSchema))
    .mutation(({ ctx, input }) =>
      ctx.services.agentVersions.restore(ctx.caller.workspaceId, input, actorOf(ctx.caller)),
    ),
});
