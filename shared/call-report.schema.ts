import { z } from 'zod';

/**
 * What an agent worker reports about its call at the end (`POST` to the `report.url` of its job
 * metadata, with `report.token` as a bearer token): the conversation and what it used. A repeat
 * replaces the earlier report. Published as JSON Schema (`schemas/`), so workers in any language
 * can validate what they send.
 */

/** Who said it: the caller (`user`) or the agent. */
export const TRANSCRIPT_ROLES = ['user', 'agent'] as const;
export const transcriptRoleSchema = z.enum(TRANSCRIPT_ROLES);

export const TRANSCRIPT_TEXT_MAX = 10_000;
export const TRANSCRIPT_ENTRIES_MAX = 5_000;

export const transcriptEntrySchema = z.object({
  role: transcriptRoleSchema,
  text: z.string().max(TRANSCRIPT_TEXT_MAX),
  /** When the turn started (ISO-8601 with offset or Z). */
  startedAt: z.iso.datetime({ offset: true }),
  /** When it ended, if known. */
  endedAt: z.iso.datetime({ offset: true }).nullish(),
});
export type TranscriptEntry = z.output<typeof transcriptEntrySchema>;

/** Totals for the call, as LiveKit Agents' usage summary counts them; all optional. */
export const callUsageSchema = z.object({
  llmPromptTokens: z.int().min(0).optional(),
  llmCompletionTokens: z.int().min(0).optional(),
  ttsCharacters: z.int().min(0).optional(),
  ttsAudioSeconds: z.number().min(0).optional(),
  sttAudioSeconds: z.number().min(0).optional(),
});
export type CallUsage = z.output<typeof callUsageSchema>;

export const callReportSchema = z.object({
  transcript: z.array(transcriptEntrySchema).max(TRANSCRIPT_ENTRIES_MAX),
  usage: callUsageSchema.optional(),
});
export type CallReport = z.output<typeof callReportSchema>;
