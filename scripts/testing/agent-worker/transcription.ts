// What a LiveKit Agents worker publishes while it talks: transcription segments on the
// `lk.transcription` text-stream topic (the dashboard's call view shows them live). The test
// worker has no voice, so it publishes a few fixed agent lines once a caller is ready to hear them.

import type { JobContext } from '@livekit/agents';
import { RoomEvent, type RemoteParticipant } from '@livekit/rtc-node';

export const TRANSCRIPTION_TOPIC = 'lk.transcription';

/** The lines the test worker "says", in order: the browser tests look for them. */
export const TEST_AGENT_LINES = [
  'Hello, this is the Switchboard test agent.',
  'I can hear you. How can I help?',
] as const;

/**
 * Waits for the first caller (any participant but an agent) to publish a track — by then its
 * connection carries data both ways, so nothing sent is lost — then publishes each line as one
 * final segment from the agent. Resolves with the caller's identity.
 */
export async function publishTestTranscription(ctx: JobContext): Promise<string> {
  const caller = await ctx.waitForParticipant();
  await publishedTrack(ctx, caller);
  for (const [index, text] of TEST_AGENT_LINES.entries()) {
    await ctx.room.localParticipant?.sendText(text, {
      topic: TRANSCRIPTION_TOPIC,
      attributes: {
        'lk.segment_id': `SG_test_${ctx.job.id}_${index}`,
        'lk.transcription_final': 'true',
        // No `lk.transcribed_track_id`: this agent has no audio track for the text to belong to.
      },
    });
  }
  return caller.identity;
}

function publishedTrack(ctx: JobContext, participant: RemoteParticipant): Promise<void> {
  if (participant.trackPublications.size > 0) return Promise.resolve();
  return new Promise((resolve) => {
    const onPublished = (_publication: unknown, from: RemoteParticipant) => {
      if (from.identity !== participant.identity) return;
      ctx.room.off(RoomEvent.TrackPublished, onPublished);
      resolve();
    };
    ctx.room.on(RoomEvent.TrackPublished, onPublished);
  });
}
