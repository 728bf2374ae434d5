import { DEFAULT_AGENT_CONFIG, DEFAULT_RAG_TOP_K } from '../../../shared/config-defaults.ts';

/**
 * The config fields the editor shows, in one table: the form renders from it, form values are
 * read from and written to the config by it, server and schema problems are placed by it, and its
 * placeholders come from the defaults the server's resolver applies (shared/config-defaults.ts).
 *
 * To show a new config field: add its rule to `agentConfigShapeSchema` (shared/agent.schema.ts),
 * then one row here. Everything else (unknown keys, the raw-JSON view) already handles it.
 */

/** How a value is typed in and stored. */
export type FieldKind =
  /** One line of text; stored as a string. */
  | 'text'
  /** Several lines of text; stored as a string. */
  | 'multiline'
  /** A number (`0.4`); stored as a number. */
  | 'number'
  /** A whole number; stored as a number. */
  | 'integer'
  /** One item per line; stored as a list of strings. */
  | 'lines'
  /** A checkbox; stored as `true`/`false` once changed. */
  | 'switch';

/** Where a field appears on the form (config-fields.tsx lays the groups out). */
export type FieldGroup = 'behaviour' | 'llm' | 'stt' | 'tts' | 'knowledgeBase';

export interface ConfigField {
  /** The config path joined with dots: the field's id in form values, in errors and in the DOM. */
  id: string;
  /** Where the value lives in the config (one or two keys). */
  path: readonly [string] | readonly [string, string];
  label: string;
  /** The label in the error summary, where the section's heading is not in sight. */
  summaryLabel?: string;
  kind: FieldKind;
  group: FieldGroup;
  /**
   * What a call gets while the field is empty, from the resolver's own defaults; shown as the
   * placeholder. In `llm`, `stt` and `tts` it applies only while the section names no provider
   * (naming one means "that provider's defaults", which only the worker knows).
   */
  default?: string | number;
  /** The placeholder when there is no default value: what happens instead, in a few words. */
  unset?: string;
  hint?: string;
  /** Common values offered as you type (a datalist: any other value is fine). */
  suggestions?: readonly string[];
  /** Height of a multi-line field. */
  rows?: number;
  /** Shown in a monospaced font (ids, model names). */
  mono?: boolean;
}

const { llm, stt, tts } = DEFAULT_AGENT_CONFIG;

export const CONFIG_FIELDS = [
  {
    id: 'instructions',
    path: ['instructions'],
    label: 'Instructions',
    kind: 'multiline',
    group: 'behaviour',
    default: DEFAULT_AGENT_CONFIG.instructions,
    hint: 'The system prompt: who the agent is, what it does, how it speaks.',
    rows: 12,
  },
  {
    id: 'greeting',
    path: ['greeting'],
    label: 'Greeting',
    kind: 'multiline',
    group: 'behaviour',
    hint: 'What the agent says first when a call starts. Empty: it waits for the caller to speak.',
    rows: 2,
  },
  {
    id: 'llm.provider',
    path: ['llm', 'provider'],
    label: 'Provider',
    summaryLabel: 'LLM provider',
    kind: 'text',
    group: 'llm',
    default: llm.provider,
    suggestions: ['openai', 'anthropic', 'google', 'groq', 'mistral', 'azure-openai'],
  },
  {
    id: 'llm.model',
    path: ['llm', 'model'],
    label: 'Model',
    summaryLabel: 'LLM model',
    kind: 'text',
    group: 'llm',
    default: llm.model,
    suggestions: [
      'gpt-4o-mini',
      'gpt-4.1-mini',
      'gpt-4.1',
      'claude-sonnet-4-5',
      'gemini-2.5-flash',
    ],
  },
  {
    id: 'llm.temperature',
    path: ['llm', 'temperature'],
    label: 'Temperature',
    kind: 'number',
    group: 'llm',
    unset: 'model default',
    hint: 'From 0 to 2. Lower is more predictable.',
  },
  {
    id: 'stt.provider',
    path: ['stt', 'provider'],
    label: 'STT provider',
    kind: 'text',
    group: 'stt',
    default: stt.provider,
    suggestions: ['deepgram', 'assemblyai', 'openai', 'google', 'speechmatics'],
  },
  {
    id: 'stt.model',
    path: ['stt', 'model'],
    label: 'STT model',
    kind: 'text',
    group: 'stt',
    default: stt.model,
    suggestions: ['nova-3', 'nova-2', 'whisper-1'],
  },
  {
    id: 'stt.language',
    path: ['stt', 'language'],
    label: 'Language',
    kind: 'text',
    group: 'stt',
    default: stt.language,
  },
  {
    id: 'tts.provider',
    path: ['tts', 'provider'],
    label: 'TTS provider',
    kind: 'text',
    group: 'tts',
    default: tts.provider,
    suggestions: ['cartesia', 'elevenlabs', 'openai', 'deepgram', 'google'],
  },
  {
    id: 'tts.voice',
    path: ['tts', 'voice'],
    label: 'Voice',
    kind: 'text',
    group: 'tts',
    unset: 'provider default',
  },
  {
    id: 'tts.model',
    path: ['tts', 'model'],
    label: 'TTS model',
    kind: 'text',
    group: 'tts',
    default: tts.model,
  },
  {
    id: 'tts.speed',
    path: ['tts', 'speed'],
    label: 'Speed',
    kind: 'number',
    group: 'tts',
    unset: 'voice default',
    hint: 'From 0.25 to 4; 1 is normal.',
  },
  {
    id: 'knowledgeBase.enabled',
    path: ['knowledgeBase', 'enabled'],
    label: 'Answer from the knowledge base (retrieval)',
    summaryLabel: 'Knowledge base',
    kind: 'switch',
    group: 'knowledgeBase',
  },
  {
    id: 'knowledgeBase.documentIds',
    path: ['knowledgeBase', 'documentIds'],
    label: 'Document ids',
    kind: 'lines',
    group: 'knowledgeBase',
    hint: 'One per line.',
    rows: 3,
    mono: true,
  },
  {
    id: 'knowledgeBase.topK',
    path: ['knowledgeBase', 'topK'],
    label: 'Passages per answer (top K)',
    summaryLabel: 'Top K',
    kind: 'integer',
    group: 'knowledgeBase',
    default: DEFAULT_RAG_TOP_K,
    hint: 'From 1 to 50.',
  },
] as const satisfies readonly ConfigField[];

