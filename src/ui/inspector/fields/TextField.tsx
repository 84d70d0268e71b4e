/** A string; expressions get a monospace input. Empty means "use the default" when there is one. */
import { useState } from 'react';
import { resolve, unwrapNullable } from '../jsonSchema';
import { FieldShell } from '../FieldShell';
import { fieldId, type FieldProps } from '../formTypes';

export function TextField({ ctx, path, schema: raw, label, value, fallback, required }: FieldProps) {
  const s = unwrapNullable(resolve(raw, ctx.root), ctx.root);
  const id = fieldId(ctx, path);
  const expression = s.widget === 'expression';
  const [text, setText] = useState<string | null>(null);
  const errors = ctx.errorsAt(path);
  const shown = text ?? (typeof value === 'string' ? value : '');
  const onChange = (t: string) => {
    setText(t);
    ctx.set(path, t === '' && !required ? undefined : t);
  };
  const hint = [s.description, expression ? 'expression (docs/expressions.md)' : ''].filter(Boolean).join(' · ');
  return (
    <FieldShell id={id} label={label} hint={hint} modified={value !== undefined && fallback !== undefined} onReset={() => onChange('')} errors={errors}>
      <input
        id={id}
        className={`input ${expression ? 'input--code' : ''}`}
        type="text"
        value={shown}
        placeholder={typeof fallback === 'string' ? fallback : required ? 'required' : 'not set'}
        maxLength={s.maxLength}
        onChange={(e) => onChange(e.target.value)}
        onBlur={() => setText(null)}
        aria-invalid={errors.length > 0}
        aria-describedby={`${id}-hint ${id}-errors`}
        spellCheck={!expression}
        autoComplete="off"
      />
    </FieldShell>
  );
}
