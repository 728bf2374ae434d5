import { expect, test } from 'vitest';
import { checkDid, didMessageForPeople, formatDid, splitCountryCode } from './phone-format.ts';

test('the country code is found by its prefix-free length', () => {
  expect(splitCountryCode('+14155550100')).toEqual(['1', '4155550100']);
  expect(splitCountryCode('+74951234567')).toEqual(['7', '4951234567']);
  expect(splitCountryCode('+442079460958')).toEqual(['44', '2079460958']);
  expect(splitCountryCode('+35312345678')).toEqual(['353', '12345678']);
});

test('numbers are spaced for reading, North American, British and French ones the local way', () => {
  expect(formatDid('+14155550100')).toBe('+1 415-555-0100');
  expect(formatDid('+33123456789')).toBe('+33 1 23 45 67 89');
  expect(formatDid('+442079460958')).toBe('+44 20 7946 0958');
  expect(formatDid('+447700900123')).toBe('+44 7700 900123');
  expect(formatDid('+3225550100')).toBe('+32 2555 0100');
  expect(formatDid('+4930123456')).toBe('+49 3012 3456');
  expect(formatDid('+35312345678')).toBe('+353 1234 5678');
  // Not E.164: shown as it is.
  expect(formatDid('4155550100')).toBe('4155550100');
});

test('a number is checked with the shared normaliseDid and its message drops the key name', () => {
  expect(checkDid(' +1 (415) 555-0100 ')).toEqual({ ok: true, did: '+14155550100' });
  const missingPlus = checkDid('415 555 0100');
  expect(missingPlus).toMatchObject({ ok: false, empty: false });
  expect(!missingPlus.ok && missingPlus.message).toMatch(/^Must start with "\+"/);
  expect(checkDid('')).toMatchObject({ ok: false, empty: true });
  expect(!checkDid('+1 415 abc').ok).toBe(true);
});

test('server messages about did read as sentences beside the field', () => {
  expect(
    didMessageForPeople(
      'did: +14155550100 already routes to agent 665f1c2e9b1d4a0012345678 (route x); update or delete that route first',
    ),
  ).toBe(
    '+14155550100 already routes to agent 665f1c2e9b1d4a0012345678 (route x); update or delete that route first',
  );
  expect(didMessageForPeople('did may contain only digits after the "+"')).toBe(
    'May contain only digits after the "+"',
  );
  expect(didMessageForPeople('did: a country code never starts with 0')).toBe(
    'A country code never starts with 0',
  );
  expect(didMessageForPeople('something else')).toBe('something else');
});
