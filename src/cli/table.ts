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
    const links = edges.some(([, e]) => e.link);
    const header = links
      ? ['edge', 'messages', 'link util %', 'queued', 'max queued', 'bytes', 'mean queue delay']
      : ['edge', 'messages'];
    const rows = edges.map(([id, e]) =>
      e.link
        ? [
            id,
            formatNumber(e.messages),
            (e.link.utilization * 100).toFixed(1),
            formatNumber(e.link.queued),
            formatNumber(e.link.maxQueued),
            formatNumber(e.link.bytes),
            `${formatNumber(e.link.meanQueueDelay)} ms`,
          ]
        : [id, formatNumber(e.messages)],
    );
    out.push(
      links ? 'Edges (links with capacity: utilization, backlog, bytes, wait before sending)' : 'Edges',
    );
    out.push(...alignColumns([header, ...rows]));
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
  if (report.faults?.length) {
    out.push('');
    out.push('Faults');
    const rows = [['fault', 'type', 'target', 'activations', 'affected', 'active at end']];
    for (const f of report.faults) {
      const target = 'node' in f.target ? `node ${f.target.node}` : `edge ${f.target.edge}`;
      rows.push([
        f.id,
        f.type,
        target,
        formatNumber(f.activations),
        formatNumber(f.affected),
        f.active ? 'yes' : 'no',
      ]);
    }
    out.push(...alignColumns(rows));
  }
  if (report.invariants?.length) {
    out.push('');
    out.push('Invariants');
    const rows = [['invariant', 'kind', 'result', 'violations', 'checked', 'pending', 'observed']];
    for (const i of report.invariants) {
      rows.push([
        i.id,
        i.kind,
        i.ok ? 'holds' : 'FAILED',
        formatNumber(i.violations),
        formatNumber(i.checked),
        i.pending === undefined ? '' : formatNumber(i.pending),
        i.observed === undefined ? '' : `${formatNumber(i.observed)} ms`,
      ]);
    }
    out.push(...alignColumns(rows));
    for (const i of report.invariants) {
      for (const v of i.first.slice(0, 3))
        out.push(`  ${i.id}: ${v.message} at ${formatNumber(v.at)} ms: ${v.detail}`);
    }
  }
  return out.join('\n') + '\n';
}
