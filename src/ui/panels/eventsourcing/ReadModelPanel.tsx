/**
 * Read models: for each query handler of the run, its rows as a live table (sortable, paged), its
 * position against the store head (the lag), query and cache figures, and a rebuild from a replay.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { readModelOptions } from '../../../queries/eventStoreOptions';
import { runClient } from '../../../state/run/runClient';
import { jsonText, useFigures, useNodesOfKind, useRunOf } from './useEventSourcingNodes';
import './eventsourcing.css';
import { NodeTabs } from '../NodeTabs';

const PAGE = 50;

export function ReadModelPanel() {
  const { nodes } = useNodesOfKind('query-handler');
  const [picked, setPicked] = useState<string | null>(null);
  if (!nodes.length)
    return (
      <p className="panel-empty">
        This topology has no query handler. Add one from the CQRS family and subscribe it to an event store.
      </p>
    );
  const node = nodes.find((n) => n.id === picked) ?? nodes[0];
  return (
    <div className="es" data-testid="rm-panel">
      <NodeTabs nodes={nodes} selected={node.id} onSelect={setPicked} label="Read models" />
      <ReadModel key={node.id} nodeId={node.id} />
    </div>
  );
}

function ReadModel({ nodeId }: { nodeId: string }) {
  const run = useRunOf(nodeId);
  const figures = useFigures(nodeId);
  const [offset, setOffset] = useState(0);
  const [sort, setSort] = useState<{ by: string | null; desc: boolean }>({ by: null, desc: false });
  const client = useQueryClient();
  const q = useQuery({
    ...readModelOptions(run?.runId ?? -1, nodeId, run?.running ?? false, offset, PAGE, sort.by, sort.desc),
    enabled: !!run?.has,
  });
  if (!run?.has) return <p className="panel-empty">Run the topology to see this read model fill up.</p>;
  const page = q.data;
  const columns = page ? [...new Set(page.rows.flatMap((r) => Object.keys(r.row)))].slice(0, 12) : [];
  const lag = figures?.lag ?? page?.lag ?? 0;
  const rebuild = async () => {
    const c = runClient.current();
    if (!c) return;
    await (await c).api.storeQuery(nodeId, 'rebuild');
    await client.invalidateQueries({ queryKey: ['worker', 'read-model', run.runId, nodeId] });
  };
  const sortBy = (by: string) => setSort((s) => ({ by, desc: s.by === by ? !s.desc : false }));
  return (
    <div className="es__store">
      <div className="panel-toolbar">
        <strong>{nodeId}</strong>
        <span className="panel-hint" data-testid="rm-lag" data-lag={lag}>
          position {(figures?.position ?? page?.position ?? 0).toLocaleString('en')} · head{' '}
          {(page?.head ?? 0).toLocaleString('en')} ·{' '}
          <b className={lag > 0 ? 'es__lag' : undefined}>lag {lag.toLocaleString('en')} events</b>
        </span>
        {page && (
          <span className="panel-hint">
            {page.stats.queries.toLocaleString('en')} queries · cache hit {figures?.['hit %'] ?? 0}% ·{' '}
            {page.stats.applied.toLocaleString('en')} events applied
            {page.stats.errors ? ` · ${page.stats.errors} errors` : ''}
          </span>
        )}
        <span className="panel-tabs__spacer" />
        <span className="panel-hint">
          {page
            ? `${page.total ? offset + 1 : 0}–${Math.min(offset + PAGE, page.total)} of ${page.total.toLocaleString('en')} rows`
            : '…'}
        </span>
        <button
          type="button"
          className="panel-btn panel-btn--small"
          disabled={offset === 0}
          onClick={() => setOffset(Math.max(0, offset - PAGE))}
          aria-label="Previous rows"
        >
          ‹
        </button>
        <button
          type="button"
          className="panel-btn panel-btn--small"
          disabled={!page || offset + PAGE >= page.total}
          onClick={() => setOffset(offset + PAGE)}
          aria-label="Next rows"
        >
          ›
        </button>
        <button
          type="button"
          className="panel-btn"
          onClick={() => void rebuild()}
          title="Forget the rows and replay every event from the store"
        >
          Rebuild
        </button>
      </div>
      <div className="dlq__table-wrap">
        <table className="dlq__table" data-testid="rm-table">
          <thead>
            <tr>
              <th>
                <button type="button" className="es__th" onClick={() => setSort({ by: null, desc: false })}>
                  key
                </button>
              </th>
              {columns.map((c) => (
                <th key={c} aria-sort={sort.by === c ? (sort.desc ? 'descending' : 'ascending') : undefined}>
                  <button type="button" className="es__th" onClick={() => sortBy(c)}>
                    {c}
                    {sort.by === c ? (sort.desc ? ' ↓' : ' ↑') : ''}
                  </button>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {page?.rows.map((r) => (
              <tr key={r.key} data-testid="rm-row">
                <td className="mono">{r.key}</td>
                {columns.map((c) => (
                  <td key={c} className="mono dlq__payload">
                    {r.row[c] === undefined
                      ? ''
                      : typeof r.row[c] === 'string'
                        ? (r.row[c] as string)
                        : jsonText(r.row[c])}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
