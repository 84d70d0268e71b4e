/**
 * Trace panel: every hop of every (sampled) message, newest at the bottom, filterable by message id,
 * correlation id, node, type and outcome. Picking a row picks its message: its path is highlighted on the
 * canvas, and its waterfall, envelope, headers and payload are shown beside the list.
 */
import { useCallback, useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useFrames } from '../../../state/frameStore';
import { FilteredRows, hopsOf, isFilterActive, type TraceFilter } from '../../../state/run/TraceBuffer';
import { useStudio } from '../../../state/studioStore';
import { MessageEnvelope, Waterfall } from './TraceDetails';
import { TraceList, type RowSource } from './TraceList';

export function TracePanel() {
  const { trace, traceVersion, info, strings, skipped } = useFrames(
    useShallow((s) => ({ trace: s.trace, traceVersion: s.traceVersion, info: s.info, strings: s.strings, skipped: s.spansSkipped })),
  );
  const selectedSeq = useStudio((s) => s.selectedMessage);
  const [filter, setFilter] = useState<TraceFilter>({});
  const [follow, setFollow] = useState(true);

  const active = isFilterActive(filter);
  // a new filter (or a new run) scans the buffer once; later frames only scan the rows they added
  const runId = info?.runId;
  const filtered = useMemo(() => {
    void runId;
    return active ? new FilteredRows(trace, filter) : null;
  }, [trace, filter, active, runId]);
  const rows: RowSource = useMemo(() => {
    void traceVersion;
    if (!filtered) {
      const oldest = trace.oldest;
      return { count: trace.count, at: (i: number) => oldest + i };
    }
    filtered.update();
    return { count: filtered.length, at: (i: number) => filtered.at(i) };
  }, [trace, traceVersion, filtered]);

  const lookup = useMemo(() => (info ? { buf: trace, info, strings } : null), [trace, info, strings]);

  const onPick = useCallback(
    (g: number) => {
      if (!info) return;
      const seq = trace.msg[trace.slot(g)];
      if (seq === useStudio.getState().selectedMessage) {
        useStudio.getState().selectMessage(null);
        return;
      }
      const hops = hopsOf(trace, seq);
      const nodes = hops.map((h) => info.nodes[h.node]?.id).filter((id): id is string => !!id);
      const edges = hops.filter((h) => h.edge >= 0).map((h) => info.edges[h.edge]?.id).filter((id): id is string => !!id);
      setFollow(false);
      useStudio.getState().selectMessage(seq, { nodes, edges });
    },
    [trace, info],
  );
  const onUnfollow = useCallback(() => setFollow(false), []);

  const hops = useMemo(() => {
    void traceVersion;
    return selectedSeq === null ? [] : hopsOf(trace, selectedSeq);
  }, [trace, traceVersion, selectedSeq]);

  if (!info || !lookup) return <p className="panel-empty">Run the topology to trace its messages hop by hop.</p>;
  const set = (patch: Partial<TraceFilter>) => setFilter((f) => ({ ...f, ...patch }));
  const typeIndex = (text: string) => {
    if (!text) return undefined;
    const i = strings.indexOf(text);
    return i >= 0 ? i : -2; // -2 matches nothing: a type that never occurred
  };

  return (
    <div className="trace" data-testid="trace-panel">
      <div className="panel-toolbar trace-filters" role="search" aria-label="Filter the trace">
        <input
          className="panel-input"
          data-testid="trace-filter-message"
          placeholder="message id (m42)"
          aria-label="Message id"
          value={filter.message ?? ''}
          onChange={(e) => set({ message: e.target.value || undefined })}
        />
        <input
          className="panel-input"
          data-testid="trace-filter-correlation"
          placeholder="correlation id"
          aria-label="Correlation id"
          value={filter.correlation ?? ''}
          onChange={(e) => set({ correlation: e.target.value || undefined })}
        />
        <select
          className="panel-input"
          data-testid="trace-filter-node"
          aria-label="Node"
          value={filter.node ?? ''}
          onChange={(e) => set({ node: e.target.value === '' ? undefined : Number(e.target.value) })}
        >
          <option value="">any node</option>
          {info.nodes.map((n, i) => (
            <option key={n.id} value={i}>
              {n.id}
            </option>
          ))}
        </select>
        <input
          className="panel-input"
          data-testid="trace-filter-type"
          placeholder="message type"
          aria-label="Message type"
          onChange={(e) => set({ type: typeIndex(e.target.value.trim()) })}
        />
        <select
          className="panel-input"
          data-testid="trace-filter-outcome"
          aria-label="Outcome"
          value={filter.outcome ?? ''}
          onChange={(e) => set({ outcome: e.target.value === '' ? undefined : Number(e.target.value) })}
        >
          <option value="">any outcome</option>
          {info.outcomes.map((o, i) => (
            <option key={o} value={i}>
              {o}
            </option>
          ))}
        </select>
        <label className="panel-check" title="Keep the newest rows in view">
          <input type="checkbox" data-testid="trace-follow" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> follow
        </label>
        <span className="panel-hint" data-testid="trace-count">
          {rows.count.toLocaleString('en')} {active ? 'matching ' : ''}hops
          {skipped > 0 ? ` · ${skipped.toLocaleString('en')} not shown (too many per frame)` : ''}
        </span>
      </div>
      <div className="trace__body">
        <TraceList rows={rows} version={traceVersion} lookup={lookup} selectedSeq={selectedSeq} follow={follow} onPick={onPick} onUnfollow={onUnfollow} />
        {selectedSeq !== null && (
          <aside className="trace__details" aria-label={`Message m${selectedSeq}`}>
            <div className="trace__details-head">
              <strong>m{selectedSeq}</strong> · {hops.length} hops
              <button type="button" className="panel-btn panel-btn--small" onClick={() => useStudio.getState().selectMessage(null)} aria-label="Close the message details">
                ✕
              </button>
            </div>
            <Waterfall hops={hops} info={info} />
            <MessageEnvelope seq={selectedSeq} runId={info.runId} />
          </aside>
        )}
      </div>
    </div>
  );
}
