/** A yes/no switch (a checkbox). */
import { resolve } from '../jsonSchema';
import { FieldErrors } from '../FieldShell';
import { fieldId, type FieldProps } from '../formTypes';

export function BooleanField({ ctx, path, schema: raw, label, value, fallback }: FieldProps) {
  const s = resolve(raw, ctx.root);
  const id = fieldId(ctx, path);
  const errors = ctx.errorsAt(path);
  const checked = value === undefined ? fallback === true : value === true;
  return (
    <div className={`field field--check ${errors.length ? 'is-invalid' : ''}`}>
      <label className="check" htmlFor={id}>
        <input id={id} type="checkbox" checked={checked} onChange={(e) => ctx.set(path, e.target.checked)} aria-describedby={`${id}-hint`} />
        <span className="check__box" aria-hidden="true" />
        <span className="check__label">{label}</span>
      </label>
      {s.description && (
        <p className="field__hint" id={`${id}-hint`}>
          {s.description}
        </p>
      )}
      <FieldErrors id={`${id}-errors`} errors={errors} />
    </div>
  );
}
