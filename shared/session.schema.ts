import { z } from 'zod';
import {
  agentConfigShapeSchema,
  agentIdSchema,
  CONFIG_MAX_BYTES,
  guardJsonDocument,
  knowledgeBaseSchema,
  llmConfigSchema,
  sttConfigSchema,
  toolObjectSchema,
  TOOLS_MAX,
  ttsConfigSchema,
  type KnownFields,
} from './agent.schema.ts';

/** Participant identities and room names: what LiveKit accepts and a URL carries unescaped. */
export const SESSION_NAME_PATTERN = /^[A-Za-z0-9_.:@-]{1,128}$/;

/**
 * The job metadata (`{"agentId": …, "config": …}` as UTF-8 JSON) may be at most this many bytes.
 * It travels twice: in the explicit dispatch and inside the participant's token (whose room
 * configuration a client sends in the WebSocket URL), so it stays at the size of one stored config
 * — an eighth of LiveKit's own default `limit.max_metadata_size` (512 KiB).
 */
export const JOB_METADATA_MAX_BYTES = 64 * 1024;

// The defaults live in config-defaults.ts (no zod there, so the dashboard can show them cheaply).
export { DEFAULT_AGENT_CONFIG, DEFAULT_RAG_TOP_K } from './config-defaults.ts';

const sessionName = (field: string) =>
  z
    .string({ error: `${field} must be a string` })
    .regex(
      SESSION_NAME_PATTERN,
      `${field} must be 1–128 characters: letters, digits, "_", ".", ":", "@" or "-"`,
    );

/** A participant identity (generated when absent). */
export const userIdentitySchema = sessionName('userIdentity');
/** A room name (an unguessable one is generated when absent). */
export const roomNameSchema = sessionName('roomName');

type Shape = Record<string, z.ZodType>;

/** Every field of the shape may also be `null` (which clears it). */
function clearable<S extends Shape>(shape: S): { [K in keyof S]: z.ZodNullable<S[K]> } {
  return Object.fromEntries(
    Object.entries(shape).map(([key, schema]) => [key, schema.nullable()]),
  ) as { [K in keyof S]: z.ZodNullable<S[K]> };
}

const overrideSection = <S extends Shape>(section: z.ZodObject<S>) =>
  z.looseObject(clearable(section.shape)).nullable().optional();

const variablesSchema = agentConfigShapeSchema.shape.variables.unwrap();

/**
 * The shape of `agentConfig` overrides: a stored config's rules with every field optional and
 * `null` wherever a value may be cleared (a field, a section, a variable, an unknown key).
 */
export const agentConfigOverridesShapeSchema = z.looseObject({
  instructions: agentConfigShapeSchema.shape.instructions.nullable(),
  greeting: agentConfigShapeSchema.shape.greeting.nullable(),
  llm: overrideSection(llmConfigSchema),
  stt: overrideSection(sttConfigSchema),
  tts: overrideSection(ttsConfigSchema),
  tools: agentConfigShapeSchema.shape.tools.nullable(),
  knowledgeBase: overrideSection(knowledgeBaseSchema),
  variables: z
    .record(variablesSchema.keyType, variablesSchema.valueType.nullable())
    .nullable()
    .optional(),
});

export type AgentConfigOverridesInput = z.input<typeof agentConfigOverridesShapeSchema>;

/**
 * Per-call overrides, guarded like a stored config (forbidden and `$` keys at any depth, nesting,
 * 64 KiB) BEFORE zod parses the shape — zod silently drops an own `__proto__` key.
 */
export const agentConfigOverridesSchema = z
  .custom<AgentConfigOverridesInput>()
  .superRefine((value, ctx) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      ctx.addIssue({ code: 'custom', message: 'agentConfig must be a JSON object', input: value });
      return;
    }
    guardJsonDocument(value, ctx, { what: 'agentConfig', maxBytes: CONFIG_MAX_BYTES });
  })
  // The OpenAPI document (server/http/rest.ts) puts the shape's JSON schema here.
  .register(z.globalRegistry, { 'x-switchboard-schema': 'AgentConfigOverrides' })
  .pipe(agentConfigOverridesShapeSchema);

export type AgentConfigOverrides = z.output<typeof agentConfigOverridesSchema>;

export const sessionStartInputSchema = z.object({
  userIdentity: userIdentitySchema.optional(),
  agentId: agentIdSchema.optional(),
  /**
   * Which of the agent's configs the call runs (needs `agentId`): its published version (the
   * default: what the agent's phone numbers run too), a version number (`agents.versions`), or
   * `draft`, the saved config not yet published ("talk to the draft": needs `agents:write`, and the
   * call record says `draft: true`). The call record names the version (`agentVersion`).
   */
  agentVersion: z
    .union([z.int().min(1).max(1_000_000), z.literal('published'), z.literal('draft')])
    .optional(),
  agentConfig: agentConfigOverridesSchema.optional(),
  roomName: roomNameSchema.optional(),
});
export type SessionStartInput = z.input<typeof sessionStartInputSchema>;
/** What the session service receives: the input after the router parsed it. */
export type SessionStartData = z.output<typeof sessionStartInputSchema>;

