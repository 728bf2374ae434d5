import { describe, expect, test } from 'vitest';
import { jsonByteLength } from '../../shared/json-guard.ts';
import { telephonyJobMetadataSchema } from '../../shared/telephony.schema.ts';
import { ValidationError } from '../errors.ts';
import type { DispatchRule } from '../ports/sip-dispatch.port.ts';
import { resolveAgentConfig } from './config-resolver.ts';
import {
  buildDispatchRule,
  diffRule,
  routeIdOfRule,
  sameNumber,
  sameNumbers,
} from './dispatch-rules.ts';

const ROUTE = { id: '665f1c2e9b1d4a0012345678', did: '+14155550100', agentId: 'a'.repeat(24) };
const CONFIG = resolveAgentConfig({ stored: { instructions: 'Answer the phone.' } });
const OPTIONS = { trunkId: 'ST_inbound', agentName: 'front-desk', config: CONFIG, agentVersion: 4 };

/** LiveKit's copy of the rule a route wants, as it lists it back when nothing drifted. */
function listedRule(overrides: Partial<DispatchRule> = {}): DispatchRule {
  const desired = buildDispatchRule(ROUTE, OPTIONS);
  return {
    id: 'SDR_1',
    name: desired.name,
    trunkIds: [desired.trunkId],
    numbers: [desired.number],
    inboundNumbers: [],
    kind: 'individual',
    roomPrefix: desired.roomPrefix,
    pin: '',
    agents: desired.agents,
    ...overrides,
  };
}

describe('buildDispatchRule', () => {
  test('is named after the route, limited to the trunk and the number, a room per caller, the agent with { agentId, did, agentVersion, config }', () => {
    const rule = buildDispatchRule(ROUTE, OPTIONS);
    expect(rule).toEqual({
      name: `switchboard:${ROUTE.id}`,
      trunkId: 'ST_inbound',
      number: ROUTE.did,
      roomPrefix: 'call',
      agents: [{ agentName: 'front-desk', metadata: expect.any(String) as unknown }],
    });
    expect(telephonyJobMetadataSchema.parse(JSON.parse(rule.agents[0]!.metadata))).toEqual({
      agentId: ROUTE.agentId,
      did: ROUTE.did,
      agentVersion: 4,
      config: CONFIG,
    });
  });

  test('job metadata of 64 KiB is fine; one byte more is a ValidationError saying what to shorten', () => {
    const base = { ...CONFIG, pad: '' };
    const room =
      64 * 1024 -
      jsonByteLength({ agentId: ROUTE.agentId, did: ROUTE.did, agentVersion: 4, config: base });
    const withPad = (bytes: number) => ({
      ...OPTIONS,
      config: { ...base, pad: 'x'.repeat(bytes) },
    });
    expect(() => buildDispatchRule(ROUTE, withPad(room))).not.toThrow();
    const build = () => buildDispatchRule(ROUTE, withPad(room + 1));
    expect(build).toThrow(ValidationError);
    expect(build).toThrow(
      /^job metadata \(agentId \+ did \+ resolved config\) is [\d.]+ KiB; the limit is 64 KiB: shorten the agent's config$/,
    );
  });
});

describe('routeIdOfRule', () => {
  test('reads the route id from Switchboard’s rule names only', () => {
    expect(routeIdOfRule({ name: `switchboard:${ROUTE.id}` })).toBe(ROUTE.id);
    expect(routeIdOfRule({ name: 'support queue' })).toBeNull();
    expect(routeIdOfRule({ name: `switchboard:${ROUTE.id.toUpperCase()}` })).toBeNull();
    expect(routeIdOfRule({ name: `switchboard:${ROUTE.id}x` })).toBeNull();
  });
});

describe('diffRule', () => {
  test('LiveKit’s rule as built is in step', () => {
    expect(diffRule(listedRule(), buildDispatchRule(ROUTE, OPTIONS))).toEqual([]);
  });

  test('metadata with the same JSON in another key order is in step; other JSON or no JSON is not', () => {
    const desired = buildDispatchRule(ROUTE, OPTIONS);
    const reordered = JSON.stringify({
      config: CONFIG,
      agentVersion: 4,
      did: ROUTE.did,
      agentId: ROUTE.agentId,
    });
    const withAgent = (metadata: string) =>
      listedRule({ agents: [{ agentName: 'front-desk', metadata }] });
    expect(diffRule(withAgent(reordered), desired)).toEqual([]);
    expect(diffRule(withAgent(JSON.stringify({ ...ROUTE, config: {} })), desired)).toEqual([
      'metadata',
    ]);
    expect(diffRule(withAgent('{not json'), desired)).toEqual(['metadata']);
    // Another published version of the same config is another rule: calls record the version.
    expect(
      diffRule(withAgent(reordered.replace('"agentVersion":4', '"agentVersion":5')), desired),
    ).toEqual(['metadata']);
  });

  test.each<[string, Partial<DispatchRule>, string[]]>([
    ['another name', { name: 'switchboard:0123456789abcdef01234567' }, ['name']],
    ['another trunk', { trunkIds: ['ST_other'] }, ['trunk']],
    ['any trunk', { trunkIds: [] }, ['trunk']],
    ['a second trunk', { trunkIds: ['ST_inbound', 'ST_other'] }, ['trunk']],
    ['another number', { numbers: ['+15550000000'] }, ['number']],
    ['a caller filter', { inboundNumbers: ['+15550000001'] }, ['number']],
    ['one shared room', { kind: 'direct' }, ['room']],
    ['another room prefix', { roomPrefix: 'lobby' }, ['room']],
    ['a PIN', { pin: '1234' }, ['room']],
    ['no agent', { agents: [] }, ['agent']],
    ['another agent', { agents: [{ agentName: 'other', metadata: '{}' }] }, ['agent']],
  ])('%s is named as what changed', (_, overrides, changed) => {
    expect(diffRule(listedRule(overrides), buildDispatchRule(ROUTE, OPTIONS))).toEqual(changed);
  });

  test('a second agent is a change of agent, whatever the first carries', () => {
    const rule = listedRule();
    const twice = listedRule({ agents: [...rule.agents, ...rule.agents] });
    expect(diffRule(twice, buildDispatchRule(ROUTE, OPTIONS))).toEqual(['agent']);
  });

  test('several differences are all named, in a stable order', () => {
    const rule = listedRule({ numbers: ['+15550000000'], roomPrefix: 'lobby', agents: [] });
    expect(diffRule(rule, buildDispatchRule(ROUTE, OPTIONS))).toEqual(['number', 'room', 'agent']);
  });
});

describe('trunk numbers', () => {
  test('compare as LiveKit does: separators ignored, the + optional', () => {
    expect(sameNumber('+1 (415) 555-0100', '+14155550100')).toBe(true);
    expect(sameNumber('14155550100', '+14155550100')).toBe(true);
    expect(sameNumber('+14155550101', '+14155550100')).toBe(false);
  });

  test('lists are the same numbers in any order', () => {
    expect(sameNumbers(['+14155550100', '442079460958'], ['+442079460958', '+14155550100'])).toBe(
      true,
    );
    expect(sameNumbers(['+14155550100'], ['+14155550100', '+442079460958'])).toBe(false);
    expect(sameNumbers([], [])).toBe(true);
  });
});
