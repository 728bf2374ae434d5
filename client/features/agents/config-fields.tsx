import type { ReactNode } from 'react';
import { Field, fieldDomId } from '../../components/field.tsx';
import type { ConfigFormValues } from './config-form.ts';
import type { FieldErrors } from './error-paths.ts';
import { ToolsEditor } from './tools-editor.tsx';

interface ConfigFieldsProps {
  values: ConfigFormValues;
  onChange: (patch: Partial<ConfigFormValues>) => void;
  errors: FieldErrors;
}

type TextKey = Exclude<keyof ConfigFormValues, 'tools' | 'kbEnabled'>;

const SUGGESTIONS = {
  llmProvider: ['openai', 'anthropic', 'google', 'groq', 'mistral', 'azure-openai'],
  llmModel: ['gpt-4.1-mini', 'gpt-4o-mini', 'gpt-4.1', 'claude-sonnet-4-5', 'gemini-2.5-flash'],
  sttProvider: ['deepgram', 'assemblyai', 'openai', 'google', 'speechmatics'],
  sttModel: ['nova-3', 'nova-2', 'whisper-1'],
  ttsProvider: ['cartesia', 'elevenlabs', 'openai', 'deepgram', 'google'],
} satisfies Partial<Record<TextKey, string[]>>;

/** The config's main fields, grouped the way people think about a voice agent. */
export function ConfigFields({ values, onChange, errors }: ConfigFieldsProps) {
  const text = (
    key: TextKey,
    field: string,
    label: string,
    options: {
      hint?: ReactNode;
      placeholder?: string;
      inputMode?: 'decimal' | 'numeric';
      mono?: boolean;
      list?: keyof typeof SUGGESTIONS;
    } = {},
  ) => (
    <Field id={fieldDomId(field)} label={label} hint={options.hint} errors={errors[field]}>
      {(control) => (
        <input
          {...control}
          className={`input${options.mono ? ' input--mono' : ''}`}
          value={values[key]}
          placeholder={options.placeholder}
          inputMode={options.inputMode}
          list={options.list ? `suggest-${options.list}` : undefined}
          autoComplete="off"
          spellCheck={false}
          onChange={(event) => onChange({ [key]: event.target.value })}
        />
      )}
    </Field>
  );

  return (
    <>
      {Object.entries(SUGGESTIONS).map(([key, options]) => (
        <datalist key={key} id={`suggest-${key}`}>
          {options.map((option) => (
            <option key={option} value={option} />
          ))}
        </datalist>
      ))}

      <section className="form-section" aria-labelledby="section-behaviour">
        <h2 className="form-section__title" id="section-behaviour">
          Behaviour
        </h2>
        <Field
          id={fieldDomId('instructions')}
          label="Instructions"
          hint="The system prompt: who the agent is, what it does, how it speaks."
          errors={errors.instructions}
        >
          {(control) => (
            <textarea
              {...control}
              className="input input--instructions"
              rows={12}
              value={values.instructions}
              placeholder="You are a friendly receptionist for Acme Dental. Keep answers short…"
              onChange={(event) => onChange({ instructions: event.target.value })}
            />
          )}
        </Field>
        <Field
          id={fieldDomId('greeting')}
          label="Greeting"
          hint="What the agent says first when a call starts."
          errors={errors.greeting}
        >
          {(control) => (
            <textarea
              {...control}
              className="input"
              rows={2}
              value={values.greeting}
              placeholder="Hi! How can I help you today?"
              onChange={(event) => onChange({ greeting: event.target.value })}
            />
          )}
        </Field>
      </section>

      <section className="form-section" aria-labelledby="section-llm">
        <h2 className="form-section__title" id="section-llm">
          Language model
        </h2>
        <div className="field-grid">
          {text('llmProvider', 'llm.provider', 'Provider', {
            placeholder: 'openai',
            list: 'llmProvider',
          })}
          {text('llmModel', 'llm.model', 'Model', {
            placeholder: 'gpt-4.1-mini',
            list: 'llmModel',
          })}
          {text('llmTemperature', 'llm.temperature', 'Temperature', {
            hint: 'From 0 to 2. Lower is more predictable.',
            placeholder: '0.7',
            inputMode: 'decimal',
          })}
        </div>
      </section>

      <section className="form-section" aria-labelledby="section-speech">
        <h2 className="form-section__title" id="section-speech">
          Speech
        </h2>
        <h3 className="form-section__subtitle">Speech to text</h3>
        <div className="field-grid">
          {text('sttProvider', 'stt.provider', 'STT provider', {
            placeholder: 'deepgram',
            list: 'sttProvider',
          })}
          {text('sttModel', 'stt.model', 'STT model', { placeholder: 'nova-3', list: 'sttModel' })}
          {text('sttLanguage', 'stt.language', 'Language', { placeholder: 'en-US' })}
        </div>
        <h3 className="form-section__subtitle">Text to speech</h3>
        <div className="field-grid">
          {text('ttsProvider', 'tts.provider', 'TTS provider', {
            placeholder: 'cartesia',
            list: 'ttsProvider',
          })}
          {text('ttsVoice', 'tts.voice', 'Voice', { placeholder: 'a voice id or name' })}
          {text('ttsModel', 'tts.model', 'TTS model', { placeholder: 'sonic-2' })}
          {text('ttsSpeed', 'tts.speed', 'Speed', {
            hint: 'From 0.25 to 4; 1 is normal.',
            placeholder: '1',
            inputMode: 'decimal',
          })}
        </div>
      </section>

      <section className="form-section" aria-labelledby="section-tools">
        <h2 className="form-section__title" id="section-tools">
          Tools
        </h2>
        <ToolsEditor
          tools={values.tools}
          onChange={(tools) => onChange({ tools })}
          errors={errors}
        />
      </section>

      <section className="form-section" aria-labelledby="section-kb">
        <h2 className="form-section__title" id="section-kb">
          Knowledge base
        </h2>
        <div className="checkbox-field">
          <input
            id={fieldDomId('knowledgeBase.enabled')}
            type="checkbox"
            checked={values.kbEnabled}
            onChange={(event) => onChange({ kbEnabled: event.target.checked })}
          />
          <label htmlFor={fieldDomId('knowledgeBase.enabled')}>
            Answer from the knowledge base (retrieval)
          </label>
        </div>
        {errors['knowledgeBase.enabled'] && (
          <ul className="field__errors">
            {errors['knowledgeBase.enabled'].map((message) => (
              <li key={message}>{message}</li>
            ))}
          </ul>
        )}
        <div className="field-grid field-grid--kb">
          <Field
            id={fieldDomId('knowledgeBase.documentIds')}
            label="Document ids"
            hint="One per line."
            errors={errors['knowledgeBase.documentIds']}
          >
            {(control) => (
              <textarea
                {...control}
                className="input input--mono"
                rows={3}
                spellCheck={false}
                value={values.kbDocumentIds}
                onChange={(event) => onChange({ kbDocumentIds: event.target.value })}
              />
            )}
          </Field>
          {text('kbTopK', 'knowledgeBase.topK', 'Passages per answer (top K)', {
            hint: 'From 1 to 50.',
            placeholder: '4',
            inputMode: 'numeric',
          })}
        </div>
      </section>
    </>
  );
}
