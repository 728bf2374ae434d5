import { z } from 'zod';
import { agentIdSchema } from './agent.schema.ts';
import { JOB_METADATA_MAX_BYTES, roomNameSchema, userIdentitySchema } from './session.schema.ts';

/**
 * LiveKit's standard token endpoint (`TokenSource.endpoint(url)` in livekit-client and its
 * siblings): its `TokenSourceRequest` in proto field names, as `POST
 * /api/v1/agents/{agentId}/connection-details` takes it. What Switchboard does not apply is
 * refused, never ignored: participant name, metadata and attributes are not set on the token yet.
 */
export const tokenSourceRequestSchema = z.object({
  agentId: agentIdSchema,
  room_name: roomNameSchema.optional(),
  participant_identity: userIdentitySchema.optional(),
  participant_name: z.string().max(0, 'participant_name is not supported: leave it out').optional(),
  participant_metadata: z
    .string()
    .max(0, 'participant_metadata is not supported: leave it out')
    .optional(),
  participant_attributes: z
    .record(z.string(), z.string())
    .refine((attributes) => Object.keys(attributes).length === 0, {
      message: 'participant_attributes are not supported: leave them out',
    })
    .optional(),
  room_config: z
    .looseObject({
      agents: z
        .array(
          z.looseObject({
            /** Must be the server's AGENT_NAME when given (`system.info`). */
            agent_name: z.string().max(128).optional(),
            /** Per-call `agentConfig` overrides as a JSON object in a string (as `session.start`'s). */
            metadata: z.string().max(JOB_METADATA_MAX_BYTES).optional(),
          }),
        )
        .max(1, 'one agent per room: room_config.agents has at most one entry')
        .optional(),
    })
    .optional(),
});
export type TokenSourceRequest = z.output<typeof tokenSourceRequestSchema>;

/** LiveKit's `TokenSourceResponse`, plus the call's ids (LiveKit's clients ignore extra fields). */
export const tokenSourceResponseSchema = z.object({
  server_url: z.string(),
  participant_token: z.string(),
  room_name: z.string(),
  participant_identity: z.string(),
  /** The call record (`GET /api/v1/sessions/{sessionId}`). */
  session_id: z.string().nullable(),
});
export type TokenSourceResponse = z.output<typeof tokenSourceResponseSchema>;
