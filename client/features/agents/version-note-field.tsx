import { VERSION_NOTE_MAX_LENGTH } from '../../../shared/agent-version.schema.ts';
import { Field } from '../../components/field.tsx';

/** A version's optional note ("why this change"), as the publish and restore dialogs ask for it. */
export function VersionNoteField({
  id,
  hint,
  value,
  onChange,
}: {
  id: string;
  hint: string;
  value: string;
  onChange: (note: string) => void;
}) {
  return (
    <Field id={id} label="Note" hint={hint}>
      {(control) => (
        <textarea
          {...control}
          className="input"
          rows={2}
          maxLength={VERSION_NOTE_MAX_LENGTH}
          value={value}
          onChange={(event) => onChange(event.target.value)}
        />
      )}
    </Field>
  );
}