/** What a worker does with the knowledge base, derived from `knowledgeBase` (see the README). */
export const ragRuntimeSchema = z.object({
  /** True only when there are documents and `knowledgeBase.enabled` is not `false`. */
  enabled: z.boolean(),
  /** `knowledgeBase.documentIds`, trimmed, without duplicates, in their first order. */
  documentIds: z.array(z.string()),
  /** `knowledgeBase.topK`, else {@link DEFAULT_RAG_TOP_K}. */
  topK: z.int().min(1).max(50),
});
export type RagRuntime = z.output<typeof ragRuntimeSchema>;

// Spelled out per section: a generic helper typed every section as the union of all three.
const llmWithProviderSchema = llmConfigSchema.extend({
  provider: llmConfigSchema.shape.provider.unwrap(),
});
const sttWithProviderSchema = sttConfigSchema.extend({
  provider: sttConfigSchema.shape.provider.unwrap(),
});
const ttsWithProviderSchema = ttsConfigSchema.extend({
  provider: ttsConfigSchema.shape.provider.unwrap(),
});

/**
 * A config after the resolver: the stored config, the overrides merged on top, tools normalised
 * to objects with unique names, defaults applied and `rag` derived. Unknown keys are kept.
 */
export const resolvedAgentConfigSchema = agentConfigShapeSchema.extend({
  instructions: agentConfigShapeSchema.shape.instructions.unwrap(),
  llm: llmWithProviderSchema,
  stt: sttWithProviderSchema,
  tts: ttsWithProviderSchema,
  tools: z
    .array(toolObjectSchema)
    .max(TOOLS_MAX, `at most ${TOOLS_MAX} tools`)
    .superRefine((tools, ctx) => {
      const seen = new Set<string>();
      tools.forEach((tool, index) => {
        if (seen.has(tool.name)) {
          ctx.addIssue({
            code: 'custom',
            path: [index],
            message: `tool "${tool.name}" is listed twice`,
          });
        }
        seen.add(tool.name);
      });
    }),
  variables: variablesSchema,
  rag: ragRuntimeSchema,
});
export type ResolvedAgentConfig = z.output<typeof resolvedAgentConfigSchema>;

/**
 * Where the worker reports its call at the end, and with what: `POST` a call report
 * (`shared/call-report.schema.ts`) to `url` with `Authorization: Bearer <token>`. The token is
 * this call's only and is valid until `expiresAt` (a day after the call was recorded).
 */
export const agentJobReportSchema = z.looseObject({
  /** `<server>/api/sessions/<sessionId>/report`. */
  url: z.url(),
  /** A credential for this call's report only (`sb_rpt_…`); keep it out of logs. */
  token: z.string().min(1),
  /** When the token stops being accepted (ISO-8601). */
  expiresAt: z.iso.datetime(),
});
export type AgentJobReport = z.output<typeof agentJobReportSchema>;

/**
 * What an agent worker receives as its job's metadata (a JSON string): the agent it runs (null
 * when the session started from overrides alone), its resolved config and, when the call is
 * recorded, where to report it (`report`). Workers in any language parse this (JSON Schema:
 * `schemas/agent-job-metadata.schema.json`); new top-level keys may be added, so they should
 * ignore keys they do not know.
 */
export const agentJobMetadataSchema = z.looseObject({
  agentId: z
    .string()
    .regex(/^[0-9a-f]{24}$/)
    .nullable(),
  config: resolvedAgentConfigSchema,
  /**
   * Absent when there is no call record to report to (a room started before call history), and
   * in the copy a participant's token carries (LiveKit uses it only if the join recreates the room).
   */
  report: agentJobReportSchema.optional(),
});
export type AgentJobMetadata = z.output<typeof agentJobMetadataSchema>;

export const sessionStartOutputSchema = z.object({
  /**
   * The call record (`sessions.get`) of the room's current call: a new one when this start made
   * the room, the running one when it joined it. Null only for a room started before call history.
   */
  sessionId: z.string().nullable(),
  /** The LiveKit URL (ws:// or wss://) the client connects to. */
  serverUrl: z.string(),
  roomName: z.string(),
  participantIdentity: z.string(),
  /** A LiveKit access token for this participant and room only; keep it out of logs. */
  participantToken: z.string(),
  /** When the token expires (ISO-8601); a client must join before then. */
  expiresAt: z.iso.datetime(),
  /** The agent worker dispatched to the room (`AGENT_NAME`). */
  agentName: z.string(),
  agentId: z.string().nullable(),
  config: resolvedAgentConfigSchema,
});
export type SessionStartOutput = Omit<z.output<typeof sessionStartOutputSchema>, 'config'> & {
  config: KnownFields<ResolvedAgentConfig>;
};
