/**
 * A tagged union (`oneOf` of objects with a `const` tag such as `dist` or `op`): a select for the tag and
 * the chosen alternative's fields. Writes whole values, since every alternative needs its tag. Distributions
 * (`widget: 'distribution'`) also show a preview of their density and keep their mean across shapes.
 */
import { useId } from 'react';
import { setIn } from '../../../state/graphEdits';
import { defaultValue, humanize, resolve, variantsOf, type JsonSchema } from '../jsonSchema';
import { FieldErrors } from '../FieldShell';
import { fieldId, type FieldContext, type FieldProps } from '../formTypes';
import { DistributionPreview } from './DistributionPreview';

type Obj = Record<string, unknown>;

/** Parameters for a new distribution shape, keeping the current mean where it makes sense. */
function switchDistribution(dist: string, current: Obj): Obj | null {
  const num = (k: string) => (typeof current[k] === 'number' ? (current[k] as number) : undefined);
  const lo = num('min');
  const hi = num('max');
  const mean = num('mean') ?? num('value') ?? (lo !== undefined && hi !== undefined ? (lo + hi) / 2 : 10);
  switch (dist) {
    case 'constant':
      return { dist, value: mean };
    case 'exponential':
      return { dist, mean: mean > 0 ? mean : 10 };
    case 'uniform':
      return { dist, min: 0, max: +(mean * 2).toFixed(6) };
    case 'normal':
      return { dist, mean, stddev: +(mean / 4).toFixed(6) };
    case 'lognormal':
      return { dist, mean: mean > 0 ? mean : 10, stddev: +(mean / 2).toFixed(6) };
    default:
      return null;
  }
}

/** A new value of another alternative: its defaults, keeping same-named values of the current one. */
function switchTo(key: string, tag: string, variant: JsonSchema, current: Obj, root: JsonSchema): Obj {
  const fresh = defaultValue({ ...variant, default: undefined }, root) as Obj;
  const out: Obj = { [key]: tag };
  for (const k of Object.keys(variant.properties ?? {})) {
    if (k === key) continue;
    if (current[k] !== undefined && typeof current[k] === typeof fresh[k]) out[k] = current[k];
    else if (fresh[k] !== undefined) out[k] = fresh[k];
  }
  return out;
}

export function VariantField({ ctx, path, schema: raw, label, value, fallback }: FieldProps) {
  const s = resolve(raw, ctx.root);
  const id = fieldId(ctx, path);
  const legendId = useId();
  const union = variantsOf(s, ctx.root);
  const isDistribution = s.widget === 'distribution';
  const key = union?.key ?? 'type';
  const variants = union?.variants ?? [];
  const current = (value ?? fallback ?? (variants[0] ? switchTo(key, variants[0].tag, variants[0].schema, {}, ctx.root) : {})) as Obj;
  const variant = variants.find((v) => v.tag === current[key]);
  const errors = ctx.errorsAt(path);
  // The parameters are edited inside the whole value: a write replaces it.
  const innerCtx: FieldContext = {
    ...ctx,
    set: (p, v) => {
      ctx.set(path, setIn(current, p.slice(path.length), v));
    },
  };
  const onSwitch = (tag: string) => {
    const v = variants.find((x) => x.tag === tag);
    if (!v) return;
    ctx.set(path, (isDistribution && switchDistribution(tag, current)) || switchTo(key, tag, v.schema, current, ctx.root));
  };

  return (
    <fieldset className={`fieldset fieldset--variant ${errors.length ? 'is-invalid' : ''}`} aria-labelledby={legendId}>
      <legend id={legendId} className="fieldset__legend">
        {label}
        {value !== undefined && fallback !== undefined && (
          <button type="button" className="field__reset" onClick={() => ctx.set(path, undefined)} aria-label={`Reset ${label} to its default`}>
            reset
          </button>
        )}
      </legend>
      {s.description && <p className="field__hint">{s.description}</p>}
      <div className="field">
        <label className="field__label" htmlFor={id}>
          {isDistribution ? 'Shape' : humanize(key)}
        </label>
        <select id={id} className="input select" value={String(current[key] ?? '')} onChange={(e) => onSwitch(e.target.value)} aria-label={`${label} ${isDistribution ? 'shape' : key}`}>
          {variants.map((v) => (
            <option key={v.tag} value={v.tag}>
              {v.tag}
            </option>
          ))}
        </select>
      </div>
      {isDistribution && <DistributionPreview value={current} />}
      <div className={isDistribution ? 'fieldset__grid' : undefined}>
        {variant &&
          Object.entries(variant.schema.properties ?? {})
            .filter(([k]) => k !== key)
            .map(([k, p]) =>
              ctx.renderField({
                ctx: innerCtx,
                path: [...path, k],
                schema: p,
                label: p.title ?? (k === 'stddev' ? 'Std deviation' : humanize(k)),
                value: current[k],
                fallback: resolve(p, ctx.root).default,
                required: (variant.schema.required ?? []).includes(k) && resolve(p, ctx.root).default === undefined,
              }),
            )}
      </div>
      <FieldErrors id={`${id}-errors`} errors={errors} />
    </fieldset>
  );
}
