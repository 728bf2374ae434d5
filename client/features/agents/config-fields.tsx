import { Fragment } from 'react';
import { Field, fieldDomId } from '../../components/field.tsx';
import {
  CONFIG_FIELDS,
  placeholderOf,
  type ConfigField,
  type ConfigFieldId,
  type FieldGroup,
} from './config-field-table.ts';
import type { ConfigFormValues, ToolDraft } from './config-form.ts';
import type { FieldErrors } from './error-paths.ts';
import { ToolsEditor } from './tools-editor.tsx';

interface ConfigFieldsProps {
  values: ConfigFormValues;
  onFieldChange: (id: ConfigFieldId, text: string) => void;
  onToolsChange: (tools: ToolDraft[]) => void;
  errors: FieldErrors;
}

interface Section {
  /** For the heading's id (`section-<id>`). */
  id: string;
  title: string;
  /** The table's groups in this section, each a grid of fields; none for the tools. */
  groups: readonly { group: FieldGroup; subtitle?: string; gridClass?: string }[];
}

/** How the table's groups are laid out: grouped the way people think about a voice agent. */
const SECTIONS: readonly Section[] = [
  { id: 'behaviour', title: 'Behaviour', groups: [{ group: 'behaviour' }] },
  { id: 'llm', title: 'Language model', groups: [{ group: 'llm', gridClass: 'field-grid' }] },
  {
    id: 'speech',
    title: 'Speech',
    groups: [
      { group: 'stt', subtitle: 'Speech to text', gridClass: 'field-grid' },
      { group: 'tts', subtitle: 'Text to speech', gridClass: 'field-grid' },
    ],
  },
  { id: 'tools', title: 'Tools', groups: [] },
  {
    id: 'kb',
    title: 'Knowledge base',
    groups: [{ group: 'knowledgeBase', gridClass: 'field-grid field-grid--kb' }],
  },
];

const fieldsOf = (group: FieldGroup): readonly ConfigField[] =>
  CONFIG_FIELDS.filter((field) => field.group === group);

const withSuggestions: readonly ConfigField[] = CONFIG_FIELDS.filter(
  (field: ConfigField) => field.suggestions !== undefined,
);
const suggestionsId = (field: ConfigField) => `suggest-${field.id.replace(/\W/g, '-')}`;

/** The config's fields, rendered from the table (config-field-table.ts). */
export function ConfigFields({ values, onFieldChange, onToolsChange, errors }: ConfigFieldsProps) {
  const input = (field: ConfigField) => {
    const id = field.id as ConfigFieldId;
    const value = values.fields[id];
    const domId = fieldDomId(field.id);
    if (field.kind === 'switch') {
      return (
        <div key={field.id}>
          <div className="checkbox-field">
            <input
              id={domId}
              type="checkbox"
              checked={value === 'true'}
              aria-invalid={errors[field.id] ? true : undefined}
              onChange={(event) => onFieldChange(id, event.target.checked ? 'true' : '')}
            />
            <label htmlFor={domId}>{field.label}</label>
          </div>
          {errors[field.id] && (
            <ul className="field__errors">
              {errors[field.id]?.map((message) => (
                <li key={message}>{message}</li>
              ))}
            </ul>
          )}
        </div>
      );
    }
    const placeholder = placeholderOf(field, values.fields);
    return (
      <Field
        key={field.id}
        id={domId}
        label={field.label}
        hint={field.hint}
        errors={errors[field.id]}
      >
        {(control) =>
          field.kind === 'multiline' || field.kind === 'lines' ? (
            <textarea
              {...control}
              className={`input${field.mono || field.kind === 'lines' ? ' input--mono' : ''}${field.id === 'instructions' ? ' input--instructions' : ''}`}
              rows={field.rows ?? 3}
              spellCheck={field.kind === 'multiline'}
              value={value}
              placeholder={placeholder}
              onChange={(event) => onFieldChange(id, event.target.value)}
            />
          ) : (
            <input
              {...control}
              className={`input${field.mono ? ' input--mono' : ''}`}
              value={value}
              placeholder={placeholder}
              inputMode={
                field.kind === 'number'
                  ? 'decimal'
                  : field.kind === 'integer'
                    ? 'numeric'
                    : undefined
              }
              list={field.suggestions ? suggestionsId(field) : undefined}
              autoComplete="off"
              spellCheck={false}
              onChange={(event) => onFieldChange(id, event.target.value)}
            />
          )
        }
      </Field>
    );
  };

  return (
    <>
      {withSuggestions.map((field) => (
        <datalist key={field.id} id={suggestionsId(field)}>
          {field.suggestions?.map((option) => (
            <option key={option} value={option} />
          ))}
        </datalist>
      ))}

      {SECTIONS.map((section) => (
        <section
          key={section.id}
          className="form-section"
          aria-labelledby={`section-${section.id}`}
        >
          <h2 className="form-section__title" id={`section-${section.id}`}>
            {section.title}
          </h2>
          {section.id === 'tools' ? (
            <ToolsEditor tools={values.tools} onChange={onToolsChange} errors={errors} />
          ) : (
            section.groups.map(({ group, subtitle, gridClass }) => {
              const fields = fieldsOf(group);
              const switches = fields.filter((field) => field.kind === 'switch');
              const others = fields.filter((field) => field.kind !== 'switch');
              return (
                <Fragment key={group}>
                  {subtitle && <h3 className="form-section__subtitle">{subtitle}</h3>}
                  {switches.map(input)}
                  {gridClass ? (
                    <div className={gridClass}>{others.map(input)}</div>
                  ) : (
                    others.map(input)
                  )}
                </Fragment>
              );
            })
          )}
        </section>
      ))}
    </>
  );
}
