/**
 * What a call gets for what its config leaves out: read by the server's resolver
 * (`server/services/config-resolver.ts`) and shown by the dashboard as placeholders, so the two
 * cannot disagree. No imports: it loads anywhere.
 */

/** How many knowledge-base passages a worker retrieves when the config does not say. */
export const DEFAULT_RAG_TOP_K = 5;

/**
 * What a resolved config starts from. A section (`llm`, `stt`, `tts`) takes the default provider
 * and its settings only when it names no provider: naming one means "that provider's defaults",
 * which the worker knows and Switchboard does not.
 */
export const DEFAULT_AGENT_CONFIG = {
  instructions: 'You are a helpful voice assistant. Keep your answers short and friendly.',
  llm: { provider: 'openai', model: 'gpt-4o-mini' },
  stt: { provider: 'deepgram', model: 'nova-3', language: 'en' },
  tts: { provider: 'cartesia', model: 'sonic-2' },
  tools: [],
  variables: {},
} as const;
