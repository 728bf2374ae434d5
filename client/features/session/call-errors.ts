/**
 * What went wrong in a call, in words a user can act on. Pure (no livekit-client import) so it is
 * unit-tested; errors are recognised by their `name`, which survives across realms and versions.
 */

/**
 * How long a connected call waits for an agent before saying that no worker took the job
 * (LiveKit dispatches to a worker registered as AGENT_NAME; with none running, nobody comes).
 * A worker that is up joins within a second or two. Documented in the README.
 */
export const AGENT_JOIN_TIMEOUT_MS = 20_000;

export type MicProblem = 'denied' | 'missing' | 'busy' | 'insecure' | 'other';

/** Classifies a getUserMedia / `setMicrophoneEnabled` rejection. */
export function micProblemOf(error: unknown): MicProblem {
  const name = error instanceof Error || isNamed(error) ? error.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'PermissionDeniedError':
      return 'denied';
    case 'NotFoundError':
    case 'DevicesNotFoundError':
    case 'OverconstrainedError':
      return 'missing';
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return 'busy';
    case 'SecurityError':
      return 'insecure';
    default:
      return typeof navigator !== 'undefined' && !navigator.mediaDevices ? 'insecure' : 'other';
  }
}

export function micProblemMessage(problem: MicProblem): string {
  switch (problem) {
    case 'denied':
      return 'Microphone access is blocked. Allow the microphone for this site (the icon at the left of the address bar), then turn the mic on again. You can still hear the agent.';
    case 'missing':
      return 'No microphone was found. Plug one in or pick another input in your system settings, then turn the mic on again.';
    case 'busy':
      return 'The microphone is in use by another application or could not be started. Close other apps using it, then try again.';
    case 'insecure':
      return 'This page cannot use the microphone: browsers allow it only on https:// or http://localhost addresses.';
    case 'other':
      return 'The microphone could not be started. Check your browser and system settings, then try again.';
  }
}

export type ConnectProblem = 'unreachable' | 'rejected' | 'cancelled' | 'other';

/**
 * Classifies a `room.connect` rejection by livekit-client's ConnectionError `reasonName` (never
 * by its message, which is for people and changes between versions).
 */
export function connectProblemOf(error: unknown): ConnectProblem {
  if (!isNamed(error) || error.name !== 'ConnectionError') return 'other';
  switch ((error as { reasonName?: unknown }).reasonName) {
    case 'Cancelled':
    case 'LeaveRequest':
      return 'cancelled';
    case 'NotAllowed':
      return 'rejected';
    case 'ServerUnreachable':
    case 'WebSocket':
    case 'Timeout':
    case 'InternalError':
    case 'ServiceNotFound':
      return 'unreachable';
    default:
      return 'other';
  }
}

export function connectProblemMessage(problem: ConnectProblem, serverUrl: string): string {
  switch (problem) {
    case 'unreachable':
      return `Could not reach the LiveKit server at ${serverUrl}. Check that it is running and that this browser can reach it (firewall, VPN, wrong LIVEKIT_URL), then try again.`;
    case 'rejected':
      return 'LiveKit refused to let this call join (the access token was rejected or has expired). Start a new call.';
    case 'cancelled':
      return 'The call was cancelled before it connected.';
    case 'other':
      return `The call could not connect to ${serverUrl}. Try again; if it keeps failing, check the LiveKit server log.`;
  }
}

function isNamed(value: unknown): value is { name: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { name?: unknown }).name === 'string'
  );
}
