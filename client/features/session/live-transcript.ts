import type { Room, TextStreamReader } from 'livekit-client';

/**
 * LiveKit Agents publish what is said as text streams on this topic: one stream per segment (or
 * per update of one), named by the `lk.segment_id` attribute; `lk.transcription_final` says the
 * segment is complete; `lk.transcribed_track_id` names the audio track it transcribes.
 */
export const TRANSCRIPTION_TOPIC = 'lk.transcription';

export interface LiveSegment {
  id: string;
  /** `user`: this page's own speech (its microphone track, or sent as this participant). */
  role: 'user' | 'agent';
  text: string;
  final: boolean;
}

/** A long call keeps its latest segments, not all of them (the call detail has the report). */
export const LIVE_SEGMENTS_MAX = 200;

/** Puts a segment's latest text in place (first-seen order), keeping the last LIVE_SEGMENTS_MAX. */
export function upsertSegment(segments: readonly LiveSegment[], next: LiveSegment): LiveSegment[] {
  const index = segments.findIndex((segment) => segment.id === next.id);
  if (index >= 0) {
    const updated = [...segments];
    // A final segment stays final even if a late interim update of it arrives.
    const current = segments[index];
    updated[index] = { ...next, final: next.final || (current?.final ?? false) };
    return updated;
  }
  return [...segments, next].slice(-LIVE_SEGMENTS_MAX);
}

/**
 * Listens to the room's transcription streams and reports each segment's text as it grows.
 * Register before connecting: streams that start earlier are not replayed.
 */
export function listenToTranscription(room: Room, onSegment: (segment: LiveSegment) => void) {
  room.registerTextStreamHandler(TRANSCRIPTION_TOPIC, (reader, participant) => {
    void read(room, reader, participant.identity, onSegment);
  });
}

async function read(
  room: Room,
  reader: TextStreamReader,
  senderIdentity: string,
  onSegment: (segment: LiveSegment) => void,
): Promise<void> {
  const attributes = reader.info.attributes ?? {};
  const id = attributes['lk.segment_id'] || reader.info.id;
  const trackId = attributes['lk.transcribed_track_id'] ?? '';
  const local = room.localParticipant;
  const role =
    senderIdentity === local.identity || (trackId !== '' && local.trackPublications.has(trackId))
      ? 'user'
      : 'agent';
  const final = attributes['lk.transcription_final'] === 'true';
  let text = '';
  try {
    for await (const chunk of reader) {
      text += chunk;
      onSegment({ id, role, text, final: false });
    }
    onSegment({ id, role, text, final });
  } catch {
    // A stream cut off (the sender left): what arrived stays shown, as not final.
  }
}
