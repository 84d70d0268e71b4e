/** The frame of one field: label, control, unit, hint, and its validation errors (as the runner prints them). */
import type { ReactNode } from 'react';
import type { ValidationError } from '../../model/errors';

export function FieldErrors({ id, errors, local }: { id: string; errors: readonly ValidationError[]; local?: string | null }) {
  if (!errors.length && !local) return null;
  return (
    <ul className="field__errors" id={id} role="alert">
      {local && <li>{local}</li>}
      {errors.map((e, i) => (
        <li key={i}>
          <span className="field__code">{e.code}</span> {e.message}
        </li>
      ))}
    </ul>
  );
}

export function FieldShell(props: {
  id: string;
  label: string;
  hint?: string;
  modified?: boolean;
  onReset?: () => void;
  errors: readonly ValidationError[];
  localError?: string | null;
  children: ReactNode;
  inline?: boolean;
}) {
  const { id, label, hint, modified, onReset, errors, localError, children, inline } = props;
  return (
    <div className={`field ${inline ? 'field--inline' : ''} ${errors.length || localError ? 'is-invalid' : ''}`}>
      <div className="field__label-row">
        <label className="field__label" htmlFor={id}>
          {label}
        </label>
        {modified && onReset && (
          <button type="button" className="field__reset" onClick={onReset} aria-label={`Reset ${label} to its default`} title="Reset to default">
            reset
          </button>
        )}
      </div>
      {children}
      {hint && (
        <p className="field__hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      <FieldErrors id={`${id}-errors`} errors={errors} local={localError} />
    </div>
  );
}
