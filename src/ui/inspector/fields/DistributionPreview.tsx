/** A small picture of a distribution's density (what shape the service times or gaps have). */
import { useMemo } from 'react';

type Dist = Record<string, unknown>;
const n = (v: unknown, d = 0) => (typeof v === 'number' && Number.isFinite(v) ? v : d);

const SQRT2PI = Math.sqrt(2 * Math.PI);

/** Density at x, the x range to draw, and the mean. */
function shape(d: Dist): { pdf: (x: number) => number; xmax: number; mean: number; spike?: number } | null {
  switch (d.dist) {
    case 'constant': {
      const v = n(d.value);
      return { pdf: () => 0, xmax: Math.max(v * 2, 1), mean: v, spike: v };
    }
    case 'exponential': {
      const m = n(d.mean);
      if (m <= 0) return null;
      return { pdf: (x) => Math.exp(-x / m) / m, xmax: m * 5, mean: m };
    }
    case 'uniform': {
      const a = n(d.min);
      const b = n(d.max);
      if (b < a) return null;
      const w = b - a || 1e-9;
      return { pdf: (x) => (x >= a && x <= b ? 1 / w : 0), xmax: Math.max(b * 1.25, 1), mean: (a + b) / 2 };
    }
    case 'normal': {
      const m = n(d.mean);
      const sd = n(d.stddev);
      if (sd <= 0) return { pdf: () => 0, xmax: Math.max(m * 2, 1), mean: m, spike: m };
      return { pdf: (x) => Math.exp(-((x - m) ** 2) / (2 * sd * sd)) / (sd * SQRT2PI), xmax: Math.max(m + 4 * sd, 1), mean: m };
    }
    case 'lognormal': {
      const m = n(d.mean);
      const sd = n(d.stddev);
      if (m <= 0) return null;
      if (sd <= 0) return { pdf: () => 0, xmax: m * 2, mean: m, spike: m };
      const s2 = Math.log(1 + (sd * sd) / (m * m));
      const mu = Math.log(m) - s2 / 2;
      const s = Math.sqrt(s2);
      return {
        pdf: (x) => (x <= 0 ? 0 : Math.exp(-((Math.log(x) - mu) ** 2) / (2 * s2)) / (x * s * SQRT2PI)),
        xmax: Math.exp(mu + 2.6 * s),
        mean: m,
      };
    }
    default:
      return null;
  }
}

const W = 240;
const H = 56;
const PAD = 4;

export function DistributionPreview({ value }: { value: unknown }) {
  const drawn = useMemo(() => {
    if (!value || typeof value !== 'object') return null;
    const sh = shape(value as Dist);
    if (!sh) return null;
    const sx = (x: number) => PAD + (x / sh.xmax) * (W - 2 * PAD);
    if (sh.spike !== undefined) return { area: '', line: '', spikeX: sx(sh.spike), meanX: sx(sh.mean), xmax: sh.xmax, mean: sh.mean };
    const N = 96;
    const ys: number[] = [];
    for (let i = 0; i <= N; i++) ys.push(sh.pdf((i / N) * sh.xmax));
    const ymax = Math.max(...ys) || 1;
    const pts = ys.map((y, i) => `${sx((i / N) * sh.xmax).toFixed(1)},${(H - PAD - (y / ymax) * (H - 2 * PAD)).toFixed(1)}`);
    return {
      line: `M${pts.join('L')}`,
      area: `M${sx(0)},${H - PAD}L${pts.join('L')}L${sx(sh.xmax)},${H - PAD}Z`,
      meanX: sx(sh.mean),
      xmax: sh.xmax,
      mean: sh.mean,
      spikeX: undefined,
    };
  }, [value]);
  if (!drawn) return <div className="dist-preview dist-preview--empty">no preview for these values</div>;
  const fmt = (v: number) => (v >= 100 ? Math.round(v).toString() : (+v.toPrecision(3)).toString());
  return (
    <figure className="dist-preview">
      <svg viewBox={`0 0 ${W} ${H}`} width="100%" height={H} role="img" aria-label={`density shape, mean ${fmt(drawn.mean)} ms`}>
        <line x1={PAD} x2={W - PAD} y1={H - PAD} y2={H - PAD} className="dist-preview__axis" />
        {drawn.spikeX !== undefined ? (
          <line x1={drawn.spikeX} x2={drawn.spikeX} y1={H - PAD} y2={PAD} className="dist-preview__spike" />
        ) : (
          <>
            <path d={drawn.area} className="dist-preview__area" />
            <path d={drawn.line} className="dist-preview__line" />
          </>
        )}
        <line x1={drawn.meanX} x2={drawn.meanX} y1={H - PAD} y2={PAD} className="dist-preview__mean" />
      </svg>
      <figcaption>
        <span>0</span>
        <span>mean {fmt(drawn.mean)} ms</span>
        <span>{fmt(drawn.xmax)} ms</span>
      </figcaption>
    </figure>
  );
}
