import { describe, expect, test } from 'vitest';
import type { ConfigFieldId } from './config-field-table.ts';
import {
  configToForm,
  emptyToolDraft,
  formToConfig,
  type ConfigFormValues,
} from './config-form.ts';

const withFields = (
  values: ConfigFormValues,
  fields: Partial<Record<ConfigFieldId, string>>,
): ConfigFormValues => ({ ...values, fields: { ...values.fields, ...fields } });

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
    const values = withFields(configToForm(stored), {
      'llm.model': 'gpt-4.1',
      'tts.voice': 'verse',
      instructions: 'Be kind.',
    });
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
      withFields(configToForm(stored), { 'llm.temperature': '1.25', 'knowledgeBase.topK': '8' }),
      stored,
    );
    expect(good.config).toMatchObject({ llm: { temperature: 1.25 }, knowledgeBase: { topK: 8 } });

    const bad = formToConfig(
      withFields(configToForm(stored), { 'llm.temperature': 'warm', 'knowledgeBase.topK': '2.5' }),
      stored,
    );
    expect(bad.issues).toEqual([
      { field: 'llm.temperature', message: 'Enter a number' },
      { field: 'knowledgeBase.topK', message: 'Enter a whole number' },
    ]);
  });

  test('clearing a field removes its key, and a section the form emptied goes away', () => {
    const base = { greeting: 'Hi', stt: { language: 'en' } };
    const { config } = formToConfig(
      withFields(configToForm(base), { greeting: '', 'stt.language': '' }),
      base,
    );
    expect(config).toEqual({});
  });

  test('a new section is created only when a field in it is filled', () => {
    const { config } = formToConfig(
      withFields(configToForm({}), { 'stt.provider': 'deepgram' }),
      {},
    );
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
      withFields(configToForm(stored), { 'knowledgeBase.documentIds': ' a\n\nc \n' }),
      stored,
    );
    expect(config.knowledgeBase).toEqual({ enabled: true, documentIds: ['a', 'c'], topK: 4 });
  });

  test('the knowledge-base switch writes a boolean only when changed, false included', () => {
    expect(formToConfig(configToForm({}), {}).config).toEqual({});
    const on = { 'knowledgeBase.enabled': 'true' } as const;
    expect(formToConfig(withFields(configToForm({}), on), {}).config).toEqual({
      knowledgeBase: { enabled: true },
    });
    // Switched off, it says false: an absent key would mean "on when there are documents".
    const base = { knowledgeBase: { enabled: true, documentIds: ['a'] } };
    expect(
      formToConfig(withFields(configToForm(base), { 'knowledgeBase.enabled': '' }), base).config,
    ).toEqual({ knowledgeBase: { enabled: false, documentIds: ['a'] } });
  });

  test('every field of the table round-trips through the form', () => {
    const full = {
      instructions: 'i',
      greeting: 'g',
      llm: { provider: 'p', model: 'm', temperature: 0.5 },
      stt: { provider: 'p', model: 'm', language: 'fr' },
      tts: { provider: 'p', model: 'm', voice: 'v', speed: 1.5 },
      knowledgeBase: { enabled: true, documentIds: ['a'], topK: 3 },
    };
    const values = configToForm(full);
    expect(Object.values(values.fields).every((text) => text !== '')).toBe(true);
    // Typed afresh from an empty config, the same values give the same config.
    expect(formToConfig({ ...values, tools: [] }, {}).config).toEqual(full);
  });
});
