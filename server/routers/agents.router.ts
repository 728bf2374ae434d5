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
  agentDeleteVersionInputSchema,
  agentDeleteVersionOutputSchema,
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
import {
  agentDuplicateInputSchema,
  agentExportFileSchema,
  agentImportInputSchema,
  agentImportOutputSchema,
  type AgentExportFile,
  type AgentImportOutput,
} from '../../shared/agent-export.schema.ts';
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
  deleteVersion: workspaceProcedure
    .meta({
      permission: 'agents:write',
      openapi: {
        method: 'DELETE',
        path: '/agents/{agentId}/versions/{version}',
        tags,
        summary: 'Delete a version (its number is never reused)',
        description:
          'The version leaves the history and can no longer be read, pinned or run. ' +
          'The published version, and a version phone numbers are pinned to, cannot be deleted (409; ' +
          '`details.numbers` names the pinned numbers).',
        errorResponses: { 409: 'The published version, or pinned by phone numbers' },
      },
    })
    .input(agentDeleteVersionInputSchema)
    .output(agentDeleteVersionOutputSchema)
    .mutation(({ ctx, input }) =>
      ctx.services.agentVersions.deleteVersion(ctx.caller.workspaceId, input, actorOf(ctx.caller)),
    ),
  export: workspaceProcedure
    .meta({
      permission: 'agents:read',
      openapi: {
        method: 'GET',
        path: '/agents/{agentId}/export',
        tags,
        summary: 'An export file of the agent: its draft and its published config',
        description:
          'The file `agents.import` reads (README "Agent export files"): `format`, `formatVersion` 1, ' +
          '`exportedAt`, `agent` (name, description), `draft` and `published` (version, configHash, config).',
      },
    })
    .input(agentIdInputSchema)
    .output(outputAs<AgentExportFile>(agentExportFileSchema))
    .query(({ ctx, input }) =>
      ctx.services.agentTransfer.export(ctx.caller.workspaceId, input.agentId),
    ),
  import: workspaceProcedure
    .meta({
      permission: 'agents:write',
      openapi: {
        method: 'POST',
        path: '/agents/import',
        tags,
        summary: 'Import an export file as a new agent, or as the draft of an agent',
        description:
          '`file` is an export file. Without `agentId`: a new agent (named `name`, or as in the file) ' +
          "whose version 1 is the file's published config and whose draft is the file's draft. With " +
          "`agentId`: the file's draft becomes that agent's draft (`expectedVersion` as in PATCH); " +
          'nothing is published. A bad file is a 400 naming the path (`file.draft.llm.temperature`; ' +
          'an unknown `formatVersion` has `details.reason: "unsupported-format"`) and changes nothing.',
        errorResponses: { 409: 'The draft changed since `expectedVersion`' },
      },
    })
    .input(agentImportInputSchema)
    .output(outputAs<AgentImportOutput>(agentImportOutputSchema))
    .mutation(({ ctx, input }) =>
      ctx.services.agentTransfer.import(ctx.caller.workspaceId, input, actorOf(ctx.caller)),
    ),
  duplicate: workspaceProcedure
    .meta({
      permission: 'agents:write',
      openapi: {
        method: 'POST',
        path: '/agents/{agentId}/duplicate',
        tags,
        summary: "A new agent with this one's draft, and its published config as version 1",
      },
    })
    .input(agentDuplicateInputSchema)
    .output(outputAs<AgentImportOutput>(agentImportOutputSchema))
    .mutation(({ ctx, input }) =>
      ctx.services.agentTransfer.duplicate(ctx.caller.workspaceId, input, actorOf(ctx.caller)),
    ),
});
