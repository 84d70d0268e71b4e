/** A choice: a select, or — for message kinds — three buttons showing the kind's colour and shape. */
import type { MessageKind } from '../../../model/message';
import { MESSAGE_KIND_TOKENS, MessageKindIcon, isMessageKind } from '../../messageKinds';
import { resolve, unwrapNullable } from '../jsonSchema';
import { FieldShell } from '../FieldShell';
import { fieldId, type FieldProps } from '../formTypes';

export function EnumField({ ctx, path, schema: raw, label, value, fallback, required }: FieldProps) {
  const s = unwrapNullable(resolve(raw, ctx.root), ctx.root);
  const id = fieldId(ctx, path);
  const options = (s.enum ?? []).filter((o): o is string | number => typeof o === 'string' || typeof o === 'number');
  const errors = ctx.errorsAt(path);
  const current = value ?? fallback;
  const modified = value !== undefined && fallback !== undefined;

  if (options.length === 3 && options.every(isMessageKind)) {
    return (
      <FieldShell id={id} label={label} hint={s.description} modified={modified} onReset={() => ctx.set(path, undefined)} errors={errors}>
        <div className="segmented" role="radiogroup" aria-labelledby={`${id}-label`} id={id}>
          <span id={`${id}-label`} className="visually-hidden">
            {label}
          </span>
          {(options as MessageKind[]).map((k) => (
            <button
              key={k}
              type="button"
              role="radio"
              aria-checked={current === k}
              className={`segmented__option ${current === k ? 'is-active' : ''}`}
              onClick={() => ctx.set(path, k)}
              title={`${MESSAGE_KIND_TOKENS[k].label}: ${MESSAGE_KIND_TOKENS[k].meaning}`}
            >
              <MessageKindIcon kind={k} size={11} />
              {MESSAGE_KIND_TOKENS[k].label}
            </button>
          ))}
        </div>
      </FieldShell>
    );
  }

  return (
    <FieldShell id={id} label={label} hint={s.description} modified={modified} onReset={() => ctx.set(path, undefined)} errors={errors}>
      <select
        id={id}
        className="input select"
        value={current === undefined ? '' : String(current)}
        onChange={(e) => {
          const v = e.target.value;
          if (v === '') ctx.set(path, undefined);
          else ctx.set(path, options.find((o) => String(o) === v));
        }}
        aria-invalid={errors.length > 0}
        aria-describedby={`${id}-hint ${id}-errors`}
      >
        {(current === undefined || (!required && fallback === undefined)) && <option value="">{required ? 'choose…' : 'not set'}</option>}
        {options.map((o) => (
          <option key={String(o)} value={String(o)}>
            {String(o)}
            {o === fallback ? ' (default)' : ''}
          </option>
        ))}
      </select>
    </FieldShell>
  );
}
