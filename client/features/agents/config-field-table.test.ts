import { describe, expect, test } from 'vitest';
import { DEFAULT_AGENT_CONFIG, DEFAULT_RAG_TOP_K } from '../../../shared/config-defaults.ts';
import {
  CONFIG_FIELDS,
  configFieldById,
  placeholderOf,
  summaryLabelOf,
  targetOfConfigPath,
  targetOfInputPath,
} from './config-field-table.ts';
import { configToForm } from './config-form.ts';

const field = (id: string) => {
  const found = configFieldById(id);
  if (!found) throw new Error(`no field ${id}`);
  return found;
};

describe('the config field table', () => {
  test('ids are the paths joined with dots, and unique', () => {
    for (const entry of CONFIG_FIELDS) expect(entry.id).toBe(entry.path.join('.'));
    expect(new Set(CONFIG_FIELDS.map((entry) => entry.id)).size).toBe(CONFIG_FIELDS.length);
  });

  test('placeholders are the defaults a call really gets', () => {
    const empty = configToForm({}).fields;
    expect(placeholderOf(field('llm.model'), empty)).toBe(DEFAULT_AGENT_CONFIG.llm.model);
    expect(placeholderOf(field('llm.model'), empty)).toBe('gpt-4o-mini');
    expect(placeholderOf(field('stt.language'), empty)).toBe('en');
    expect(placeholderOf(field('knowledgeBase.topK'), empty)).toBe(String(DEFAULT_RAG_TOP_K));
    expect(placeholderOf(field('instructions'), empty)).toBe(DEFAULT_AGENT_CONFIG.instructions);
    // No default: what happens instead.
    expect(placeholderOf(field('llm.temperature'), empty)).toBe('model default');
    expect(placeholderOf(field('greeting'), empty)).toBeUndefined();
  });

  test('a section that names its provider gets none of the default settings', () => {
    const fields = { ...configToForm({}).fields, 'llm.provider': 'anthropic' };
    expect(placeholderOf(field('llm.model'), fields)).toBe('provider default');
    expect(placeholderOf(field('llm.provider'), fields)).toBe('openai');
    expect(placeholderOf(field('stt.model'), fields)).toBe('nova-3');
  });

  test('config paths land on the field that shows them', () => {
    expect(targetOfConfigPath(['llm', 'temperature'])).toBe('llm.temperature');
    expect(targetOfConfigPath(['instructions'])).toBe('instructions');
    expect(targetOfConfigPath(['tools'])).toBe('tools');
    expect(targetOfConfigPath(['tools', '1'])).toBe('tools.1.name');
    expect(targetOfConfigPath(['tools', '1', 'parameters', 'type'])).toBe('tools.1.parameters');
    expect(targetOfConfigPath(['tools', '1', 'timeoutMs'])).toBe('config');
    expect(targetOfConfigPath(['knowledgeBase', 'documentIds', '3'])).toBe(
      'knowledgeBase.documentIds',
    );
    expect(targetOfConfigPath(['llm', 'seed'])).toBe('config');
    expect(targetOfConfigPath(['llm'])).toBe('config');
    expect(targetOfConfigPath(['routing'])).toBe('config');
    expect(targetOfInputPath(['config', 'stt', 'model'])).toBe('stt.model');
    expect(targetOfInputPath(['description'])).toBe('description');
    expect(targetOfInputPath(['expectedVersion'])).toBe('form');
    expect(targetOfInputPath([])).toBe('form');
  });

  test('the error summary names each field so it can be found', () => {
    expect(summaryLabelOf('llm.model')).toBe('LLM model');
    expect(summaryLabelOf('tts.speed')).toBe('Speed');
    expect(summaryLabelOf('tools.0.parameters')).toBe('Tool 1 parameters');
    expect(summaryLabelOf('config')).toBe('Config');
  });
});
