/**
 * Throughput panel: messages per second over (virtual) time in total and for the selected nodes and
 * edges, end-to-end latency quantiles (and p99 of selected nodes), and queue depth. Three uPlot charts
 * fed from the series ring buffer; hover to read values; freeze to hold the picture while the run goes on.
 */
import { useMemo, useState } from 'react';
import type uPlot from 'uplot';
import { useShallow } from 'zustand/react/shallow';
import { useFrames } from '../../state/frameStore';
import type { SeriesBuffer } from '../../state/run/SeriesBuffer';
import { useStudio, type StudioState } from '../../state/studioStore';
import { UPlotChart, type ChartSeries } from './UPlotChart';

const PALETTE = ['#2f6feb', '#e8590c', '#0e9f6e', '#9333ea', '#d6336c', '#0891b2', '#a16207', '#4b5563'];
/** Most selected nodes and edges plotted. */
const MAX_PICKED = 6;

const selectPicked = (s: StudioState) => ({
  nodes: s.selectedNodeIds.slice(0, MAX_PICKED).join('\n'),
  edges: s.selectedEdgeIds.slice(0, MAX_PICKED).join('\n'),
  theme: s.theme,
});

interface Charts {
  rate: { series: ChartSeries[]; data: uPlot.AlignedData };
  latency: { series: ChartSeries[]; data: uPlot.AlignedData };
  depth: { series: ChartSeries[]; data: uPlot.AlignedData };
}

function buildCharts(
  s: SeriesBuffer,
  nodes: { id: string; i: number }[],
  edges: { id: string; j: number }[],
): Charts {
  const x = s.read((k) => s.t[k]) as number[];
  const n = s.nodeCount;
  const e = s.edgeCount;
  const color = (k: number) => PALETTE[k % PALETTE.length];
  const rate: Charts['rate'] = {
    series: [
      { label: 'produced', color: 'var(--text-2)', unit: '/s' },
      { label: 'completed', color: 'var(--success)', unit: '/s' },
      { label: 'failed', color: 'var(--danger)', unit: '/s', dash: true },
      ...nodes.map((p, k) => ({ label: `${p.id} in`, color: color(k), unit: '/s' })),
      ...edges.map((p, k) => ({ label: `${p.id}`, color: color(nodes.length + k), unit: '/s', dash: true })),
    ],
    data: [
      x,
      s.read((k) => s.produced[k]),
      s.read((k) => s.completed[k]),
      s.read((k) => s.failed[k]),
      ...nodes.map((p) => s.read((k) => s.nodeRate[k * n + p.i])),
      ...edges.map((p) => s.read((k) => s.edgeRate[k * e + p.j])),
    ] as uPlot.AlignedData,
  };
  const latency: Charts['latency'] = {
    series: [
      { label: 'p50', color: 'var(--success)', unit: 'ms' },
      { label: 'p95', color: '#e8590c', unit: 'ms' },
      { label: 'p99', color: 'var(--danger)', unit: 'ms' },
      ...nodes.map((p, k) => ({ label: `${p.id} p99`, color: color(k), unit: 'ms', dash: true })),
    ],
    data: [
      x,
      s.read((k) => s.p50[k]),
      s.read((k) => s.p95[k]),
      s.read((k) => s.p99[k]),
      ...nodes.map((p) => s.read((k) => s.nodeP99[k * n + p.i])),
    ] as uPlot.AlignedData,
  };
  const depth: Charts['depth'] = {
    series: [
      { label: 'all queues', color: 'var(--text-2)' },
      ...nodes.map((p, k) => ({ label: p.id, color: color(k) })),
    ],
    data: [
      x,
      s.read((k) => s.depthTotal[k]),
      ...nodes.map((p) => s.read((k) => s.nodeDepth[k * n + p.i])),
    ] as uPlot.AlignedData,
  };
  return { rate, latency, depth };
}

export function ThroughputPanel() {
  const picked = useStudio(useShallow(selectPicked));
  const { series, seriesVersion, nodeIndex, edgeIndex, hasRun } = useFrames(
    useShallow((s) => ({
      series: s.series,
      seriesVersion: s.seriesVersion,
      nodeIndex: s.nodeIndex,
      edgeIndex: s.edgeIndex,
      hasRun: s.info !== null,
    })),
  );
  const [frozen, setFrozen] = useState<Charts | null>(null);

  const live = useMemo(() => {
    void seriesVersion; // rebuilt when the series grew
    const nodes = picked.nodes
      .split('\n')
      .filter(Boolean)
      .map((id) => ({ id, i: nodeIndex.get(id) ?? -1 }))
      .filter((p) => p.i >= 0);
    const edges = picked.edges
      .split('\n')
      .filter(Boolean)
      .map((id) => ({ id, j: edgeIndex.get(id) ?? -1 }))
      .filter((p) => p.j >= 0);
    return buildCharts(series, nodes, edges);
  }, [series, seriesVersion, picked.nodes, picked.edges, nodeIndex, edgeIndex]);
  const charts = frozen ?? live;

  if (!hasRun) {
    return (
      <p className="panel-empty">
        Run the topology to see messages per second, latency and queue depth over time.
      </p>
    );
  }
  return (
    <div
      className="throughput"
      data-testid="throughput-panel"
      data-points={series.length}
      data-frozen={frozen ? 'true' : 'false'}
    >
      <div className="panel-toolbar">
        <button
          type="button"
          className="panel-btn"
          data-testid="throughput-freeze"
          aria-pressed={frozen !== null}
          onClick={() => setFrozen(frozen ? null : live)}
          title={frozen ? 'Follow the run again' : 'Hold the charts as they are (the run goes on)'}
        >
          {frozen ? '▶ Resume' : '❚❚ Freeze'}
        </button>
        <span
          className="panel-hint"
          title="Rates are messages per virtual second; latency is end to end, since the start of the run."
        >
          {picked.nodes || picked.edges
            ? 'Totals and the selected nodes and edges'
            : 'Totals (select nodes or edges to add them)'}{' '}
          · hover a chart to read it
        </span>
      </div>
      <div className="throughput__charts">
        <UPlotChart
          title="Messages / s"
          theme={picked.theme}
          series={charts.rate.series}
          data={charts.rate.data}
        />
        <UPlotChart
          title="Latency, end to end (ms)"
          theme={picked.theme}
          series={charts.latency.series}
          data={charts.latency.data}
        />
        <UPlotChart
          title="Queue depth"
          theme={picked.theme}
          series={charts.depth.series}
          data={charts.depth.data}
        />
      </div>
    </div>
  );
}
