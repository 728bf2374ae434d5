import { z } from 'zod';
import {
  agentConfigShapeSchema,
  agentIdSchema,
  agentSchema,
  LIST_LIMIT_DEFAULT,
  LIST_LIMIT_MAX,
  type Agent,
} from './agent.schema.ts';

/** A version's note ("why this change"), as a person writes it when publishing. */
export const VERSION_NOTE_MAX_LENGTH = 500;

export const agentVersionNumberSchema = z.int().min(1).max(1_000_000);

/** Who published a version: the caller's kind and id (a person, an API key, the local owner). */
export const versionAuthorSchema = z.object({
  kind: z.enum(['user', 'api-key', 'publishable-key', 'local', 'system']),
  id: z.string(),
});
export type VersionAuthor = z.output<typeof versionAuthorSchema>;

/** A published version: immutable once stored. */
export const agentVersionSchema = z.object({
  agentId: z.string(),
  version: agentVersionNumberSchema,
  config: agentConfigShapeSchema,
  /** sha-256 (hex) of the canonical JSON of `config` (`shared/canonical-json.ts`). */
  configHash: z.string(),
  /** The version that was live when this one was published; null for version 1. */
  parentVersion: agentVersionNumberSchema.nullable(),
  /** The earlier version this one copies (`agents.restore`), else null. */
  restoredFrom: agentVersionNumberSchema.nullable(),
  note: z.string().nullable(),
  publishedBy: versionAuthorSchema,
  publishedAt: z.iso.datetime(),
});
export type AgentVersion = z.output<typeof agentVersionSchema>;

/** A version in a list: everything but the config (`agents.version` reads one whole). */
export const agentVersionSummarySchema = agentVersionSchema.omit({ config: true });
export type AgentVersionSummary = z.output<typeof agentVersionSummarySchema>;

const noteSchema = z
  .string()
  .trim()
  .max(VERSION_NOTE_MAX_LENGTH, `a note is at most ${VERSION_NOTE_MAX_LENGTH} characters`);

export const agentVersionsInputSchema = z.object({
  agentId: agentIdSchema,
  limit: z.int().min(1).max(LIST_LIMIT_MAX).default(LIST_LIMIT_DEFAULT),
  cursor: z.string().min(1).max(64).nullish(),
});
export type AgentVersionsInput = z.input<typeof agentVersionsInputSchema>;
export type AgentVersionsQuery = z.output<typeof agentVersionsInputSchema>;

export const agentVersionsOutputSchema = z.object({
  items: z.array(agentVersionSummarySchema),
  nextCursor: z.string().nullable(),
});
export type AgentVersions = z.output<typeof agentVersionsOutputSchema>;

export const agentVersionInputSchema = z.object({
  agentId: agentIdSchema,
  version: agentVersionNumberSchema,
});

/**
 * Publish the agent's draft (its saved config) as a new version. `expectedVersion` is the draft's
 * `version` the caller looked at: a draft changed since is a CONFLICT, so what is published is
 * what the person reviewed.
 */
export const agentPublishInputSchema = z.object({
  agentId: agentIdSchema,
  expectedVersion: z.int().min(1).optional(),
  note: noteSchema.optional(),
});
export type AgentPublishInput = z.input<typeof agentPublishInputSchema>;
export type AgentPublishData = z.output<typeof agentPublishInputSchema>;

export const agentPublishOutputSchema = z.object({
  /** `unchanged`: the draft is identical to the published version, and nothing was stored. */
  status: z.enum(['published', 'unchanged']),
  /** The published version: the new one, or (`unchanged`) the one already published. */
  version: agentVersionSummarySchema,
});
export type AgentPublishOutput = z.output<typeof agentPublishOutputSchema>;

/**
 * One side of a diff: a version number, `published` (the latest version) or `draft` (the saved
 * config, not yet published).
 */
export const versionSelectorSchema = z.union([
  agentVersionNumberSchema,
  z.literal('published'),
  z.literal('draft'),
]);
export type VersionSelector = z.output<typeof versionSelectorSchema>;

export const agentDiffInputSchema = z.object({
  agentId: agentIdSchema,
  from: versionSelectorSchema,
  to: versionSelectorSchema,
});

const diffSideSchema = z.object({
  /** The version compared; null for the draft. */
  version: agentVersionNumberSchema.nullable(),
  draft: z.boolean(),
  configHash: z.string(),
});

/** One path that differs (see `shared/config-diff.ts`). */
export const configChangeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('added'), path: z.string(), after: z.unknown() }),
  z.object({ kind: z.literal('removed'), path: z.string(), before: z.unknown() }),
  z.object({
    kind: z.literal('changed'),
    path: z.string(),
    before: z.unknown(),
    after: z.unknown(),
  }),
]);
export type ConfigChange = z.output<typeof configChangeSchema>;

export const agentDiffOutputSchema = z.object({
  from: diffSideSchema,
  to: diffSideSchema,
  /** Path by path, in a stable order; empty when both configs are the same. */
  changes: z.array(configChangeSchema),
});
export type AgentDiff = z.output<typeof agentDiffOutputSchema>;

/**
 * Copy an earlier version into the draft (history is never rewritten); with `publish`, publish it
 * at once as a new version that records `restoredFrom`.
 */
export const agentRestoreInputSchema = z.object({
  agentId: agentIdSchema,
  version: agentVersionNumberSchema,
  publish: z.boolean().default(false),
  expectedVersion: z.int().min(1).optional(),
  note: noteSchema.optional(),
});
export type AgentRestoreInput = z.input<typeof agentRestoreInputSchema>;
export type AgentRestoreData = z.output<typeof agentRestoreInputSchema>;

export const agentRestoreOutputSchema = z.object({
  /** The agent with the restored draft. */
  agent: agentSchema,
  /** With `publish`: the version published (or already published, `unchanged`); else null. */
  published: agentPublishOutputSchema.nullable(),
});
export type AgentRestoreOutput = Omit<z.output<typeof agentRestoreOutputSchema>, 'agent'> & {
  agent: Agent;
};

/**
 * Delete a version: it leaves the history and can no longer be read, pinned, diffed or restored.
 * Its number is never reused. The published version (the latest) cannot be deleted, nor a version
 * a phone number is pinned to (CONFLICT naming the numbers).
 */
export const agentDeleteVersionInputSchema = agentVersionInputSchema;
export type AgentDeleteVersionInput = z.input<typeof agentDeleteVersionInputSchema>;

export const agentDeleteVersionOutputSchema = z.object({
  agentId: z.string(),
  version: agentVersionNumberSchema,
  deletedAt: z.iso.datetime(),
});
export type AgentDeleteVersionOutput = z.output<typeof agentDeleteVersionOutputSchema>;
