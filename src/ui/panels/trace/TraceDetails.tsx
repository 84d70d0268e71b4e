/**
 * Details of the message picked in the trace: a waterfall of its hops over virtual time (SVG bars, one row
 * per hop) and its envelope, headers and payload fetched from the worker. Everything is rendered as text.
 */
import { useQuery } from '@tanstack/react-query';
import { MESSAGE_KINDS } from '../../../model/message';
import { workerMessageOptions } from '../../../queries/workerMessageOptions';
import type { Hop } from '../../../state/run/TraceBuffer';
import type { RunInfo } from '../../../worker/frames';
import { MessageKindBadge } from '../../messageKinds';
import { useWidth } from './useWidth';

const LABEL_W = 84;
/** Room on the right for "12.34 ms · completed". */
const TEXT_W = 124;
const ROW_H = 18;

/** The waterfall of a message's hops: when it arrived at each node and how long it stayed. */
export function Waterfall({ hops, info }: { hops: readonly Hop[]; info: RunInfo }) {
  const [box, width] = useWidth(320);
  if (!hops.length)
    return (
      <div ref={box} className="waterfall-box">
        <p className="panel-empty">No hops of this message are left in the trace.</p>
      </div>
    );
  const t0 = hops[0].tIn;
  const t1 = Math.max(...hops.map((h) => h.tOut));
  const span = Math.max(t1 - t0, 1e-9);
  const barW = Math.max(40, width - LABEL_W - TEXT_W - 8);
  const x = (t: number) => LABEL_W + ((t - t0) / span) * barW;
  return (
    <div ref={box} className="waterfall-box">
      <svg
        className="waterfall"
        data-testid="trace-waterfall"
        width={width}
        height={hops.length * ROW_H + 4}
        role="img"
        aria-label={`Waterfall of ${hops.length} hops over ${span.toFixed(3)} ms`}
      >
        <line className="waterfall__grid" x1={LABEL_W} x2={LABEL_W} y1={0} y2={hops.length * ROW_H} />
        <line
          className="waterfall__grid"
          x1={LABEL_W + barW}
          x2={LABEL_W + barW}
          y1={0}
          y2={hops.length * ROW_H}
        />
        {hops.map((h, k) => {
          const y = k * ROW_H;
          const w = Math.max(2, x(h.tOut) - x(h.tIn));
          const outcome = info.outcomes[h.outcome] ?? '';
          const node = info.nodes[h.node]?.id ?? '?';
          return (
            <g key={h.g}>
              <title>{`${node}: in at ${h.tIn.toFixed(3)} ms, out at ${h.tOut.toFixed(3)} ms (${outcome})`}</title>
              <text className="waterfall__label" x={LABEL_W - 6} y={y + 12} textAnchor="end">
                {node.length > 12 ? node.slice(0, 11) + '…' : node}
              </text>
              <rect
                className={`waterfall__bar outcome-fill--${outcome}`}
                x={x(h.tIn)}
                y={y + 3}
                width={w}
                height={ROW_H - 6}
                rx={2}
              />
              <text className="waterfall__time" x={width - 2} y={y + 12} textAnchor="end">
                {`${(h.tOut - h.tIn).toFixed(2)} ms · ${outcome}`}
              </text>
            </g>
          );
        })}
      </svg>
      <p className="waterfall__caption">
        from {t0.toFixed(3)} ms (virtual), over {span.toFixed(3)} ms
      </p>
    </div>
  );
}

/** Envelope, headers and payload of a message, from the worker (as text). */
export function MessageEnvelope({ seq, runId }: { seq: number; runId: number }) {
  const q = useQuery(workerMessageOptions(runId, seq));
  if (q.isPending) return <p className="panel-empty">Loading message…</p>;
  if (q.isError) return <p className="panel-empty">Could not load the message: {String(q.error)}</p>;
  const m = q.data;
  if (!m)
    return (
      <p className="panel-empty">The worker no longer holds this message (the trace buffer moved on).</p>
    );
  const headers = Object.entries(m.headers);
  return (
    <div className="envelope" data-testid="trace-message">
      <dl className="envelope__fields">
        <dt>id</dt>
        <dd>{m.id}</dd>
        <dt>type</dt>
        <dd>
          <MessageKindBadge kind={MESSAGE_KINDS.includes(m.kind) ? m.kind : 'document'} text={m.type} />
        </dd>
        <dt>correlation</dt>
        <dd>{m.correlationId}</dd>
        <dt>causation</dt>
        <dd>{m.causationId ?? '–'}</dd>
        <dt>created</dt>
        <dd>{m.createdAt.toFixed(3)} ms</dd>
        <dt>expires</dt>
        <dd>{m.expiresAt === null ? 'never' : `${m.expiresAt.toFixed(3)} ms`}</dd>
        <dt>priority</dt>
        <dd>{m.priority}</dd>
        {m.deadLetterReason && (
          <>
            <dt>reason</dt>
            <dd data-testid="trace-dead-letter">
              <span className="dlq__reason">{m.deadLetterReason}</span>
              {m.deadLetterDetail ? ` ${m.deadLetterDetail}` : ''}
            </dd>
          </>
        )}
      </dl>
      <h4>Headers</h4>
      {headers.length ? (
        <dl className="envelope__fields" data-testid="trace-headers">
          {headers.map(([k, v]) => (
            <div key={k} className="envelope__pair">
              <dt>{k}</dt>
              <dd>{v}</dd>
            </div>
          ))}
        </dl>
      ) : (
        <p className="panel-empty">none</p>
      )}
      <h4>Payload</h4>
      <pre className="envelope__payload" data-testid="trace-payload">
        {m.payload}
      </pre>
    </div>
  );
}
