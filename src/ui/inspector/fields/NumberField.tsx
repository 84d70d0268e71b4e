/** A number with its unit; empty means "use the default" (shown as the placeholder). Arrow keys step. */
import { useState, type KeyboardEvent } from 'react';
import { boundsText, resolve, unwrapNullable } from '../jsonSchema';
import { FieldShell } from '../FieldShell';
import { fieldId, type FieldProps } from '../formTypes';

const format = (v: unknown) => (typeof v === 'number' ? String(v) : '');

export function NumberField({ ctx, path, schema: raw, label, value, fallback, required }: FieldProps) {
  const s = unwrapNullable(resolve(raw, ctx.root), ctx.root);
  const integer = s.type === 'integer';
  const id = fieldId(ctx, path);
  const [text, setText] = useState<string | null>(null); // non-null while the user is typing
  const [localError, setLocalError] = useState<string | null>(null);
  const errors = ctx.errorsAt(path);
  const shown = text ?? format(value);

  const commit = (t: string) => {
    setText(t);
    const trimmed = t.trim();
    if (trimmed === '') {
      setLocalError(required ? 'a value is required' : null);
      ctx.set(path, undefined);
      return;
    }
    const n = Number(trimmed);
    if (!Number.isFinite(n)) {
      setLocalError('not a number');
      return;
    }
    setLocalError(null);
    ctx.set(path, n);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key !== 'ArrowUp' && e.key !== 'ArrowDown') return;
    e.preventDefault();
    const base = typeof value === 'number' ? value : typeof fallback === 'number' ? fallback : 0;
    const step = (integer ? 1 : Math.abs(base) >= 10 ? 1 : 0.1) * (e.shiftKey ? 10 : 1) * (e.key === 'ArrowUp' ? 1 : -1);
    const next = +(base + step).toFixed(6);
    setText(String(next));
    commit(String(next));
  };

  const bounds = boundsText(s);
  const hint = [s.description, bounds ? `${integer ? 'whole number ' : ''}${bounds}` : integer ? 'whole number' : ''].filter(Boolean).join(' · ');
  return (
    <FieldShell id={id} label={label} hint={hint} modified={value !== undefined && fallback !== undefined} onReset={() => commit('')} errors={errors} localError={localError}>
      <div className={`input-wrap ${s.unit ? 'has-unit' : ''}`}>
        <input
          id={id}
          className="input input--number"
          type="text"
          inputMode={integer ? 'numeric' : 'decimal'}
          value={shown}
          placeholder={fallback !== undefined ? String(fallback) : required ? 'required' : 'not set'}
          onChange={(e) => commit(e.target.value)}
          onBlur={() => setText(null)}
          onKeyDown={onKeyDown}
          aria-invalid={errors.length > 0 || !!localError}
          aria-describedby={`${id}-hint ${id}-errors`}
          autoComplete="off"
          spellCheck={false}
        />
        {s.unit && <span className="input-unit">{s.unit}</span>}
      </div>
    </FieldShell>
  );
}
