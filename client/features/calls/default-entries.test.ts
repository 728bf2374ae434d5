import { describe, expect, test } from 'vitest';
import { diffConfigs } from '../../../shared/config-diff.ts';
import { DEFAULT_AGENT_CONFIG } from '../../../shared/config-defaults.ts';
import { isResolverDefault } from './default-entries.ts';

describe('isResolverDefault', () => {
  test('sections and values the call got from the defaults are told apart from real changes', () => {
    const ran = {
      instructions: 'Mine',
      llm: { provider: 'openai', model: 'gpt-4.1-mini' },
      stt: DEFAULT_AGENT_CONFIG.stt,
      tts: DEFAULT_AGENT_CONFIG.tts,
      tools: [],
      variables: {},
      rag: { enabled: false, documentIds: [], topK: 5 },
      greeting: 'Hello',
    };
    const now = { instructions: 'Mine', llm: { provider: 'openai', model: 'gpt-4.1' } };
    const entries = diffConfigs(ran, now);
    expect(entries.filter(isResolverDefault).map((entry) => entry.path)).toEqual([
      'rag',
      'stt',
      'tools',
      'tts',
      'variables',
    ]);
    expect(entries.filter((entry) => !isResolverDefault(entry)).map((entry) => entry.path)).toEqual(
      ['greeting', 'llm.model'],
    );
  });

  test('a removed value that differs from the default is a real removal', () => {
    const [entry] = diffConfigs({ stt: { provider: 'deepgram', language: 'fr' } }, {});
    expect(entry && isResolverDefault(entry)).toBe(false);
    const [rag] = diffConfigs({ rag: { enabled: true, documentIds: ['faq'], topK: 5 } }, {});
    expect(rag && isResolverDefault(rag)).toBe(false);
  });

  test('inside a section the agent has, a removed value is a real removal', () => {
    const [entry] = diffConfigs(
      { stt: { provider: 'deepgram', model: 'nova-3', language: 'en' } },
      { stt: { provider: 'deepgram', model: 'nova-3' } },
    );
    expect(entry?.path).toBe('stt.language');
    expect(entry && isResolverDefault(entry)).toBe(false);
  });

  test('added and changed entries are never the defaults', () => {
    for (const entry of diffConfigs(
      { stt: { language: 'en' } },
      { stt: { language: 'fr' }, tools: [] },
    ))
      expect(isResolverDefault(entry)).toBe(false);
  });
});
