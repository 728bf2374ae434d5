import { z } from 'zod';
import {
  agentConfigSchema,
  agentDescriptionSchema,
  agentIdSchema,
  agentNameSchema,
  agentSchema,
  CONFIG_MAX_BYTES,
  formatBytes,
  type Agent,
} from './agent.schema.ts';
import { agentVersionNumberSchema } from './agent-version.schema.ts';
import { TOO_LARGE_REASON } from './errors.ts';
import { jsonByteLength, measureJson } from './json-guard.ts';

/** What an export file says it is; anything else is not one. */
export const AGENT_EXPORT_FORMAT = 'switchboard.agent';
/**
 * The export format's version. It changes only when a file written by one version cannot be read
 * by the other as it is (a field renamed, removed or given another meaning); new optional fields
 * do not change it. Imports accept exactly the versions in {@link SUPPORTED_EXPORT_VERSIONS}.
 */
export const AGENT_EXPORT_FORMAT_VERSION = 1;
export const SUPPORTED_EXPORT_VERSIONS: readonly number[] = [AGENT_EXPORT_FORMAT_VERSION];
/**
 * A whole export file: two configs at their limit, the name and description, and room for the
 * JSON around them. Checked before anything walks the file.
 */
export const AGENT_EXPORT_MAX_BYTES = 2 * CONFIG_MAX_BYTES + 16 * 1024;

/**
 * An agent export file (`<name>.switchboard-agent.json`), formatVersion 1. Both configs are
 * checked by the schema `agents.create` checks a config with (size and JSON guard included);
 * `published.configHash` is the sha-256 (hex) of the canonical JSON of `published.config`
 * (`shared/canonical-json.ts`), checked on import so that a hand-edited published config is told
 * apart from the one that was live.
 */
export const agentExportFileSchema = z.object({
  format: z.literal(AGENT_EXPORT_FORMAT),
  formatVersion: z.literal(AGENT_EXPORT_FORMAT_VERSION),
  exportedAt: z.iso.datetime(),
  agent: z.object({
    name: agentNameSchema,
    description: agentDescriptionSchema.optional(),
  }),
  /** The agent's draft (its saved config) when it was exported. */
  draft: agentConfigSchema,
  /** The version that was published (live) when it was exported. */
  published: z.object({
    version: agentVersionNumberSchema,
    configHash: z.string().regex(/^[0-9a-f]{64}$/, 'configHash must be 64 lower-case hex digits'),
    config: agentConfigSchema,
  }),
});
export type AgentExportFile = z.output<typeof agentExportFileSchema>;
export type AgentExportFileInput = z.input<typeof agentExportFileSchema>;

/**
 * The file as `agents.import` receives it: only bounded here (its whole size, counted without
 * walking past the limit, is PAYLOAD_TOO_LARGE), since which version of the format it is decides
 * how the rest is read; the service checks the format, then the fields, then the hash.
 */
export const agentImportFileSchema = z
  .custom<unknown>()
  .superRefine((value, ctx) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      ctx.addIssue({
        code: 'custom',
        message: 'file must be a JSON object (an agent export file)',
        input: value,
      });
      return;
    }
    const measured = measureJson(value, AGENT_EXPORT_MAX_BYTES);
    if (measured.status === 'too_deep') {
      ctx.addIssue({
        code: 'custom',
        path: measured.problem.path,
        message: measured.problem.message,
        input: value,
      });
      return;
    }
    if (measured.status === 'too_large') {
      let bytes: number | null = null;
      try {
        bytes = jsonByteLength(value);
      } catch {
        // Too deep to write out: the size stays unknown.
      }
      ctx.addIssue({
        code: 'custom',
        message: `the file is ${bytes === null ? `over ${formatBytes(AGENT_EXPORT_MAX_BYTES)}` : formatBytes(bytes)}; an agent export is at most ${formatBytes(AGENT_EXPORT_MAX_BYTES)}`,
        params: {
          reason: TOO_LARGE_REASON,
          limitBytes: AGENT_EXPORT_MAX_BYTES,
          actualBytes: bytes,
        },
        input: value,
      });
    }
    // Keys and values are checked by the configs' own guard once the format is known.
  })
  // The OpenAPI document (server/http/rest.ts) puts agentExportFileSchema's JSON schema here.
  .register(z.globalRegistry, { 'x-switchboard-schema': 'AgentExportFile' });

/**
 * Import an export file: without `agentId` as a new agent (named `name`, or as in the file), with
 * it as that agent's new draft (nothing is published; `expectedVersion` as in `agents.update`).
 */
export const agentImportInputSchema = z
  .object({
    file: agentImportFileSchema,
    agentId: agentIdSchema.optional(),
    expectedVersion: z.int().min(1).optional(),
    name: agentNameSchema.optional(),
  })
  .superRefine((input, ctx) => {
    if (input.agentId !== undefined && input.name !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['name'],
        message: 'name is for a new agent: importing into an agent changes its draft only',
      });
    }
    if (input.agentId === undefined && input.expectedVersion !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['expectedVersion'],
        message: 'expectedVersion is for importing into an agent (give agentId)',
      });
    }
  });
export type AgentImportInput = z.input<typeof agentImportInputSchema>;
export type AgentImportData = z.output<typeof agentImportInputSchema>;

export const agentImportOutputSchema = z.object({
  /** `created`: a new agent; `draft`: the file's draft is now the agent's draft. */
  status: z.enum(['created', 'draft']),
  agent: agentSchema,
  /** The agent's published version after the import (a new agent's is 1). */
  publishedVersion: agentVersionNumberSchema,
});
export type AgentImportOutput = Omit<z.output<typeof agentImportOutputSchema>, 'agent'> & {
  agent: Agent;
};

/** A new agent with the source's draft and, as its version 1, the source's published config. */
export const agentDuplicateInputSchema = z.object({
  agentId: agentIdSchema,
  name: agentNameSchema,
});
export type AgentDuplicateInput = z.input<typeof agentDuplicateInputSchema>;
export type AgentDuplicateData = z.output<typeof agentDuplicateInputSchema>;
