import { z } from 'zod';
import { LIST_LIMIT_DEFAULT, LIST_LIMIT_MAX, agentIdSchema } from './agent.schema.ts';
import { callUsageSchema, transcriptEntrySchema } from './call-report.schema.ts';

/**
 * Call history: one record per call (a LiveKit room's life), as `sessions.list` / `sessions.get`
 * answer it: web calls (`session.start`) and inbound phone calls (a SIP dispatch rule made the room).
 */
export const CALL_TYPES = ['web', 'inbound-phone'] as const;
export const callTypeSchema = z.enum(CALL_TYPES);
export type CallType = z.output<typeof callTypeSchema>;

/** Forward only: `started` (dispatched) → `active` (a person joined) → `ended`. */
export const CALL_STATUSES = ['started', 'active', 'ended'] as const;
export const callStatusSchema = z.enum(CALL_STATUSES);
export type CallStatus = z.output<typeof callStatusSchema>;

/**
 * Why a call ended:
 * - `hang-up`: the caller (every participant but the agent) left, then the room closed;
 * - `agent-left`: the agent left (or its connection broke) while the caller was still there;
 * - `no-agent-available`: no agent joined before the re-dispatch deadline (every worker busy);
 * - `sip-failure`: the phone leg failed (the SIP participant's connection broke or was refused);
 * - `room-finished`: LiveKit closed the room for another reason (deleted, or nobody ever joined);
 * - `room-gone`: the room no longer exists and its end was never heard of (reconciliation).
 */
export const CALL_ENDED_REASONS = [
  'hang-up',
  'agent-left',
  'no-agent-available',
  'sip-failure',
  'room-finished',
  'room-gone',
] as const;
export const callEndedReasonSchema = z.enum(CALL_ENDED_REASONS);
export type CallEndedReason = z.output<typeof callEndedReasonSchema>;

/** LiveKit's participant kinds (`ParticipantInfo.Kind`); the agent worker joins as `agent`. */
export const PARTICIPANT_KINDS = ['standard', 'agent', 'sip', 'ingress', 'egress'] as const;
export const participantKindSchema = z.enum(PARTICIPANT_KINDS);
export type ParticipantKind = z.output<typeof participantKindSchema>;

export const callParticipantSchema = z.object({
  identity: z.string(),
  kind: participantKindSchema,
  joinedAt: z.iso.datetime(),
  /** null while still in the room (or when its leaving was never heard of). */
  leftAt: z.iso.datetime().nullable(),
});
export type CallParticipant = z.output<typeof callParticipantSchema>;

/** The phone leg of an inbound call, from the SIP participant's attributes (`sip.*`). */
export const callSipSchema = z.object({
  /** `sip.callID`: LiveKit's id of the SIP call. */
  callId: z.string(),
  /** `sip.trunkID` and LiveKit's dispatch rule id (`sip.ruleID`), when LiveKit names them. */
  trunkId: z.string().nullable(),
  ruleId: z.string().nullable(),
  /** The caller's number (`sip.phoneNumber`) and the number called (`sip.trunkPhoneNumber`). */
  fromNumber: z.string().nullable(),
  toNumber: z.string().nullable(),
});
export type CallSip = z.output<typeof callSipSchema>;