export type ConfigFieldId = (typeof CONFIG_FIELDS)[number]['id'];

/** Sections whose defaults apply only while they name no provider (see the resolver). */
const PROVIDER_SECTIONS: ReadonlySet<string> = new Set(['llm', 'stt', 'tts']);

/** The placeholder of `field` given the form's current values: the real default, or what happens. */
export function placeholderOf(
  field: ConfigField,
  values: Readonly<Record<ConfigFieldId, string>>,
): string | undefined {
  const [section, key] = field.path;
  const providerNamed =
    key !== undefined &&
    key !== 'provider' &&
    PROVIDER_SECTIONS.has(section) &&
    (values[`${section}.provider` as ConfigFieldId] ?? '').trim() !== '';
  if (providerNamed) return 'provider default';
  return field.default !== undefined ? String(field.default) : field.unset;
}

/** A tool's own fields (the tools editor repeats them per tool). */
export const TOOL_FIELDS = [
  { key: 'name', label: 'Name' },
  { key: 'description', label: 'Description', hint: 'When the model should use it.' },
  {
    key: 'parameters',
    label: 'Parameters (JSON Schema)',
    hint: 'Optional: a JSON object describing the arguments.',
  },
] as const;

/**
 * Where problems are filed: a table field's id, `name`, `description`, `tools` (the list),
 * `tools.<index>.<key>` (one tool's field), `config` (a part of the config no field shows: the
 * raw JSON) and `form` (the request as a whole).
 */
export type ErrorTarget = string;

const BY_ID = new Map<string, ConfigField>(CONFIG_FIELDS.map((field) => [field.id, field]));

export function configFieldById(id: string): ConfigField | undefined {
  return BY_ID.get(id);
}

const isIndex = (segment: string | undefined): segment is string =>
  segment !== undefined && /^\d+$/.test(segment);

/**
 * The field that shows a problem at `path` inside the config (`['llm', 'temperature']`,
 * `['knowledgeBase', 'documentIds', '3']`, `['tools', '2', 'name']`); `config` for the rest.
 */
export function targetOfConfigPath(path: readonly string[]): ErrorTarget {
  const [first, second, third] = path;
  if (first === 'tools') {
    if (!isIndex(second)) return 'tools';
    // The tool as a whole (a string tool, a name listed twice) shows on its name.
    if (third === undefined) return `tools.${second}.name`;
    return TOOL_FIELDS.some((field) => field.key === third) ? `tools.${second}.${third}` : 'config';
  }
  for (const field of CONFIG_FIELDS) {
    const [section, key] = field.path;
    if (first === section && (key === undefined || second === key)) return field.id;
  }
  return 'config';
}

/** The field for a path of the whole request (`['config', 'llm', 'model']`, `['name']`). */
export function targetOfInputPath(path: readonly string[]): ErrorTarget {
  const [first, ...rest] = path;
  if (first === 'name' || first === 'description') return first;
  if (first === 'config') return targetOfConfigPath(rest);
  return 'form';
}

/** The words the error summary puts before a field's problems. */
export function summaryLabelOf(target: ErrorTarget): string {
  if (target === 'name') return 'Name';
  if (target === 'description') return 'Description';
  if (target === 'tools') return 'Tools';
  if (target === 'config') return 'Config';
  const [first, index, key] = target.split('.');
  if (first === 'tools' && isIndex(index)) return `Tool ${Number(index) + 1} ${key ?? ''}`;
  const field = configFieldById(target);
  return field ? (field.summaryLabel ?? field.label) : '';
}
