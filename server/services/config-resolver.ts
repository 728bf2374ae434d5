import { z } from 'zod';
import { TOOL_NAME_PATTERN, type AgentConfig, type Tool } from '../../shared/agent.schema.ts';
import { FORBIDDEN_KEYS } from '../../shared/json-guard.ts';
import { DEFAULT_AGENT_CONFIG, DEFAULT_RAG_TOP_K } from '../../shared/config-defaults.ts';
import {
  resolvedAgentConfigSchema,
  type AgentConfigOverrides,
  type RagRuntime,
  type ResolvedAgentConfig,
} from '../../shared/session.schema.ts';
import { invalidInput, parseWith } from '../errors.ts';

/**
 * The call-start config rules: stored config + per-call overrides → the config a worker runs.
 * Pure: it loads nothing itself (`createConfigResolver` is given the loader) and never mutates
 * its inputs; the result shares no object with them.
 */

type JsonObject = Record<string, unknown>;
type ToolObject = Extract<Tool, object>;

export interface ConfigResolver {
  /**
   * Loads the stored config of `agentId` (NotFoundError for a missing or deleted agent, the
   * store's ServiceUnavailableError when persistence is not configured) — or starts from nothing
   * without one — and resolves the overrides on top.
   */
  resolve(input: {
    agentId?: string;
    overrides?: AgentConfigOverrides;
  }): Promise<ResolvedAgentConfig>;
}

export function createConfigResolver(deps: {
  loadStoredConfig: (agentId: string) => Promise<AgentConfig>;
}): ConfigResolver {
  return {
    async resolve({ agentId, overrides }) {
      const stored = agentId === undefined ? undefined : await deps.loadStoredConfig(agentId);
      return resolveAgentConfig({ stored, overrides });
    },
  };
}

/**
 * merge → normalise tools → defaults → derive `rag` → validate. A result that breaks a rule
 * (only possible when the stored config predates a rule or was written around the API) is a
 * ValidationError naming the path under `config`.
 */
export function resolveAgentConfig({
  stored,
  overrides,
}: {
  stored?: unknown;
  overrides?: unknown;
}): ResolvedAgentConfig {
  const merged = mergeJson(isPlainObject(stored) ? stored : {}, overrides ?? {});
  const config: JsonObject = isPlainObject(merged) ? merged : {};
  if (Object.hasOwn(config, 'tools')) config.tools = normaliseTools(config.tools);
  const withDefaults = applyDefaults(config);
  withDefaults.rag = deriveRag(withDefaults.knowledgeBase);
  return parseWith(resolvedConfigEnvelope, { config: withDefaults }).config;
}

const resolvedConfigEnvelope = z.object({ config: resolvedAgentConfigSchema });

/**
 * Deep merge of JSON values, override on top: plain objects merge key by key; arrays, scalars and
 * an object over a non-object replace; `null` clears (the key is removed); only own keys are read;
 * `__proto__`, `constructor` and `prototype` are never copied. `undefined` means "nothing to
 * merge". Returns a fresh value that shares no object with either input.
 */
export function mergeJson(base: unknown, override: unknown): unknown {
  if (override === undefined) return cloneJson(base);
  if (override === null) return undefined;
  if (!isPlainObject(override)) return cloneJson(override);
  const baseObject = isPlainObject(base) ? base : undefined;
  const out: JsonObject = baseObject ? (cloneJson(baseObject) as JsonObject) : {};
  for (const key of Object.keys(override)) {
    if (FORBIDDEN_KEYS.has(key)) continue;
    const below = baseObject && Object.hasOwn(baseObject, key) ? baseObject[key] : undefined;
    const value = mergeJson(below, override[key]);
    if (value === undefined) delete out[key];
    else out[key] = value;
  }
  return out;
}

/** A deep copy of a JSON value without the forbidden keys. */
export function cloneJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(cloneJson);
  if (!isPlainObject(value)) return value;
  const out: JsonObject = {};
  for (const key of Object.keys(value)) {
    if (!FORBIDDEN_KEYS.has(key)) out[key] = cloneJson(value[key]);
  }
  return out;
}

export function isPlainObject(value: unknown): value is JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * A name becomes `{ name }`; names are trimmed and must match TOOL_NAME_PATTERN; a name listed
 * twice collapses into one entry: the later tool's fields, at the first one's position.
 */
export function normaliseTools(tools: unknown): ToolObject[] {
  if (!Array.isArray(tools)) {
    throw invalidInput(['config', 'tools'], 'expected a list of tools');
  }
  const byName = new Map<string, ToolObject>();
  tools.forEach((tool: unknown, index) => {
    let normalised: ToolObject;
    if (typeof tool === 'string') normalised = { name: tool.trim() };
    else if (isPlainObject(tool) && typeof tool.name === 'string') {
      normalised = { ...(cloneJson(tool) as JsonObject), name: tool.name.trim() };
    } else {
      throw invalidInput(
        ['config', 'tools', index],
        'a tool is a name or { name, description, parameters }',
      );
    }
    if (!TOOL_NAME_PATTERN.test(normalised.name)) {
      throw invalidInput(
        ['config', 'tools', index, ...(typeof tool === 'string' ? [] : ['name'])],
        `tool names are 1–64 letters, digits, "_" or "-" (got ${JSON.stringify(normalised.name)})`,
      );
    }
    byName.set(normalised.name, normalised);
  });
  return [...byName.values()];
}

/**
 * Fills what the config does not say: `instructions`, `tools: []`, `variables: {}`, and an
 * `llm`/`stt`/`tts` section's defaults when that section names no provider (keys it sets win).
 */
export function applyDefaults(config: JsonObject): JsonObject {
  const out: JsonObject = { ...config };
  out.instructions ??= DEFAULT_AGENT_CONFIG.instructions;
  out.tools ??= [];
  out.variables ??= {};
  for (const section of ['llm', 'stt', 'tts'] as const) {
    const given = out[section];
    if (given === undefined || given === null) out[section] = { ...DEFAULT_AGENT_CONFIG[section] };
    else if (isPlainObject(given) && given.provider === undefined) {
      out[section] = { ...DEFAULT_AGENT_CONFIG[section], ...given };
    }
  }
  return out;
}

/**
 * The knowledge-base runtime fields. RAG is enabled only when there is at least one document
 * and `knowledgeBase.enabled` is not `false`; document ids are trimmed and de-duplicated;
 * `topK` defaults to DEFAULT_RAG_TOP_K. (Anything malformed here is reported by validation.)
 */
export function deriveRag(knowledgeBase: unknown): RagRuntime {
  const kb = isPlainObject(knowledgeBase) ? knowledgeBase : {};
  const ids = Array.isArray(kb.documentIds) ? kb.documentIds : [];
  const documentIds = [
    ...new Set(ids.filter((id): id is string => typeof id === 'string').map((id) => id.trim())),
  ].filter((id) => id !== '');
  const topK =
    typeof kb.topK === 'number' && Number.isInteger(kb.topK) && kb.topK >= 1 && kb.topK <= 50
      ? kb.topK
      : DEFAULT_RAG_TOP_K;
  return { enabled: kb.enabled !== false && documentIds.length > 0, documentIds, topK };
}
