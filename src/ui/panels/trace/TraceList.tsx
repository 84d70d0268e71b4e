/**
 * The virtualized list of trace rows. Rows are read straight from the columnar TraceBuffer; nothing is
 * copied per row. The virtualizer (@tanstack/react-virtual) works on blocks of BLOCK rows, so a list of
 * 1M rows is 131k virtual items: it mounts fast and stays cheap as rows stream in; blocks whose rows did
 * not change are not re-rendered.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useRef } from 'react';
import { DEAD_LETTER_REASONS, MESSAGE_KINDS, type MessageKind } from '../../../model/message';
import type { TraceBuffer } from '../../../state/run/TraceBuffer';
import type { RunInfo } from '../../../worker/frames';
import { MESSAGE_KIND_TOKENS } from '../../messageKinds';

/** Height of a row (px). */
export const ROW_HEIGHT = 22;
/** Rows per virtual item. */
export const BLOCK = 8;

/** Which rows the list shows, in display order (newest first): `count` rows, the i-th being global row `at(i)`. */
export interface RowSource {
  count: number;
  at(i: number): number;
}

interface Lookup {
  buf: TraceBuffer;
  info: RunInfo;
  strings: readonly string[];
}

const fmtTime = (ms: number) => ms.toFixed(3);

/**
 * The message kind's colour and shape (the shared tokens of messageKinds.tsx) drawn with CSS rather than
 * an inline SVG: rows stream in many times a second, and an SVG per row makes the browser rebuild its
 * layer tree on each update, which with hundreds of canvas nodes costs a frame.
 */
function KindChip({ kind, text }: { kind: MessageKind; text: string }) {
  const t = MESSAGE_KIND_TOKENS[kind];
  return (
    <span className="msg-badge kind-chip" title={`${t.label}: ${t.meaning}`}>
      <span
        className={`kind-chip__shape kind-chip__shape--${t.shape}`}
        style={{ background: t.color }}
        aria-hidden="true"
      />
      <span className="msg-badge__text">{text}</span>
    </span>
  );
}

const Row = memo(function Row({
  g,
  lookup,
  selected,
  onPick,
}: {
  g: number;
  lookup: Lookup;
  selected: boolean;
  onPick(g: number): void;
}) {
  const { buf, info, strings } = lookup;
  const i = buf.slot(g);
  const seq = buf.msg[i];
  const node = info.nodes[buf.node[i]];
  const kind = MESSAGE_KINDS[buf.kind[i]] ?? 'document';
  const outcome = info.outcomes[buf.outcome[i]] ?? '?';
  const port = buf.port[i] >= 0 ? strings[buf.port[i]] : '';
  const reason = buf.reason[i] >= 0 ? DEAD_LETTER_REASONS[buf.reason[i]] : '';
  return (
    <div
      role="row"
      aria-selected={selected}
      className={`trace-row trace-row--${outcome}${selected ? ' trace-row--selected' : ''}`}
      data-msg={seq}
      onClick={() => onPick(g)}
    >
      <span role="cell" className="tc tc-time">
        {fmtTime(buf.tIn[i])}
      </span>
      <span role="cell" className="tc tc-time">
        {fmtTime(buf.tOut[i])}
      </span>
      <span role="cell" className="tc tc-id">
        m{seq}
      </span>
      <span role="cell" className="tc tc-corr">
        {buf.correlationAt(g)}
      </span>
      <span role="cell" className="tc tc-node" title={node?.label}>
        {node?.id ?? '?'}
      </span>
      <span role="cell" className="tc tc-type">
        <KindChip kind={kind} text={strings[buf.type[i]] ?? '?'} />
      </span>
      <span role="cell" className={`tc tc-outcome outcome--${outcome}`}>
        {outcome}
      </span>
      <span role="cell" className="tc tc-port">
        {reason ? `${port ? port + ' · ' : ''}${reason}` : port}
      </span>
    </div>
  );
});

const Block = memo(function Block(props: {
  first: number;
  /** Global row indices of this block, joined (changes only when the block's rows change). */
  rows: string;
  lookup: Lookup;
  selectedSeq: number | null;
  onPick(g: number): void;
}) {
  const { lookup, selectedSeq } = props;
  const gs = props.rows ? props.rows.split(',').map(Number) : [];
  return (
    <>
      {gs.map((g, k) => (
        <Row
          // keyed by position: as rows stream in, the same elements get new text rather than being replaced
          key={k}
          g={g}
          lookup={lookup}
          selected={selectedSeq !== null && lookup.buf.msg[lookup.buf.slot(g)] === selectedSeq}
          onPick={props.onPick}
        />
      ))}
    </>
  );
});

export function TraceList(props: {
  rows: RowSource;
  lookup: Lookup;
  selectedSeq: number | null;
  follow: boolean;
  onPick(g: number): void;
  /** The user scrolled away from the newest rows (at the top). */
  onUnfollow(): void;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const { rows, follow } = props;
  const blocks = Math.ceil(rows.count / BLOCK);
  // the virtualizer's API is not memoizable by the React compiler; this component is re-rendered explicitly
  // eslint-disable-next-line react-hooks/incompatible-library
  const v = useVirtualizer({
    count: blocks,
    getScrollElement: () => scroller.current,
    estimateSize: () => BLOCK * ROW_HEIGHT,
    overscan: 1,
  });
  const unfollow = useRef(props.onUnfollow);
  useEffect(() => {
    unfollow.current = props.onUnfollow;
  });
  const total = v.getTotalSize();

  // following shows the top (the newest rows): back to the top when following starts
  useEffect(() => {
    if (follow && scroller.current) scroller.current.scrollTop = 0;
  }, [follow]);

  // scrolling away from the top stops following (the list then holds still); nothing here scrolls by itself
  // while rows stream in, so no layout is forced per update
  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const onScroll = () => {
      if (el.scrollTop > ROW_HEIGHT) unfollow.current();
    };
    el.addEventListener('scroll', onScroll, { passive: true });
    return () => el.removeEventListener('scroll', onScroll);
  }, []);

  return (
    <div className="trace-table" role="table" aria-label="Trace" aria-rowcount={rows.count}>
      <div className="trace-head" role="row">
        <span role="columnheader" className="tc tc-time">
          in (ms)
        </span>
        <span role="columnheader" className="tc tc-time">
          out (ms)
        </span>
        <span role="columnheader" className="tc tc-id">
          message
        </span>
        <span role="columnheader" className="tc tc-corr">
          correlation
        </span>
        <span role="columnheader" className="tc tc-node">
          node
        </span>
        <span role="columnheader" className="tc tc-type">
          type
        </span>
        <span role="columnheader" className="tc tc-outcome">
          outcome
        </span>
        <span role="columnheader" className="tc tc-port">
          port · reason
        </span>
      </div>
      <div
        className="trace-list"
        ref={scroller}
        role="rowgroup"
        data-testid="trace-list"
        data-rows={rows.count}
      >
        <div style={{ height: total, position: 'relative' }}>
          {v.getVirtualItems().map((item) => {
            const first = item.index * BLOCK;
            const last = Math.min(rows.count, first + BLOCK);
            let key = '';
            for (let i = first; i < last; i++) key += (i > first ? ',' : '') + rows.at(i);
            return (
              <div
                key={item.key}
                className="trace-block"
                style={{
                  position: 'absolute',
                  left: 0,
                  right: 0,
                  // top rather than a transform: no extra layer property per block
                  top: item.start,
                }}
              >
                <Block
                  first={first}
                  rows={key}
                  lookup={props.lookup}
                  selectedSeq={props.selectedSeq}
                  onPick={props.onPick}
                />
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