export const callSessionSchema = z.object({
  id: z.string(),
  type: callTypeSchema,
  /** The saved agent the call ran (null: from overrides alone). */
  agentId: z.string().nullable(),
  /**
   * The agent's published version the call ran (the published one, or the one `session.start` or
   * the phone number pinned); null when the call ran the draft, or no saved agent. `configHash`
   * names the config either way.
   */
  agentVersion: z.int().min(1).nullable(),
  /**
   * True when the call ran the agent's unpublished draft ("talk to the draft" in the editor,
   * `session.start` with `agentVersion: "draft"`), not a published version.
   */
  draft: z.boolean(),
  roomName: z.string(),
  /** The phone leg (inbound phone calls), else null. */
  sip: callSipSchema.nullable(),
  /** LiveKit's id of the agent dispatch now serving the room (re-dispatches replace it), if known. */
  dispatchId: z.string().nullable(),
  /** LiveKit's id of the room, once a webhook named it. */
  roomSid: z.string().nullable(),
  /** The resolved config dispatched to the worker (the job metadata's `config`). */
  config: z.record(z.string(), z.unknown()),
  /** sha-256 (hex) of the canonical JSON of `config` (`shared/canonical-json.ts`). */
  configHash: z.string(),
  /** The `agentConfig` overrides `session.start` was given, or null. */
  overrides: z.record(z.string(), z.unknown()).nullable(),
  status: callStatusSchema,
  endedReason: callEndedReasonSchema.nullable(),
  /**
   * Who started it: `user:<id>`, `api-key:<id>`, `publishable-key:<id>` or `local:local`; an
   * inbound phone call `route:<routeId>` (the phone-number route that answered).
   */
  startedBy: z.string(),
  createdAt: z.iso.datetime(),
  /** When the first participant other than the agent joined. */
  activeAt: z.iso.datetime().nullable(),
  endedAt: z.iso.datetime().nullable(),
  /** From `activeAt` (else `createdAt`) to `endedAt`, in whole seconds; null until ended. */
  durationSeconds: z.int().min(0).nullable(),
  participants: z.array(callParticipantSchema),
});
export type CallSession = z.output<typeof callSessionSchema>;

/** One recorded event of a call (a LiveKit webhook, or a reconciliation/re-dispatch step). */
export const callEventSchema = z.object({
  /** `room_started`, `participant_joined`, `participant_left`, `room_finished`, `room_gone`, … */
  type: z.string(),
  at: z.iso.datetime(),
  participant: z.object({ identity: z.string(), kind: participantKindSchema }).nullable(),
});
export type CallEvent = z.output<typeof callEventSchema>;

/** `sessions.get`: the call with its timeline and what the worker reported (see call-report). */
export const callSessionDetailSchema = callSessionSchema.extend({
  /** Oldest first. */
  events: z.array(callEventSchema),
  /** The conversation the worker reported at the end of the call; null until it reports. */
  transcript: z.array(transcriptEntrySchema).nullable(),
  usage: callUsageSchema.nullable(),
  /** When the worker's (last) report arrived. */
  reportedAt: z.iso.datetime().nullable(),
});
export type CallSessionDetail = z.output<typeof callSessionDetailSchema>;

export const sessionIdSchema = z
  .string({ error: 'sessionId must be a valid Mongo ObjectId' })
  .regex(/^[0-9a-fA-F]{24}$/, 'sessionId must be a valid Mongo ObjectId')
  .transform((id) => id.toLowerCase());

export const sessionsGetInputSchema = z.object({ sessionId: sessionIdSchema });

/**
 * Newest first, keyset paged (`cursor` from the previous page). Filters combine; the time range
 * is on `createdAt`: `from` inclusive, `to` exclusive.
 */
export const sessionsListInputSchema = z
  .object({
    limit: z.int().min(1).max(LIST_LIMIT_MAX).default(LIST_LIMIT_DEFAULT),
    cursor: z.string().min(1).max(512).nullish(),
    agentId: agentIdSchema.optional(),
    status: callStatusSchema.optional(),
    type: callTypeSchema.optional(),
    /** Calls to or from this number (E.164): the SIP leg's called or calling number. */
    phoneNumber: z
      .string()
      .regex(/^\+[1-9][0-9]{6,14}$/, 'phoneNumber must be in E.164 form, like +15551234567')
      .optional(),
    from: z.iso.datetime().optional(),
    to: z.iso.datetime().optional(),
  })
  .refine((input) => !input.from || !input.to || Date.parse(input.from) < Date.parse(input.to), {
    path: ['to'],
    message: '`to` must be after `from`',
  });
export type SessionsListInput = z.input<typeof sessionsListInputSchema>;
export type SessionsListQuery = z.output<typeof sessionsListInputSchema>;

export const sessionsListOutputSchema = z.object({
  items: z.array(callSessionSchema),
  nextCursor: z.string().nullable(),
});
export type SessionsList = z.output<typeof sessionsListOutputSchema>;
