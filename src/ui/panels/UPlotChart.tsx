/**
 * A small uPlot line chart that fills its container: made once per series layout (labels and colours),
 * then fed with `setData`. The legend shows the values under the cursor (hover to read them).
 */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** One line of a chart. */
export interface ChartSeries {
  label: string;
  color: string;
  /** Dashed line (for secondary series). */
  dash?: boolean;
  /** Unit appended to legend values. */
  unit?: string;
}

/** Theme colours the chart reads from CSS variables. */
function themeColors(el: HTMLElement) {
  const cs = getComputedStyle(el);
  const v = (name: string, fallback: string) => cs.getPropertyValue(name).trim() || fallback;
  return {
    axis: v('--text-2', '#52525b'),
    grid: v('--border', '#e4e4e7'),
    resolve: (c: string) => resolveColor(cs, c),
  };
}

/** A colour for the canvas: `var(--name)` is read from the theme (canvas strokes cannot use variables). */
function resolveColor(cs: CSSStyleDeclaration, color: string): string {
  const m = /^var\((--[\w-]+)\)$/.exec(color);
  return m ? cs.getPropertyValue(m[1]).trim() || '#888' : color;
}

function formatValue(v: number | null | undefined, unit: string): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  const a = Math.abs(v);
  const text = a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : v.toFixed(2);
  return unit ? `${text} ${unit}` : text;
}

/** An axis tick in at most 4–5 characters: 950, 12k, 1.5M. */
function compactTick(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e6) return `${+(v / 1e6).toFixed(1)}M`;
  if (a >= 1e4) return `${+(v / 1e3).toFixed(0)}k`;
  if (a >= 1e3) return `${+(v / 1e3).toFixed(1)}k`;
  return String(+v.toFixed(2));
}

/** While the cursor is off the chart, the legend shows the newest values rather than dashes. */
function showLatest(u: uPlot): void {
  const n = u.data[0]?.length ?? 0;
  if (n > 0 && (u.cursor.left ?? -1) < 0) u.setLegend({ idx: n - 1 });
}

export function UPlotChart(props: {
  title: string;
  series: readonly ChartSeries[];
  data: uPlot.AlignedData;
  /** Changes when the theme changes, so the chart is rebuilt with the new colours. */
  theme: string;
  height?: number;
}) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const data = useRef(props.data);
  const layout = JSON.stringify(props.series) + props.theme;

  // declared first, so that on mount the data is in the ref before the chart is made
  useEffect(() => {
    data.current = props.data;
    const u = plot.current;
    if (u) {
      u.setData(props.data);
      showLatest(u);
    }
  }, [props.data]);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const colors = themeColors(el);
    const axis: uPlot.Axis = {
      stroke: colors.axis,
      grid: { stroke: colors.grid, width: 1 },
      ticks: { stroke: colors.grid, width: 1 },
      font: '10px system-ui, sans-serif',
      size: 40,
    };
    const width = Math.max(120, el.clientWidth);
    const height = props.height ?? Math.max(50, el.clientHeight - 60);
    const u = new uPlot(
      {
        width,
        height,
        title: props.title,
        scales: { x: { time: false } },
        cursor: { drag: { x: false, y: false }, points: { size: 6 } },
        legend: { live: true },
        axes: [
          { ...axis, size: 28, values: (_u, ticks) => ticks.map((t) => `${t}s`) },
          { ...axis, values: (_u, ticks) => ticks.map(compactTick) },
        ],
        series: [
          { label: 't', value: (_u, v) => formatValue(v, 's') },
          ...props.series.map((s) => ({
            label: s.label,
            stroke: colors.resolve(s.color),
            width: 1.5,
            dash: s.dash ? [4, 3] : undefined,
            points: { show: false },
            spanGaps: false,
            value: (_u: uPlot, v: number | null) => formatValue(v, s.unit ?? ''),
          })),
        ],
      },
      data.current,
      el,
    );
    plot.current = u;
    showLatest(u);
    // the plot takes what the title and the legend (which may wrap) leave of the box
    const fit = () => {
      const chrome =
        (u.root.querySelector<HTMLElement>('.u-title')?.offsetHeight ?? 0) +
        (u.root.querySelector<HTMLElement>('.u-legend')?.offsetHeight ?? 0);
      const h = props.height ?? Math.max(50, el.clientHeight - chrome - 2);
      const w = Math.max(120, el.clientWidth);
      if (w !== u.width || h !== u.height) {
        u.setSize({ width: w, height: h });
        showLatest(u);
      }
    };
    fit();
    const ro = new ResizeObserver(fit);
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
      plot.current = null;
    };
    // rebuilt only when the series layout or the theme changes
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [layout]);

  return <div className="chart" ref={box} />;
}
