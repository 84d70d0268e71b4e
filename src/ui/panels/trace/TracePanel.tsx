/**
 * Trace panel: every hop of every (sampled) message, newest at the top, filterable by message id,
 * correlation id, node, type and outcome. Picking a row picks its message: its path is highlighted on the
 * canvas, and its waterfall, envelope, headers and payload are shown beside the list.
 */
import { useCallback, useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useFrames } from '../../../state/frameStore';
import { FilteredRows, hopsOf, isFilterActive, type TraceFilter } from '../../../state/run/TraceBuffer';
import { useStudio } from '../../../state/studioStore';
import { ConversationLauncher } from './SequenceDiagram';
import { MessageEnvelope, Waterfall } from './TraceDetails';
import { TraceList } from './TraceList';

export function TracePanel() {
  const { trace, traceVersion, info, strings, skipped } = useFrames(
    useShallow((s) => ({
      trace: s.trace,
      traceVersion: s.traceVersion,
      info: s.info,
      strings: s.strings,
      skipped: s.spansSkipped,
    })),
  );
  const selectedSeq = useStudio((s) => s.selectedMessage);
  const [filter, setFilter] = useState<TraceFilter>({});
  // following: the newest rows at the top, moving; not following: the list frozen where it was (rows keep
  // coming, and are counted, but do not move what the user is reading)
  const [frozenAt, setFrozenAt] = useState<number | null>(null);
  const follow = frozenAt === null;

  const active = isFilterActive(filter);
  // a new filter (or a new run) scans the buffer once; later frames only scan the rows they added
  const runId = info?.runId;
  const filtered = useMemo(() => {
    void runId;
    return active ? new FilteredRows(trace, filter) : null;
  }, [trace, filter, active, runId]);
  // rows newest first; `end` is the (stable, absolute) position after the newest row shown
  const { rows, end, newer } = useMemo(() => {
    void traceVersion;
    if (!filtered) {
      const oldest = trace.oldest;
      const last = Math.max(oldest, Math.min(frozenAt ?? Infinity, trace.written));
      return {
        rows: { count: last - oldest, at: (i: number) => last - 1 - i },
        end: last,
        newer: trace.written - last,
      };
    }
    filtered.update();
    const live = filtered.dropped + filtered.length;
    const last = Math.max(filtered.dropped, Math.min(frozenAt ?? Infinity, live));
    const base = filtered.dropped;
    return {
      rows: { count: last - base, at: (i: number) => filtered.at(last - 1 - i - base) },
      end: last,
      newer: live - last,
    };
  }, [trace, traceVersion, filtered, frozenAt]);
  const freeze = useCallback(() => setFrozenAt((f) => f ?? end), [end]);

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
      const edges = hops
        .filter((h) => h.edge >= 0)
        .map((h) => info.edges[h.edge]?.id)
        .filter((id): id is string => !!id);
      freeze();
      useStudio.getState().selectMessage(seq, { nodes, edges });
    },
    [trace, info, freeze],
  );

  const hops = useMemo(() => {
    void traceVersion;
    return selectedSeq === null ? [] : hopsOf(trace, selectedSeq);
  }, [trace, traceVersion, selectedSeq]);

  if (!info || !lookup)
    return <p className="panel-empty">Run the topology to trace its messages hop by hop.</p>;
  const set = (patch: Partial<TraceFilter>) => {
    setFilter((f) => ({ ...f, ...patch }));
    setFrozenAt(null); // a new filter starts from its newest match
  };
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
          <input
            type="checkbox"
            data-testid="trace-follow"
            checked={follow}
            onChange={(e) => (e.target.checked ? setFrozenAt(null) : freeze())}
          />{' '}
          follow
        </label>
        <span className="panel-hint" data-testid="trace-count">
          {rows.count.toLocaleString('en')} {active ? 'matching ' : ''}hops
          {!follow && newer > 0 ? ` · ${newer.toLocaleString('en')} newer (tick follow to see them)` : ''}
          {skipped > 0 ? ` · ${skipped.toLocaleString('en')} not shown (too many per frame)` : ''}
        </span>
      </div>
      <div className="trace__body">
        <TraceList
          rows={rows}
          lookup={lookup}
          selectedSeq={selectedSeq}
          follow={follow}
          onPick={onPick}
          onUnfollow={freeze}
        />
        {selectedSeq !== null && (
          <aside className="trace__details" aria-label={`Message m${selectedSeq}`}>
            <div className="trace__details-head">
              <strong>m{selectedSeq}</strong> · {hops.length} hops
              <button
                type="button"
                className="panel-btn panel-btn--small"
                onClick={() => useStudio.getState().selectMessage(null)}
                aria-label="Close the message details"
              >
                ✕
              </button>
            </div>
            <Waterfall hops={hops} info={info} />
            <MessageEnvelope seq={selectedSeq} runId={info.runId} />
            <ConversationLauncher seq={selectedSeq} runId={info.runId} />
          </aside>
        )}
      </div>
    </div>
  );
}
