import { describe, expect, test } from 'vitest';
import { LIVE_SEGMENTS_MAX, upsertSegment, type LiveSegment } from './live-transcript.ts';

const segment = (id: string, text: string, final = false): LiveSegment => ({
  id,
  role: 'agent',
  text,
  final,
});

describe('upsertSegment', () => {
  test('a new segment goes last; an update replaces its text in place', () => {
    let list = upsertSegment([], segment('a', 'Hel'));
    list = upsertSegment(list, segment('b', 'Other'));
    list = upsertSegment(list, segment('a', 'Hello', true));
    expect(list).toEqual([segment('a', 'Hello', true), segment('b', 'Other')]);
  });

  test('a late interim update does not make a final segment interim again', () => {
    const list = upsertSegment([segment('a', 'Hello', true)], segment('a', 'Hello'));
    expect(list).toEqual([segment('a', 'Hello', true)]);
  });

  test('only the latest segments are kept', () => {
    let list: LiveSegment[] = [];
    for (let i = 0; i < LIVE_SEGMENTS_MAX + 5; i += 1)
      list = upsertSegment(list, segment(`s${i}`, 'x'));
    expect(list).toHaveLength(LIVE_SEGMENTS_MAX);
    expect(list[0]?.id).toBe('s5');
  });
});
