/**
 * The human-readable form of a run report: one aligned row per node, the edges, and the totals.
 * The JSON form is the report itself (`JSON.stringify(report, null, 2)`).
 */
import type { RunReport } from '../engine/report';

/** A number as a table cell: whole numbers plainly, fractions with two decimals, large ones rounded. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return String(v);
  if (Math.abs(v) >= 10_000) return String(Math.round(v));
  return v.toFixed(2);
}

/** Lays rows out in columns: the first column left-aligned, the others right-aligned. */
export function alignColumns(rows: readonly (readonly string[])[], gap = '  '): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) =>
    row
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
      .join(gap)
      .trimEnd(),
  );
}

const NODE_HEADER = [
  'node',
  'kind',
  'received',
  'emitted',
  'completed',
  'dropped',
  'dead-lett.',
  'failed',
  'util %',
  'depth',
  'max depth',
  'mean depth',
  'lat mean',
  'p50',
  'p95',
  'p99',
  'max',
];

/** Formats a report as aligned text tables (per node, per edge, totals). Latencies are virtual ms. */
export function formatTable(report: RunReport): string {
  const out: string[] = [];
  out.push(`${report.topology}`);
  out.push(
    `seed ${report.seed} · until ${formatNumber(report.until)} ms · reached ${formatNumber(report.now)} ms · ` +
      `${report.events} events · trace digest ${report.traceDigest}`,
  );
  out.push('');

  const rows: string[][] = [NODE_HEADER];
  for (const [id, n] of Object.entries(report.nodes)) {
    rows.push([
      id,
      n.kind,
      formatNumber(n.received),
      formatNumber(n.emitted),
      formatNumber(n.completed),
      formatNumber(n.dropped),
      formatNumber(n.deadLettered),
      formatNumber(n.failed),
      (n.utilization * 100).toFixed(1),
      formatNumber(n.queue.depth),
      formatNumber(n.queue.maxDepth),
      formatNumber(n.queue.meanDepth),
      formatNumber(n.latency.mean),
      formatNumber(n.latency.p50),
      formatNumber(n.latency.p95),
      formatNumber(n.latency.p99),
      formatNumber(n.latency.max),
    ]);
  }
  out.push('Nodes (latency: virtual ms from arrival at the node to leaving it)');
  out.push(...alignColumns(rows));

  const edges = Object.entries(report.edges);
  if (edges.length) {
    out.push('');
    out.push('Edges');
    out.push(
      ...alignColumns([['edge', 'messages'], ...edges.map(([id, e]) => [id, formatNumber(e.messages)])]),
    );
  }

  const t = report.totals;
  out.push('');
  out.push('Totals');
  const totals: string[][] = [
    ['produced', formatNumber(t.produced)],
    ['derived', formatNumber(t.derived)],
    ['completed', formatNumber(t.completed)],
    ['dead-lettered (held)', formatNumber(t.deadLettered)],
    ['dropped', formatNumber(t.dropped)],
    ['merged', formatNumber(t.merged)],
    ['in flight', formatNumber(t.inFlight)],
  ];
  for (const [reason, count] of Object.entries(t.droppedByReason))
    totals.push([`  dropped: ${reason}`, formatNumber(count ?? 0)]);
  out.push(...alignColumns(totals));
  const l = t.latency;
  out.push(
    `end-to-end latency (virtual ms, ${l.count} completed): mean ${formatNumber(l.mean)} · p50 ${formatNumber(l.p50)} · ` +
      `p95 ${formatNumber(l.p95)} · p99 ${formatNumber(l.p99)} · max ${formatNumber(l.max)}`,
  );
  return out.join('\n') + '\n';
}
