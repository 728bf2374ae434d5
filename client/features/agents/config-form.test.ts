import { describe, expect, test } from 'vitest';
import { configToForm, emptyToolDraft, formToConfig } from './config-form.ts';

const stored = {
  instructions: 'Be brief.',
  llm: { provider: 'openai', model: 'gpt-4.1-mini', temperature: 0.7, seed: 42 },
  tts: { voice: 'alloy', pitch: 'low' },
  tools: ['hang_up', { name: 'lookup', description: 'Find an order', timeoutMs: 3000 }],
  knowledgeBase: { enabled: true, documentIds: ['a', 'b'], topK: 4 },
  variables: { company: 'Acme' },
  routing: { fallback: 'human', weights: [1, 2] },
};

describe('form ↔ config', () => {
  test('an untouched form gives back the stored config exactly', () => {
    const { config, issues } = formToConfig(configToForm(stored), stored);
    expect(issues).toEqual([]);
    expect(config).toEqual(stored);
  });

  test('editing known fields keeps unknown keys at every level', () => {
    const values = {
      ...configToForm(stored),
      llmModel: 'gpt-4.1',
      ttsVoice: 'verse',
      instructions: 'Be kind.',
    };
    const { config } = formToConfig(values, stored);
    expect(config).toEqual({
      ...stored,
      instructions: 'Be kind.',
      llm: { ...stored.llm, model: 'gpt-4.1' },
      tts: { voice: 'verse', pitch: 'low' },
    });
  });

  test('numbers are parsed, and text that is not a number is reported for its field', () => {
    const good = formToConfig(
      { ...configToForm(stored), llmTemperature: '1.25', kbTopK: '8' },
      stored,
    );
    expect(good.config).toMatchObject({ llm: { temperature: 1.25 }, knowledgeBase: { topK: 8 } });

    const bad = formToConfig(
      { ...configToForm(stored), llmTemperature: 'warm', kbTopK: '2.5' },
      stored,
    );
    expect(bad.issues).toEqual([
      { field: 'llm.temperature', message: 'Enter a number' },
      { field: 'knowledgeBase.topK', message: 'Enter a whole number' },
    ]);
  });

  test('clearing a field removes its key, and a section the form emptied goes away', () => {
    const base = { greeting: 'Hi', stt: { language: 'en' } };
    const { config } = formToConfig({ ...configToForm(base), greeting: '', sttLanguage: '' }, base);
    expect(config).toEqual({});
  });

  test('a new section is created only when a field in it is filled', () => {
    const { config } = formToConfig({ ...configToForm({}), sttProvider: 'deepgram' }, {});
    expect(config).toEqual({ stt: { provider: 'deepgram' } });
  });

  test('tools: a string tool stays a string, extra keys of an object tool survive, parameters are JSON', () => {
    const values = configToForm(stored);
    const [hangUp, lookup] = values.tools;
    const tools = [
      hangUp!,
      { ...lookup!, description: 'Find an order by number' },
      { ...emptyToolDraft(), name: 'transfer', parameters: '{"type":"object"}' },
    ];
    const { config, issues } = formToConfig({ ...values, tools }, stored);
    expect(issues).toEqual([]);
    expect(config.tools).toEqual([
      'hang_up',
      { name: 'lookup', description: 'Find an order by number', timeoutMs: 3000 },
      { name: 'transfer', parameters: { type: 'object' } },
    ]);
  });

  test('tool parameters that are not a JSON object are reported for that tool', () => {
    const tools = [{ ...emptyToolDraft(), name: 'x', parameters: '[1, 2' }];
    const { issues } = formToConfig({ ...configToForm({}), tools }, {});
    expect(issues).toHaveLength(1);
    expect(issues[0]?.field).toBe('tools.0.parameters');
  });

  test('document ids are one per line, blank lines ignored', () => {
    const { config } = formToConfig(
      { ...configToForm(stored), kbDocumentIds: ' a\n\nc \n' },
      stored,
    );
    expect(config.knowledgeBase).toEqual({ enabled: true, documentIds: ['a', 'c'], topK: 4 });
  });

  test('the knowledge-base switch writes a boolean only when changed', () => {
    expect(formToConfig(configToForm({}), {}).config).toEqual({});
    expect(formToConfig({ ...configToForm({}), kbEnabled: true }, {}).config).toEqual({
      knowledgeBase: { enabled: true },
    });
  });
});
