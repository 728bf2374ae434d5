import { describe, expect, test } from 'vitest';
import {
  didRouteUpdateInputSchema,
  didSchema,
  normaliseDid,
  routeLabelSchema,
} from './telephony.schema.ts';

describe('a DID is normalised to E.164', () => {
  test.each([
    ['+14155550100', '+14155550100'],
    ['+1 (415) 555-0100', '+14155550100'],
    ['  +44 20 7946 0958 ', '+442079460958'],
    ['+49.30.1234567', '+49301234567'],
    ['+33 1 42 68 53 00', '+33142685300'],
    ['+1\u2011415\u2013555\u20140100', '+14155550100'],
    ['+1\u00a0415\u00a0555\u00a00100', '+14155550100'],
    ['+12345678', '+12345678'],
    ['+123456789012345', '+123456789012345'],
  ])('%j → %s', (input, expected) => {
    expect(didSchema.parse(input)).toBe(expected);
  });

  test.each([
    ['4155550100', /^did must start with "\+" and the country code/],
    ['0044 20 7946 0958', /^did must start with "\+"/],
    ['+1 415 CALL NOW', /^did may contain only digits after the "\+"/],
    ['+1 415 555 0100 ext 2', /^did may contain only digits/],
    ['++14155550100', /^did may contain only digits/],
    ['+0441234567', /^did: a country code never starts with 0/],
    ['+1234567', /^did must have 8–15 digits after the "\+" \(got 7\)$/],
    ['+1234567890123456', /^did must have 8–15 digits after the "\+" \(got 16\)$/],
    ['', /^did must be a phone number in E\.164 form/],
    ['   ', /^did must be a phone number in E\.164 form/],
  ])('%j is refused with a message naming did', (input, message) => {
    const result = normaliseDid(input);
    expect(result).toEqual({ problem: expect.stringMatching(message) as unknown });
    const parsed = didSchema.safeParse(input);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toMatch(message);
  });

  test('a non-string or an absurdly long value is refused before it is looked at', () => {
    expect(didSchema.safeParse(14155550100).error?.issues[0]?.message).toMatch(
      /^did must be a phone number/,
    );
    expect(didSchema.safeParse(`+1${' '.repeat(100)}4155550100`).error?.issues[0]?.message).toBe(
      'did must be at most 64 characters',
    );
  });
});

describe('labels and updates', () => {
  test('a label is trimmed with inner whitespace collapsed, at most 120 characters', () => {
    expect(routeLabelSchema.parse('  Sales \n line ')).toBe('Sales line');
    expect(routeLabelSchema.safeParse('x'.repeat(121)).error?.issues[0]?.message).toBe(
      'label must be at most 120 characters',
    );
  });

  test.each([
    [
      'a control character',
      'Sales\u001b',
      'label may not contain control characters (found U+001B)',
    ],
    ['NUL', '\u0000', 'label may not contain control characters (found U+0000)'],
    [
      'a lone surrogate',
      'Sales \ud800',
      'label must be well-formed Unicode text (found a lone surrogate, U+D800)',
    ],
  ])('a label with %s is refused', (_, label, message) => {
    expect(routeLabelSchema.safeParse(label).error?.issues[0]?.message).toBe(message);
  });

  test('an update must change something; label null is a change (it clears)', () => {
    const routeId = '0123456789abcdef01234567';
    expect(didRouteUpdateInputSchema.safeParse({ routeId }).error?.issues[0]?.message).toBe(
      'nothing to update: give did, agentId, agentVersion or label',
    );
    expect(didRouteUpdateInputSchema.parse({ routeId, label: null })).toEqual({
      routeId,
      label: null,
    });
  });
});
