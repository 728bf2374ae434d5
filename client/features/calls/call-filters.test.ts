import { describe, expect, test } from 'vitest';
import {
  filtersFromSearch,
  fromLocalInput,
  listInputOf,
  NO_FILTERS,
  searchFromFilters,
  toLocalInput,
} from './call-filters.ts';

describe('call filters in the URL', () => {
  test('every filter goes to the URL and comes back the same', () => {
    const filters = {
      agentId: 'aaaaaaaaaaaaaaaaaaaaaaaa',
      status: 'ended',
      type: 'inbound-phone',
      phoneNumber: '+15551234567',
      from: '2026-11-01T00:00:00.000Z',
      to: '2026-11-02T00:00:00.000Z',
    } as const;
    const params = searchFromFilters(filters);
    expect(params.toString()).toBe(
      'agent=aaaaaaaaaaaaaaaaaaaaaaaa&status=ended&type=inbound-phone&phone=%2B15551234567&from=2026-11-01T00%3A00%3A00.000Z&to=2026-11-02T00%3A00%3A00.000Z',
    );
    expect(filtersFromSearch(params)).toEqual(filters);
    expect(listInputOf(filters)).toEqual({
      agentId: filters.agentId,
      status: 'ended',
      type: 'inbound-phone',
      phoneNumber: '+15551234567',
      from: filters.from,
      to: filters.to,
    });
  });

  test('no query is no filter, and an empty filter leaves the list input empty', () => {
    expect(filtersFromSearch(new URLSearchParams())).toEqual(NO_FILTERS);
    expect(listInputOf(NO_FILTERS)).toEqual({});
    expect(searchFromFilters(NO_FILTERS).toString()).toBe('');
  });

  test('values the server would refuse are dropped, the rest kept', () => {
    expect(
      filtersFromSearch(
        new URLSearchParams(
          'agent=nope&status=paused&type=fax&phone=12345&from=yesterday&to=2026-11-02T00:00:00Z',
        ),
      ),
    ).toEqual({ ...NO_FILTERS, to: '2026-11-02T00:00:00.000Z' });
  });

  test('a hand-typed phone number loses its spaces; an id its capitals', () => {
    const filters = filtersFromSearch(
      new URLSearchParams({ phone: '+1 (555) 123-4567', agent: 'AAAAAAAAAAAAAAAAAAAAAAAA' }),
    );
    expect(filters.phoneNumber).toBe('+15551234567');
    expect(filters.agentId).toBe('aaaaaaaaaaaaaaaaaaaaaaaa');
  });

  test('a range that ends before it starts keeps its start only', () => {
    expect(
      filtersFromSearch(
        new URLSearchParams({ from: '2026-11-02T00:00:00Z', to: '2026-11-01T00:00:00Z' }),
      ),
    ).toMatchObject({ from: '2026-11-02T00:00:00.000Z', to: '' });
  });

  test('datetime-local values are local time to the minute, and come back as the same instant', () => {
    const local = toLocalInput('2026-11-30T20:15:42.000Z');
    expect(local).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/);
    expect(fromLocalInput(local)).toBe('2026-11-30T20:15:00.000Z');
    expect(toLocalInput('')).toBe('');
    expect(fromLocalInput('')).toBe('');
  });
});
