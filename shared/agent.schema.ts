import { z } from 'zod';
import { TOO_LARGE_REASON } from './errors.ts';
import {
  findJsonProblem,
  formatPath,
  jsonByteLength,
  measureJson,
  type JsonProblem,
} from './json-guard.ts';

/** A config serialises (as UTF-8 JSON) to at most this many bytes. */
export const CONFIG_MAX_BYTES = 64 * 1024;
export const NAME_MAX_LENGTH = 120;
export const DESCRIPTION_MAX_LENGTH = 2000;
export const LIST_LIMIT_MAX = 100;
export const LIST_LIMIT_DEFAULT = 20;
export const QUERY_MAX_LENGTH = 120;
export const TOOL_NAME_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;
export const TOOLS_MAX = 64;

export const agentIdSchema = z
  .string({ error: 'agentId must be a valid Mongo ObjectId' })
  .regex(/^[0-9a-fA-F]{24}$/, 'agentId must be a valid Mongo ObjectId')
  .transform((id) => id.toLowerCase());

/**
 * The first character that cannot be in a name, label or description, or null: control
 * characters (C0, DEL and C1 — NUL, BEL, ESC…; tab, line feed and carriage return only where
 * `lineBreaks` allows them) and lone UTF-16 surrogates, which no store keeps (MongoDB's UTF-8
 * turns them into U+FFFD, so what was saved would not be what is read back).
 */
export function unsafeCharacter(
  text: string,
  { lineBreaks }: { lineBreaks: boolean },
): { kind: 'control' | 'surrogate'; codePoint: string } | null {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) {
      if (lineBreaks && (code === 0x09 || code === 0x0a || code === 0x0d)) continue;
      return { kind: 'control', codePoint: codePointName(code) };
    }
    if (code >= 0xd800 && code <= 0xdfff) {
      const low = text.charCodeAt(i + 1);
      if (code <= 0xdbff && low >= 0xdc00 && low <= 0xdfff) i++;
      else return { kind: 'surrogate', codePoint: codePointName(code) };
    }
  }
  return null;
}

