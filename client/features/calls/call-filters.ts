import type {
  CallStatus,
  CallType,
  SessionsListInput,
} from '../../../shared/call-session.schema.ts';
import { CALL_STATUS_LABELS, CALL_TYPE_LABELS } from './call-labels.ts';

/** The Calls page's filters, as the URL query keeps them (`?agent=…&status=ended&from=…`). */
export interface CallFilters {
  agentId: string;
  status: CallStatus | '';
  type: CallType | '';
  /** E.164, as the server filters on it. */
  phoneNumber: string;
  /** ISO-8601 instants (`from` inclusive, `to` exclusive), or ''. */
  from: string;
  to: string;
}

export const NO_FILTERS: CallFilters = {
  agentId: '',
  status: '',
  type: '',
  phoneNumber: '',
  from: '',
  to: '',
};

const OBJECT_ID = /^[0-9a-f]{24}$/i;
const E164 = /^\+[1-9][0-9]{6,14}$/;

/**
 * The filters a URL names. A value the server would refuse (a hand-edited or stale link) is left
 * out rather than shown as an error page: the list still answers, with the filters that hold.
 */
export function filtersFromSearch(params: URLSearchParams): CallFilters {
  const agent = params.get('agent') ?? '';
  const status = params.get('status') ?? '';
  const type = params.get('type') ?? '';
  const phone = (params.get('phone') ?? '').replace(/[\s()-]/g, '');
  const from = instant(params.get('from'));
  const to = instant(params.get('to'));
  return {
    agentId: OBJECT_ID.test(agent) ? agent.toLowerCase() : '',
    status: Object.hasOwn(CALL_STATUS_LABELS, status) ? (status as CallStatus) : '',
    type: Object.hasOwn(CALL_TYPE_LABELS, type) ? (type as CallType) : '',
    phoneNumber: E164.test(phone) ? phone : '',
    from,
    // An empty range would be refused: the end is dropped, not the start.
    to: to && from && Date.parse(to) <= Date.parse(from) ? '' : to,
  };
}

/** The URL query for `filters` (only what is set, in a fixed order). */
export function searchFromFilters(filters: CallFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.agentId) params.set('agent', filters.agentId);
  if (filters.status) params.set('status', filters.status);
  if (filters.type) params.set('type', filters.type);
  if (filters.phoneNumber) params.set('phone', filters.phoneNumber);
  if (filters.from) params.set('from', filters.from);
  if (filters.to) params.set('to', filters.to);
  return params;
}

/** `sessions.list`'s input for the filters (without paging). */
export function listInputOf(filters: CallFilters): Omit<SessionsListInput, 'limit' | 'cursor'> {
  return {
    ...(filters.agentId && { agentId: filters.agentId }),
    ...(filters.status && { status: filters.status }),
    ...(filters.type && { type: filters.type }),
    ...(filters.phoneNumber && { phoneNumber: filters.phoneNumber }),
    ...(filters.from && { from: filters.from }),
    ...(filters.to && { to: filters.to }),
  };
}

export function hasFilters(filters: CallFilters): boolean {
  return Object.values(filters).some((value) => value !== '');
}

function instant(value: string | null): string {
  if (!value) return '';
  const time = Date.parse(value);
  return Number.isNaN(time) ? '' : new Date(time).toISOString();
}

/**
 * A `<input type="datetime-local">` value (the browser's local time, to the minute) for an ISO
 * instant, and back. The URL and the server speak UTC instants; the box speaks local time.
 */
export function toLocalInput(iso: string): string {
  if (!iso) return '';
  const date = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export function fromLocalInput(value: string): string {
  if (!value) return '';
  // `new Date('YYYY-MM-DDTHH:mm')` is read as local time.
  const time = new Date(value).getTime();
  return Number.isNaN(time) ? '' : new Date(time).toISOString();
}
