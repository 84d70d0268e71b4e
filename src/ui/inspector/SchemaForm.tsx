/**
 * A form generated from a JSON Schema: numbers with units, selects for enums, checkboxes, nested objects
 * as fieldsets, distributions with a density preview, message templates, arrays of objects as editable
 * lists, expressions in monospace, and JSON for the rest. The edited value stays as written: a field left
 * alone is not written, and shows its default as a placeholder.
 */
import { useId } from 'react';
import type { ValidationError } from '../../model/errors';
import { getIn, setIn, type FieldPath } from '../../state/graphEdits';
import { Icon } from '../shell/Icon';
import { BooleanField } from './fields/BooleanField';
import { EnumField } from './fields/EnumField';
import { JsonField } from './fields/JsonField';
import { NumberField } from './fields/NumberField';
import { TextField } from './fields/TextField';
import { VariantField } from './fields/VariantField';
import { FieldErrors } from './FieldShell';
import { fieldId, type FieldContext, type FieldProps } from './formTypes';
import { defaultValue, fieldKind, labelOf, resolve, type JsonSchema } from './jsonSchema';

/** One property, by its kind. */
export function Field(props: FieldProps) {
  switch (fieldKind(props.schema, props.ctx.root)) {
    case 'number':
    case 'integer':
      return <NumberField {...props} />;
    case 'string':
    case 'expression':
      return <TextField {...props} />;
    case 'enum':
      return <EnumField {...props} />;
    case 'boolean':
      return <BooleanField {...props} />;
    case 'distribution':
    case 'variant':
      return <VariantField {...props} />;
    case 'object':
      return <ObjectField {...props} />;
    case 'array':
      return <ArrayField {...props} />;
    case 'const':
      return (
        <div className="field">
          <span className="field__label">{props.label}</span>
          <code className="field__const">{JSON.stringify(resolve(props.schema, props.ctx.root).const)}</code>
        </div>
      );
    default:
      return <JsonField {...props} />;
  }
}

/** The properties of an object schema, each as a field. */
function Properties({ ctx, path, schema, value, fallback }: { ctx: FieldContext; path: FieldPath; schema: JsonSchema; value: unknown; fallback: unknown }) {
  const props = Object.entries(schema.properties ?? {});
  return (
    <>
      {props.map(([key, p]) => {
        const child = resolve(p, ctx.root);
        const own = child.default;
        return (
          <Field
            key={key}
            ctx={ctx}
            path={[...path, key]}
            schema={p}
            label={labelOf(key, child)}
            value={getIn(value, [key])}
            fallback={own !== undefined ? own : getIn(fallback, [key])}
            required={(schema.required ?? []).includes(key) && own === undefined}
          />
        );
      })}
    </>
  );
}

/** A nested object, as a fieldset. */
function ObjectField({ ctx, path, schema: raw, label, value, fallback }: FieldProps) {
  const s = resolve(raw, ctx.root);
  const legendId = useId();
  const errors = ctx.errorsAt(path);
  // When nothing is written yet, start from the default if some field has no default of its own.
  const needsBase = Object.entries(s.properties ?? {}).some(([, p]) => resolve(p, ctx.root).default === undefined);
  const innerCtx: FieldContext =
    value === undefined && fallback && typeof fallback === 'object' && needsBase
      ? { ...ctx, set: (p, v) => ctx.set(path, setIn(structuredClone(fallback), p.slice(path.length), v)) }
      : ctx;
  return (
    <fieldset className={`fieldset ${s.widget === 'message' ? 'fieldset--message' : ''} ${errors.length ? 'is-invalid' : ''}`} aria-labelledby={legendId}>
      <legend id={legendId} className="fieldset__legend">
        {label}
        {value !== undefined && fallback !== undefined && (
          <button type="button" className="field__reset" onClick={() => ctx.set(path, undefined)} aria-label={`Reset ${label} to its default`}>
            reset
          </button>
        )}
      </legend>
      {s.description && <p className="field__hint">{s.description}</p>}
      <Properties ctx={innerCtx} path={path} schema={s} value={value} fallback={fallback} />
      <FieldErrors id={`${fieldId(ctx, path)}-errors`} errors={errors} />
    </fieldset>
  );
}