const codePointName = (code: number) => `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;

/** Refuses {@link unsafeCharacter}s in a text field, naming the field and the character. */
export function refusingUnsafeCharacters(field: string, { lineBreaks }: { lineBreaks: boolean }) {
  return (text: string, ctx: z.RefinementCtx) => {
    const found = unsafeCharacter(text, { lineBreaks });
    if (!found) return;
    ctx.addIssue({
      code: 'custom',
      input: text,
      message:
        found.kind === 'control'
          ? `${field} may not contain control characters${lineBreaks ? ' other than tabs and line breaks' : ''} (found ${found.codePoint})`
          : `${field} must be well-formed Unicode text (found a lone surrogate, ${found.codePoint})`,
    });
  };
}

/**
 * Trimmed, inner whitespace (tabs and line breaks included) collapsed to one space, then 1–120
 * characters, none of them a control character or a lone surrogate.
 */
export const agentNameSchema = z
  .string()
  .transform((name) => name.trim().replace(/\s+/g, ' '))
  .pipe(
    z
      .string()
      .min(1, 'name must not be empty')
      .max(NAME_MAX_LENGTH, `name must be at most ${NAME_MAX_LENGTH} characters`)
      .superRefine(refusingUnsafeCharacters('name', { lineBreaks: false })),
  );

/** Trimmed, at most 2000 characters; tabs and line breaks are kept, other control characters refused. */
export const agentDescriptionSchema = z
  .string()
  .trim()
  .max(DESCRIPTION_MAX_LENGTH, `description must be at most ${DESCRIPTION_MAX_LENGTH} characters`)
  .superRefine(refusingUnsafeCharacters('description', { lineBreaks: true }));

const label = (max: number) => z.string().trim().min(1).max(max);

export const toolNameSchema = z
  .string()
  .trim()
  .regex(TOOL_NAME_PATTERN, 'tool names are 1–64 letters, digits, "_" or "-"');

export const toolObjectSchema = z.looseObject({
  name: toolNameSchema,
  description: z.string().max(2000).optional(),
  parameters: z.record(z.string(), z.unknown()).optional(),
});

/** A tool is its name, or `{ name, description, parameters }`. */
export const toolSchema = z.union([toolNameSchema, toolObjectSchema]);

export const toolNameOf = (tool: z.output<typeof toolSchema>): string =>
  typeof tool === 'string' ? tool : tool.name;

export const toolsSchema = z
  .array(toolSchema)
  .max(TOOLS_MAX, `at most ${TOOLS_MAX} tools`)
  .superRefine((tools, ctx) => {
    const seen = new Map<string, number>();
    tools.forEach((tool, index) => {
      const name = toolNameOf(tool);
      const first = seen.get(name);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [index],
          message: `tool "${name}" is listed twice (also at tools[${first}])`,
        });
      } else seen.set(name, index);
    });
  });

export const llmConfigSchema = z.looseObject({
  provider: label(64).optional(),
  model: label(128).optional(),
  temperature: z.number().min(0).max(2).optional(),
});

export const sttConfigSchema = z.looseObject({
  provider: label(64).optional(),
  model: label(128).optional(),
  language: label(35).optional(),
});

export const ttsConfigSchema = z.looseObject({
  provider: label(64).optional(),
  model: label(128).optional(),
  voice: label(128).optional(),
  speed: z.number().min(0.25).max(4).optional(),
});

export const knowledgeBaseSchema = z.looseObject({
  enabled: z.boolean().optional(),
  documentIds: z.array(label(256)).max(500).optional(),
  topK: z.int().min(1).max(50).optional(),
});

/** The typed shape of a config; unknown keys are kept so workers can read fields early. */
export const agentConfigShapeSchema = z.looseObject({
  instructions: z.string().max(60_000).optional(),
  greeting: z.string().max(4000).optional(),
  llm: llmConfigSchema.optional(),
  stt: sttConfigSchema.optional(),
  tts: ttsConfigSchema.optional(),
  tools: toolsSchema.optional(),
  knowledgeBase: knowledgeBaseSchema.optional(),
  variables: z.record(z.string().max(128), z.string().max(8000)).optional(),
});

export type AgentConfigInput = z.input<typeof agentConfigShapeSchema>;

/**
 * Guards a free-form JSON document before its shape is parsed: the size limit (flagged so that it
 * answers PAYLOAD_TOO_LARGE) and nesting first, with a count that stops at the limit, then
 * forbidden keys and non-JSON values at any depth. The order keeps a hostile body cheap: nothing
 * walks the whole of a document before it is known to be within the limit.
 */
export function guardJsonDocument(
  value: unknown,
  ctx: z.RefinementCtx,
  { what, maxBytes }: { what: string; maxBytes: number },
): void {
  const addProblem = (problem: JsonProblem) => {
    const at = formatPath(problem.path);
    ctx.addIssue({
      code: 'custom',
      path: problem.path,
      message: `${what}${at ? (at.startsWith('[') ? at : `.${at}`) : ''}: ${problem.message}`,
      input: value,
    });
  };
  const measured = measureJson(value, maxBytes);
  if (measured.status === 'too_deep') return addProblem(measured.problem);
  if (measured.status === 'too_large') {
    const bytes = sizeForMessage(value);
    ctx.addIssue({
      code: 'custom',
      message: `${what} is ${bytes === undefined ? `over ${formatBytes(maxBytes)}` : formatBytes(bytes)}; the limit is ${formatBytes(maxBytes)}`,
      params: { reason: TOO_LARGE_REASON, limitBytes: maxBytes, actualBytes: bytes ?? null },
      input: value,
    });
    return;
  }
  const problem = findJsonProblem(value);
  if (problem) addProblem(problem);
}

/**
 * The exact size of an oversized document, for people trimming it: JSON.stringify is native and
 * costs about what tRPC's JSON.parse of the body did. Undefined when it cannot be written (nesting
 * deeper than the stack allows beyond the part measured, a BigInt).
 */
function sizeForMessage(value: unknown): number | undefined {
  try {
    return jsonByteLength(value);
  } catch {
    return undefined;
  }
}

export function formatBytes(bytes: number): string {
  return bytes < 1024 ? `${bytes} bytes` : `${(bytes / 1024).toFixed(1).replace(/\.0$/, '')} KiB`;
}

/** An agent's runtime configuration: the single source of truth for server, client and worker. */
export const agentConfigSchema = z
  .custom<AgentConfigInput>()
  .superRefine((value, ctx) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      ctx.addIssue({ code: 'custom', message: 'config must be a JSON object', input: value });
      return;
    }
    guardJsonDocument(value, ctx, { what: 'config', maxBytes: CONFIG_MAX_BYTES });
  })
  // The OpenAPI document (server/http/rest.ts) puts the shape's JSON schema here.
  .register(z.globalRegistry, { 'x-switchboard-schema': 'AgentConfig' })
  .pipe(agentConfigShapeSchema);

export type AgentConfig = z.output<typeof agentConfigSchema>;
export type Tool = z.output<typeof toolSchema>;

/** An agent as every API answers it: timestamps are ISO-8601 strings. */
export const agentSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  config: agentConfigShapeSchema,
  version: z.int().min(1),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  deletedAt: z.iso.datetime().optional(),
});
/**
 * A JSON document's named fields, at every depth, without the index signatures that keep unknown
 * keys. tRPC serialises an output type with an index signature to `{ [key: string]: unknown }`,
 * which would erase the type of every named config field on the client; API outputs use this
 * type instead. Unknown keys are still in the values at run time (see the raw-JSON editor).
 */
export type KnownFields<T> = T extends readonly (infer U)[]
  ? KnownFields<U>[]
  : T extends object
    ? {
        [K in keyof T as string extends K ? never : number extends K ? never : K]: KnownFields<
          T[K]
        >;
      }
    : T;

export type Agent = Omit<z.output<typeof agentSchema>, 'config'> & {
  config: KnownFields<AgentConfig>;
};

export const agentListInputSchema = z.object({
  limit: z.int().min(1).max(LIST_LIMIT_MAX).default(LIST_LIMIT_DEFAULT),
  cursor: z.string().min(1).max(512).nullish(),
  query: z.string().trim().max(QUERY_MAX_LENGTH).optional(),
});
export type AgentListInput = z.input<typeof agentListInputSchema>;
/** What services receive: the input after the router parsed it (defaults applied, ids lower case). */
export type AgentListQuery = z.output<typeof agentListInputSchema>;

export const agentListOutputSchema = z.object({
  items: z.array(agentSchema),
  nextCursor: z.string().nullable(),
});
export type AgentList = z.output<typeof agentListOutputSchema>;

export const agentIdInputSchema = z.object({ agentId: agentIdSchema });

export const agentCreateInputSchema = z.object({
  name: agentNameSchema,
  description: agentDescriptionSchema.optional(),
  config: agentConfigSchema.optional(),
});
export type AgentCreateInput = z.input<typeof agentCreateInputSchema>;
export type AgentCreateData = z.output<typeof agentCreateInputSchema>;

export const agentUpdateInputSchema = z
  .object({
    agentId: agentIdSchema,
    expectedVersion: z.int().min(1).optional(),
    name: agentNameSchema.optional(),
    description: agentDescriptionSchema.optional(),
    config: agentConfigSchema.optional(),
  })
  .refine(
    (input) =>
      input.name !== undefined || input.description !== undefined || input.config !== undefined,
    { message: 'nothing to update: give name, description or config' },
  );
export type AgentUpdateInput = z.input<typeof agentUpdateInputSchema>;
export type AgentUpdateData = z.output<typeof agentUpdateInputSchema>;

export const agentDeleteOutputSchema = z.object({ id: z.string(), deletedAt: z.iso.datetime() });
export type AgentDeleted = z.output<typeof agentDeleteOutputSchema>;
