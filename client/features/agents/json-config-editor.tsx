import { CONFIG_MAX_BYTES, formatBytes } from '../../../shared/agent.schema.ts';
import { jsonByteLength } from '../../../shared/json-guard.ts';
import { fieldDomId } from '../../components/field.tsx';
import type { JsonCheck } from './error-paths.ts';

interface JsonConfigEditorProps {
  text: string;
  check: JsonCheck;
  onChange: (text: string) => void;
  /** Problems the server or the form filed under the config as a whole. */
  errors: readonly string[] | undefined;
  /** Shown to read and select, not to edit. */
  readOnly?: boolean;
}

/**
 * The whole config as JSON, checked as you type with the shared schema (the server's own rules:
 * forbidden keys, the size limit, every field's type). Keys the form does not know live here.
 */
export function JsonConfigEditor({
  text,
  check,
  onChange,
  errors,
  readOnly = false,
}: JsonConfigEditorProps) {
  const id = fieldDomId('config');
  const bytes = check.ok ? jsonByteLength(check.config) : new TextEncoder().encode(text).length;
  return (
    <div className={`field${check.ok && !errors?.length ? '' : ' field--invalid'}`}>
      <label className="field__label" htmlFor={id}>
        Config (JSON)
      </label>
      <textarea
        id={id}
        className="input input--mono input--json"
        rows={22}
        spellCheck={false}
        autoCapitalize="off"
        autoComplete="off"
        value={text}
        readOnly={readOnly}
        aria-invalid={!check.ok || undefined}
        aria-describedby={`${id}-status ${id}-hint`}
        onChange={(event) => onChange(event.target.value)}
      />
      <p
        id={`${id}-status`}
        className={check.ok ? 'json-status json-status--ok' : 'json-status json-status--error'}
      >
        {check.ok ? (
          'Valid config'
        ) : (
          <>
            {check.path && (
              <>
                <code>{check.path}</code>:{' '}
              </>
            )}
            {check.message}
          </>
        )}
      </p>
      <p id={`${id}-hint`} className="field__hint">
        {formatBytes(bytes)} of {formatBytes(CONFIG_MAX_BYTES)}. Keys the form does not show are
        kept as they are.
      </p>
      {errors && errors.length > 0 && (
        <ul className="field__errors">
          {errors.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
