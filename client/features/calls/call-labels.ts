import type {
  CallEndedReason,
  CallStatus,
  CallType,
  ParticipantKind,
} from '../../../shared/call-session.schema.ts';

// Records keyed by the shared enums: a new status, type or end reason fails the typecheck here
// until it has words. Type-only imports: the call view loads these without zod.

export const CALL_STATUS_LABELS: Record<CallStatus, string> = {
  started: 'Starting',
  active: 'Live',
  ended: 'Ended',
};

export const CALL_TYPE_LABELS: Record<CallType, string> = {
  web: 'Web call',
  'inbound-phone': 'Inbound phone call',
};

export const CALL_ENDED_REASON_LABELS: Record<CallEndedReason, string> = {
  'hang-up': 'The caller hung up',
  'agent-left': 'The agent left',
  'no-agent-available': 'No agent was available',
  'sip-failure': 'The phone line failed',
  'room-finished': 'The room was closed',
  'room-gone': 'The room disappeared',
};

export const PARTICIPANT_KIND_LABELS: Record<ParticipantKind, string> = {
  standard: 'Person',
  agent: 'Agent',
  sip: 'Phone caller',
  ingress: 'Ingress',
  egress: 'Egress',
};

/** Filters offered in the Calls page, in order (keys of the records above, so never stale). */
export const CALL_STATUSES_SHOWN = Object.keys(CALL_STATUS_LABELS) as CallStatus[];
export const CALL_TYPES_SHOWN = Object.keys(CALL_TYPE_LABELS) as CallType[];

/** The status pill's tone: live calls stand out, ended ones recede. */
export function statusTone(status: CallStatus): 'ok' | 'pending' | 'idle' {
  return status === 'active' ? 'ok' : status === 'started' ? 'pending' : 'idle';
}

/** `user:…`, `api-key:…`, `publishable-key:…`, `local:local`: what started a call, and its id. */
export function startedByParts(startedBy: string): { label: string; id: string | null } {
  const [kind = '', id = ''] = startedBy.split(/:(.*)/s);
  switch (kind) {
    case 'user':
      return { label: 'A signed-in person', id };
    case 'api-key':
      return { label: 'An API key', id };
    case 'publishable-key':
      return { label: 'A publishable key', id };
    case 'local':
      return { label: 'Local development', id: null };
    default:
      return { label: startedBy, id: null };
  }
}

/** Timeline event names (`participant_joined`) in words; unknown ones are shown as they come. */
const EVENT_LABELS: Record<string, string> = {
  room_started: 'Room started',
  room_finished: 'Room finished',
  room_gone: 'Room found gone',
  participant_joined: 'Joined',
  participant_left: 'Left',
  participant_connection_aborted: 'Connection lost',
  track_published: 'Published a track',
  track_unpublished: 'Unpublished a track',
  redispatched: 'Agent dispatched again',
};

export function eventLabel(type: string): string {
  return EVENT_LABELS[type] ?? type.replaceAll('_', ' ');
}
