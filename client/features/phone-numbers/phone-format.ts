import { normaliseDid } from '../../../shared/telephony.schema.ts';

/**
 * Country codes are prefix-free: 1 and 7 are one digit, these are two, every other is three
 * (ITU-T E.164 assignments).
 */
const TWO_DIGIT_CODES = new Set([
  20, 27, 30, 31, 32, 33, 34, 36, 39, 40, 41, 43, 44, 45, 46, 47, 48, 49, 51, 52, 53, 54, 55, 56,
  57, 58, 60, 61, 62, 63, 64, 65, 66, 81, 82, 84, 86, 90, 91, 92, 93, 94, 95, 98,
]);

/** `+14155550100` → `['1', '4155550100']`. */
export function splitCountryCode(e164: string): [string, string] {
  const digits = e164.replace(/^\+/, '');
  const first = digits[0];
  const size =
    first === '1' || first === '7' ? 1 : TWO_DIGIT_CODES.has(Number(digits.slice(0, 2))) ? 2 : 3;
  return [digits.slice(0, size), digits.slice(size)];
}

/** How a national number of n digits is grouped when its country's plan is not known. */
const GROUPS: Record<number, readonly number[]> = {
  5: [2, 3],
  6: [3, 3],
  7: [3, 4],
  8: [4, 4],
  9: [3, 3, 3],
  10: [3, 3, 4],
  11: [3, 4, 4],
  12: [4, 4, 4],
  13: [3, 3, 3, 4],
  14: [3, 3, 4, 4],
};

function group(digits: string, sizes: readonly number[], separator = ' '): string {
  const parts: string[] = [];
  let at = 0;
  for (const size of sizes) {
    parts.push(digits.slice(at, at + size));
    at += size;
  }
  return parts.join(separator);
}

/**
 * An E.164 number spaced for reading: `+1 415-555-0100`, `+44 20 7946 0958`, `+33 1 23 45 67 89`.
 * A light approximation (no per-country numbering plans), so the E.164 form is shown beside it.
 */
export function formatDid(e164: string): string {
  if (!/^\+\d{8,15}$/.test(e164)) return e164;
  const [country, national] = splitCountryCode(e164);
  if (country === '1' && national.length === 10) return `+1 ${group(national, [3, 3, 4], '-')}`;
  // UK: London and the other 02 areas 2-4-4, mobiles and most areas 4-6.
  if (country === '44' && national.length === 10)
    return `+44 ${group(national, national.startsWith('2') ? [2, 4, 4] : [4, 6])}`;
  if (country === '33' && national.length === 9) return `+33 ${group(national, [1, 2, 2, 2, 2])}`;
  const sizes = GROUPS[national.length];
  return `+${country} ${sizes ? group(national, sizes) : national}`;
}

export type DidCheck = { ok: true; did: string } | { ok: false; empty: boolean; message: string };

/** `normaliseDid` from the shared schema, its message phrased for a field labelled "Phone number". */
export function checkDid(raw: string): DidCheck {
  const result = normaliseDid(raw);
  if ('did' in result) return { ok: true, did: result.did };
  return { ok: false, empty: raw.trim() === '', message: didMessageForPeople(result.problem) };
}

/**
 * The server's and the schema's messages name the input key (`did must start with "+" …`,
 * `did: +1… already routes to agent …`); beside a field labelled "Phone number" they read better
 * without it.
 */
export function didMessageForPeople(message: string): string {
  const rest = message.replace(/^did(?::\s*|\s+(?=must|may)|\s*$)/, '');
  if (rest === message || rest === '') return message;
  return rest.charAt(0).toUpperCase() + rest.slice(1);
}
