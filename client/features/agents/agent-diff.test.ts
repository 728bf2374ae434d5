import { expect, test } from 'vitest';
import { diffAgents, showValue } from './agent-diff.ts';

test('the difference lists changed leaves by path; arrays compare whole', () => {
  const mine = {
    name: 'A',
    config: { llm: { model: 'x', temperature: 1 }, tools: ['a'], extra: 1 },
  };
  const theirs = {
    name: 'A',
    config: { llm: { model: 'y', temperature: 1 }, tools: ['a', 'b'], tts: { voice: 'v' } },
  };
  expect(diffAgents(mine, theirs)).toEqual([
    { path: 'config.extra', mine: 1, theirs: undefined },
    { path: 'config.llm.model', mine: 'x', theirs: 'y' },
    { path: 'config.tools', mine: ['a'], theirs: ['a', 'b'] },
    { path: 'config.tts.voice', mine: undefined, theirs: 'v' },
  ]);
  expect(showValue(undefined)).toBe('(not set)');
  expect(showValue('x'.repeat(300), 10)).toHaveLength(10);
});
