/** Small building blocks of the inspector: a labelled text input, a problem list, a section. */
import { useState, type ReactNode } from 'react';
import { formatError, type ValidationError } from '../../model/errors';

/** A text input that keeps what is typed locally and commits every change. */
export function TextInput(props: {
  id: string;
  label: string;
  value: string;
  placeholder?: string;
  onChange(v: string): void;
  multiline?: boolean;
  maxLength?: number;
  errors?: readonly ValidationError[];
}) {
  const { id, label, value, placeholder, onChange, multiline, maxLength, errors = [] } = props;
  const [text, setText] = useState<string | null>(null);
  const shown = text ?? value;
  const change = (v: string) => {
    setText(v);
    onChange(v);
  };
  return (
    <div className={`field ${errors.length ? 'is-invalid' : ''}`}>
      <div className="field__label-row">
        <label className="field__label" htmlFor={id}>
          {label}
        </label>
      </div>
      {multiline ? (
        <textarea
          id={id}
          className="input textarea"
          rows={3}
          value={shown}
          placeholder={placeholder}
          maxLength={maxLength}
          onChange={(e) => change(e.target.value)}
          onBlur={() => setText(null)}
        />
      ) : (
        <input
          id={id}
          className="input"
          type="text"
          value={shown}
          placeholder={placeholder}
          maxLength={maxLength}
          onChange={(e) => change(e.target.value)}
          onBlur={() => setText(null)}
          autoComplete="off"
          aria-invalid={errors.length > 0}
        />
      )}
      {errors.length > 0 && (
        <ul className="field__errors" role="alert">
          {errors.map((e, i) => (
            <li key={i}>
              <span className="field__code">{e.code}</span> {e.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** The problems of the inspected element, formatted as the runner prints them. */
export function ProblemList({ errors, title = 'Problems', onPick }: { errors: readonly ValidationError[]; title?: string; onPick?: (e: ValidationError) => void }) {
  if (!errors.length) return null;
  return (
    <section className="problems" aria-label={title}>
      <h3 className="problems__title">
        <span className="problems__dot" aria-hidden="true" />
        {errors.length} {errors.length === 1 ? 'problem' : 'problems'}
      </h3>
      <ul className="problems__list">
        {errors.map((e, i) => (
          <li key={i}>
            {onPick ? (
              <button type="button" className="problems__item" onClick={() => onPick(e)}>
                {formatError(e)}
              </button>
            ) : (
              <span className="problems__item">{formatError(e)}</span>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** A titled section. */
export function Section({ title, children, aside }: { title: string; children: ReactNode; aside?: ReactNode }) {
  return (
    <section className="inspector__section">
      <div className="inspector__section-head">
        <h3 className="inspector__section-title">{title}</h3>
        {aside}
      </div>
      {children}
    </section>
  );
}
