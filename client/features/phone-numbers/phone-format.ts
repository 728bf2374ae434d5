import { parsePhoneNumberFromString } from 'libphonenumber-js/min';
import { normaliseDid } from '../../../shared/telephony.schema.ts';

/**
 * An E.164 number written the way its country writes it internationally: `+1 415 555 0100`,
 * `+44 20 7946 0958`, `+49 30 123456` (libphonenumber-js with its small metadata; this module
 * loads with the phone numbers page only). A number no country plan knows is shown as it is.
 */
export function formatDid(e164: string): string {
  if (!/^\+\d{8,15}$/.test(e164)) return e164;
  return parsePhoneNumberFromString(e164)?.formatInternational() ?? e164;
}

export type DidCheck = { ok: true; did: string } | { ok: false; empty: boolean; message: string };

/** A number as typed, checked and normalised with the shared `normaliseDid` (the server's rule). */
export function checkDid(raw: string): DidCheck {
  const result = normaliseDid(raw);
  if ('did' in result) return { ok: true, did: result.did };
  return { ok: false, empty: raw.trim() === '', message: result.problem };
}
