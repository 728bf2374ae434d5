import { expect, test } from 'vitest';
import { checkDid, formatDid } from './phone-format.ts';

test('numbers are written as their country writes them internationally', () => {
  expect(formatDid('+14155550100')).toBe('+1 415 555 0100');
  expect(formatDid('+33123456789')).toBe('+33 1 23 45 67 89');
  expect(formatDid('+442079460958')).toBe('+44 20 7946 0958');
  expect(formatDid('+447700900123')).toBe('+44 7700 900123');
  expect(formatDid('+3225550100')).toBe('+32 2 555 01 00');
  // Berlin's area code is 30: the rest is the subscriber number, not two groups of four.
  expect(formatDid('+4930123456')).toBe('+49 30 123456');
  expect(formatDid('+35312345678')).toBe('+353 1 234 5678');
  expect(formatDid('+74951234567')).toBe('+7 495 123 45 67');
});

test('a number no numbering plan knows, or one not in E.164, is shown as it is', () => {
  expect(formatDid('+999123456789')).toBe('+999123456789');
  expect(formatDid('4155550100')).toBe('4155550100');
});

test('a number is checked and normalised with the shared normaliseDid', () => {
  expect(checkDid(' +1 (415) 555-0100 ')).toEqual({ ok: true, did: '+14155550100' });
  const missingPlus = checkDid('415 555 0100');
  expect(missingPlus).toMatchObject({ ok: false, empty: false });
  expect(!missingPlus.ok && missingPlus.message).toContain(
    'must start with "+" and the country code',
  );
  expect(checkDid('')).toMatchObject({ ok: false, empty: true });
  expect(!checkDid('+1 415 abc').ok).toBe(true);
});
