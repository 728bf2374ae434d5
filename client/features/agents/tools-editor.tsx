import { Field, fieldDomId } from '../../components/field.tsx';
import { TOOL_FIELDS } from './config-field-table.ts';
import { emptyToolDraft, type ToolDraft } from './config-form.ts';
import type { FieldErrors } from './error-paths.ts';

interface ToolsEditorProps {
  tools: readonly ToolDraft[];
  onChange: (tools: ToolDraft[]) => void;
  errors: FieldErrors;
}

const [NAME, DESCRIPTION, PARAMETERS] = TOOL_FIELDS;

/** The agent's tools: a name each, optionally a description and JSON-schema parameters. */
export function ToolsEditor({ tools, onChange, errors }: ToolsEditorProps) {
  const update = (index: number, patch: Partial<ToolDraft>) =>
    onChange(tools.map((tool, i) => (i === index ? { ...tool, ...patch } : tool)));
  const remove = (index: number) => onChange(tools.filter((_, i) => i !== index));
  const add = () => {
    const draft = emptyToolDraft();
    onChange([...tools, draft]);
    // Focus the new tool's name once it is rendered.
    requestAnimationFrame(() =>
      document.getElementById(fieldDomId(`tools.${draft.key}.name`))?.focus(),
    );
  };

  return (
    <div className="tools-editor">
      {errors.tools && (
        <ul className="field__errors" id={fieldDomId('tools')} tabIndex={-1}>
          {errors.tools.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      )}
      {tools.length === 0 ? (
        <p className="muted">No tools. The agent only talks.</p>
      ) : (
        <ol className="tools-editor__list">
          {tools.map((tool, index) => {
            const label = tool.name.trim() || `tool ${index + 1}`;
            return (
              <li key={tool.key} className="tool-card">
                <fieldset className="tool-card__fieldset">
                  <legend className="tool-card__legend">Tool {index + 1}</legend>
                  <div className="tool-card__row">
                    <Field
                      id={fieldDomId(`tools.${tool.key}.name`)}
                      label={NAME.label}
                      errors={errors[`tools.${index}.name`]}
                      className="tool-card__name"
                    >
                      {(control) => (
                        <input
                          {...control}
                          className="input input--mono"
                          value={tool.name}
                          placeholder="lookup_order"
                          autoComplete="off"
                          spellCheck={false}
                          onChange={(event) => update(index, { name: event.target.value })}
                        />
                      )}
                    </Field>
                    <button
                      type="button"
                      className="button button--ghost button--small tool-card__remove"
                      onClick={() => remove(index)}
                      aria-label={`Remove ${label}`}
                    >
                      Remove
                    </button>
                  </div>
                  <Field
                    id={fieldDomId(`tools.${tool.key}.description`)}
                    label={DESCRIPTION.label}
                    hint={DESCRIPTION.hint}
                    errors={errors[`tools.${index}.description`]}
                  >
                    {(control) => (
                      <input
                        {...control}
                        className="input"
                        value={tool.description}
                        onChange={(event) => update(index, { description: event.target.value })}
                      />
                    )}
                  </Field>
                  <Field
                    id={fieldDomId(`tools.${tool.key}.parameters`)}
                    label={PARAMETERS.label}
                    hint={PARAMETERS.hint}
                    errors={errors[`tools.${index}.parameters`]}
                  >
                    {(control) => (
                      <textarea
                        {...control}
                        className="input input--mono"
                        rows={3}
                        spellCheck={false}
                        value={tool.parameters}
                        placeholder='{"type": "object", "properties": {}}'
                        onChange={(event) => update(index, { parameters: event.target.value })}
                      />
                    )}
                  </Field>
                </fieldset>
              </li>
            );
          })}
        </ol>
      )}
      <button type="button" className="button button--small" onClick={add}>
        Add tool
      </button>
    </div>
  );
}
