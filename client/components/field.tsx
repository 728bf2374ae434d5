import type { ReactNode } from 'react';

/** Props a control needs to be labelled and to announce its hint and error. */
export interface ControlProps {
  id: string;
  'aria-invalid': boolean | undefined;
  'aria-describedby': string | undefined;
}

interface FieldProps {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  errors?: readonly string[] | undefined;
  /** Marks the label; the control itself gets `required` from its caller. */
  required?: boolean;
  className?: string;
  children: (control: ControlProps) => ReactNode;
}

/** A label, the control, a hint and the field's errors, wired together for assistive tech. */
export function Field({ id, label, hint, errors, required, className, children }: FieldProps) {
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = errors?.length ? `${id}-error` : undefined;
  const describedBy = [errorId, hintId].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${errorId ? ' field--invalid' : ''}${className ? ` ${className}` : ''}`}>
      <label className="field__label" htmlFor={id}>
        {label}
        {required && (
          <span className="field__required" aria-hidden="true">
            {' '}
            *
          </span>
        )}
      </label>
      {children({
        id,
        'aria-invalid': errorId ? true : undefined,
        'aria-describedby': describedBy,
      })}
      {hint && (
        <p className="field__hint" id={hintId}>
          {hint}
        </p>
      )}
      {errorId && (
        <ul className="field__errors" id={errorId}>
          {errors?.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Turns a field id such as `llm.temperature` into a DOM id. */
export function fieldDomId(field: string): string {
  return `field-${field.replace(/[^a-zA-Z0-9_-]/g, '-')}`;
}