/** An array (rules, recipients, …) as an editable list; every change writes the whole array. */
function ArrayField({ ctx, path, schema: raw, label, value, fallback }: FieldProps) {
  const s = resolve(raw, ctx.root);
  const legendId = useId();
  const items = (Array.isArray(value) ? value : Array.isArray(fallback) ? fallback : []) as unknown[];
  const itemSchema = resolve(s.items, ctx.root);
  const errors = ctx.errorsAt(path);
  const write = (next: unknown[]) => ctx.set(path, next);
  const itemCtx: FieldContext = { ...ctx, set: (p, v) => write(setIn(items, p.slice(path.length), v) as unknown[]) };
  const canAdd = s.maxItems === undefined || items.length < s.maxItems;
  const move = (i: number, d: number) => {
    const next = [...items];
    [next[i], next[i + d]] = [next[i + d], next[i]];
    write(next);
  };
  const itemLabel = (i: number) => {
    const it = items[i] as Record<string, unknown> | undefined;
    const name = it && typeof it === 'object' && typeof it.name === 'string' && it.name ? it.name : `#${i + 1}`;
    return `${label} ${name}`;
  };
  return (
    <fieldset className={`fieldset fieldset--array ${errors.length ? 'is-invalid' : ''}`} aria-labelledby={legendId}>
      <legend id={legendId} className="fieldset__legend">
        {label} <span className="fieldset__count">{items.length}</span>
        {value !== undefined && fallback !== undefined && (
          <button type="button" className="field__reset" onClick={() => ctx.set(path, undefined)} aria-label={`Reset ${label} to its default`}>
            reset
          </button>
        )}
      </legend>
      {s.description && <p className="field__hint">{s.description}</p>}
      <ol className="array-items">
        {items.map((item, i) => (
          <li key={i} className="array-item">
            <div className="array-item__bar">
              <span className="array-item__index">{i + 1}</span>
              <span className="array-item__spacer" />
              <button type="button" className="icon-button icon-button--small" onClick={() => move(i, -1)} disabled={i === 0} aria-label={`Move ${itemLabel(i)} up`}>
                <Icon name="up" size={14} />
              </button>
              <button
                type="button"
                className="icon-button icon-button--small"
                onClick={() => move(i, 1)}
                disabled={i === items.length - 1}
                aria-label={`Move ${itemLabel(i)} down`}
              >
                <Icon name="down" size={14} />
              </button>
              <button
                type="button"
                className="icon-button icon-button--small icon-button--danger"
                onClick={() => write(items.filter((_, j) => j !== i))}
                aria-label={`Remove ${itemLabel(i)}`}
              >
                <Icon name="trash" size={14} />
              </button>
            </div>
            {itemSchema.type === 'object' && itemSchema.properties ? (
              <Properties ctx={itemCtx} path={[...path, i]} schema={itemSchema} value={item} fallback={undefined} />
            ) : (
              <Field ctx={itemCtx} path={[...path, i]} schema={s.items ?? {}} label={`Item ${i + 1}`} value={item} fallback={undefined} required />
            )}
          </li>
        ))}
      </ol>
      <button type="button" className="button button--small" onClick={() => write([...items, defaultValue(s.items ?? {}, ctx.root)])} disabled={!canAdd}>
        <Icon name="plus" size={14} /> Add {label.toLowerCase().replace(/s?\s*\(.*\)$/, '').replace(/s$/, '')}
      </button>
      <FieldErrors id={`${fieldId(ctx, path)}-errors`} errors={errors} />
    </fieldset>
  );
}

/** A whole form for an object schema. */
export function SchemaForm(props: {
  schema: JsonSchema;
  value: Record<string, unknown> | undefined;
  errors: readonly ValidationError[];
  /** The error path of the edited object (`nodes[3].config`). */
  errorPath: string;
  onChange(path: FieldPath, value: unknown): void;
  idBase: string;
}) {
  const { schema, value, errors, errorPath, onChange, idBase } = props;
  const root = schema;
  const ctx: FieldContext = {
    root,
    idBase,
    renderField: (p) => <Field key={p.path.join('.')} {...p} />,
    set: onChange,
    errorsAt: (path) => {
      let p = errorPath;
      for (const seg of path) p += typeof seg === 'number' ? `[${seg}]` : (p ? '.' : '') + seg;
      return errors.filter((e) => e.path === p);
    },
  };
  if (!schema.properties) {
    return <Field ctx={ctx} path={[]} schema={schema} label="Config (JSON)" value={value} fallback={undefined} required={false} />;
  }
  if (Object.keys(schema.properties).length === 0) return <p className="inspector__muted">This pattern has no settings.</p>;
  return (
    <div className="schema-form">
      <Properties ctx={ctx} path={[]} schema={schema} value={value} fallback={undefined} />
    </div>
  );
}
