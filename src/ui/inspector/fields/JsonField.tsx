/**
 * Free-form JSON (payloads, headers, anything the form has no widget for): a monospace textarea that
 * commits only text that parses, and says where it does not.
 */
import { useState } from 'react';
import { resolve } from '../jsonSchema';
import { FieldShell } from '../FieldShell';
import { fieldId, type FieldProps } from '../formTypes';

const pretty = (v: unknown) => (v === undefined ? '' : JSON.stringify(v, null, 2));

export function JsonField({ ctx, path, schema: raw, label, value, fallback, required }: FieldProps) {
  const s = resolve(raw, ctx.root);
  const id = fieldId(ctx, path);
  const [text, setText] = useState<string | null>(null);
  const [localError, setLocalError] = useState<string | null>(null);
  const errors = ctx.errorsAt(path);
  const shown = text ?? pretty(value);
  const lines = Math.min(12, Math.max(2, shown.split('\n').length));

  const onChange = (t: string) => {
    setText(t);
    if (t.trim() === '') {
      setLocalError(null);
      ctx.set(path, undefined);
      return;
    }
    try {
      const v: unknown = JSON.parse(t);
      setLocalError(null);
      ctx.set(path, v);
    } catch (err) {
      setLocalError(`invalid JSON: ${err instanceof Error ? err.message : String(err)}`);
    }
  };

  return (
    <FieldShell
      id={id}
      label={label}
      hint={[s.description, 'JSON'].filter(Boolean).join(' · ')}
      modified={value !== undefined && fallback !== undefined}
      onReset={() => {
        setText(null);
        setLocalError(null);
        ctx.set(path, undefined);
      }}
      errors={errors}
      localError={localError}
    >
      <textarea
        id={id}
        className="input input--code textarea"
        value={shown}
        rows={lines}
        placeholder={fallback !== undefined ? pretty(fallback) : required ? 'required' : 'not set'}
        onChange={(e) => onChange(e.target.value)}
        onBlur={() => {
          if (!localError) setText(null);
        }}
        spellCheck={false}
        aria-invalid={errors.length > 0 || !!localError}
        aria-describedby={`${id}-hint ${id}-errors`}
      />
    </FieldShell>
  );
}
