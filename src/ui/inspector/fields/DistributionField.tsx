/**
 * A distribution (`widget: 'distribution'`): a choice of shape, its parameters, and a preview of its
 * density. Writes whole values (`{ dist, …params }`), since every variant needs its `dist`.
 */
import { useId } from 'react';
import { resolve, type JsonSchema } from '../jsonSchema';
import { FieldErrors } from '../FieldShell';
import { fieldId, type FieldProps } from '../formTypes';
import { DistributionPreview } from './DistributionPreview';
import { NumberField } from './NumberField';

type Dist = Record<string, unknown>;

function variantsOf(s: JsonSchema, root: JsonSchema): { dist: string; schema: JsonSchema }[] {
  return (s.oneOf ?? s.anyOf ?? [])
    .map((v) => resolve(v, root))
    .map((v) => ({ dist: v.properties?.dist?.const, schema: v }))
    .filter((v): v is { dist: string; schema: JsonSchema } => typeof v.dist === 'string');
}

/** Parameters for a new shape, keeping the current mean where it makes sense. */
function switchTo(dist: string, current: Dist, variant: JsonSchema): Dist {
  const num = (k: string) => (typeof current[k] === 'number' ? (current[k] as number) : undefined);
  const mean = num('mean') ?? num('value') ?? (num('min') !== undefined && num('max') !== undefined ? (num('min')! + num('max')!) / 2 : 10);
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
    default: {
      const out: Dist = { dist };
      for (const k of variant.required ?? []) if (k !== 'dist') out[k] = num(k) ?? 1;
      return out;
    }
  }
}

export function DistributionField({ ctx, path, schema: raw, label, value, fallback }: FieldProps) {
  const s = resolve(raw, ctx.root);
  const id = fieldId(ctx, path);
  const legendId = useId();
  const variants = variantsOf(s, ctx.root);
  const current = ((value ?? fallback ?? { dist: variants[0]?.dist }) as Dist) || {};
  const variant = variants.find((v) => v.dist === current.dist);
  const errors = ctx.errorsAt(path);
  // Parameters are edited inside the whole value: a write replaces the distribution.
  const paramCtx = {
    ...ctx,
    set: (p: readonly (string | number)[], v: unknown) => {
      const key = p[path.length];
      const next: Dist = { ...current };
      if (v === undefined) delete next[key as string];
      else next[key as string] = v;
      ctx.set(path, next);
    },
  };

  return (
    <fieldset className={`fieldset fieldset--distribution ${errors.length ? 'is-invalid' : ''}`} aria-labelledby={legendId}>
      <legend id={legendId} className="fieldset__legend">
        {label}
        {value !== undefined && fallback !== undefined && (
          <button type="button" className="field__reset" onClick={() => ctx.set(path, undefined)} aria-label={`Reset ${label} to its default`}>
            reset
          </button>
        )}
      </legend>
      <div className="field">
        <label className="field__label" htmlFor={id}>
          Shape
        </label>
        <select
          id={id}
          className="input select"
          value={String(current.dist ?? '')}
          onChange={(e) => {
            const v = variants.find((x) => x.dist === e.target.value);
            if (v) ctx.set(path, switchTo(v.dist, current, v.schema));
          }}
          aria-label={`${label} shape`}
        >
          {variants.map((v) => (
            <option key={v.dist} value={v.dist}>
              {v.dist}
            </option>
          ))}
        </select>
      </div>
      <DistributionPreview value={current} />
      <div className="fieldset__grid">
        {variant &&
          Object.entries(variant.schema.properties ?? {})
            .filter(([k]) => k !== 'dist')
            .map(([k, p]) => (
              <NumberField
                key={`${String(current.dist)}-${k}`}
                ctx={paramCtx}
                path={[...path, k]}
                schema={p}
                label={p.title ?? (k === 'stddev' ? 'Std deviation' : k.charAt(0).toUpperCase() + k.slice(1))}
                value={current[k]}
                fallback={undefined}
                required={variant.schema.required?.includes(k) ?? false}
              />
            ))}
      </div>
      <FieldErrors id={`${id}-errors`} errors={errors} />
    </fieldset>
  );
}
