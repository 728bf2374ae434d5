import { describe, expect, test } from 'vitest';
import { formatDuration } from './format.ts';

describe('formatDuration', () => {
  test('seconds, minutes with padded seconds, hours with padded minutes', () => {
    expect(formatDuration(0)).toBe('0 s');
    expect(formatDuration(45)).toBe('45 s');
    expect(formatDuration(60)).toBe('1 min 00 s');
    expect(formatDuration(185)).toBe('3 min 05 s');
    expect(formatDuration(3720)).toBe('1 h 02 min');
  });

  test('never negative, never fractional', () => {
    expect(formatDuration(-3)).toBe('0 s');
    expect(formatDuration(12.9)).toBe('12 s');
  });
});
