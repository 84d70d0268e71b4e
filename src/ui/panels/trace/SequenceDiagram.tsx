/**
 * One conversation (every kept hop of the messages sharing a correlation id) as a sequence diagram: a
 * lifeline per node, in order of first appearance, and one row per step in virtual-time order — an arrow per
 * hop over an edge (with its transit time), a note where a message was made from another, and a mark where
 * a message ended (completed, dropped, dead-lettered, merged). Opened from the trace panel's message
 * details, it covers the trace list while open; "Export OTLP JSON" downloads the conversation as
 * OpenTelemetry-like spans.
 */
import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { conversationOptions, workerApi } from '../../../queries/resilienceOptions';
import { workerMessageOptions } from '../../../queries/workerMessageOptions';
import { useFrames } from '../../../state/frameStore';
import { useStudio } from '../../../state/studioStore';
import type { Conversation, SequenceStep } from '../../../worker/frames';
import { download } from '../eventsourcing/useEventSourcingNodes';
import { pickMessage } from '../pickMessage';
import { useWidth } from './useWidth';
import '../resilience.css';

const GUTTER = 84;
const HEAD = 44;
const ROW = 26;
const MIN_COL = 112;
const COLOURS = 6;

/** A virtual time as the diagram's gutter shows it. */
const timeText = (ms: number) => (ms >= 10_000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms >= 100 ? 1 : 3)} ms`);

/** A time since the conversation's first step: `0.125 ms`, `25.45 ms`, `108.5 ms`, `2.35 s`. */
const relText = (ms: number) => (ms >= 10_000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms >= 100 ? 1 : ms >= 1 ? 2 : 3)} ms`);

/** Downloads a conversation as OTLP JSON. */
async function exportOtlp(correlationId: string, runId: number) {
  try {
    const text = await (await workerApi()).exportConversation(correlationId);
    download(`conversation-${correlationId.replace(/[^A-Za-z0-9_.-]/g, '_')}-run${runId}.otlp.json`, text, 'application/json');
  } catch (err) {
    useStudio.getState().toast(`Could not export the conversation: ${err instanceof Error ? err.message : String(err)}`, 'error');
  }
}

/** In the message details: the conversation of the picked message, as a diagram or an export. */
export function ConversationLauncher({ seq, runId }: { seq: number; runId: number }) {
  const q = useQuery(workerMessageOptions(runId, seq));
  const [open, setOpen] = useState(false);
  const m = q.data;
  if (!m) return null;
  const show = () => {
    const s = useStudio.getState();
    // the diagram needs height: grow a short dock
    if (s.dock.height < 340) s.setDock({ height: 340 });
    setOpen(true);
  };
  return (
    <>
      <h4>Conversation</h4>
      <p className="conversation-launch">
        <code title="correlation id">{m.correlationId}</code>
        <button type="button" className="panel-btn panel-btn--small" onClick={show} data-testid="conversation-open">
          Sequence diagram
        </button>
        <button type="button" className="panel-btn panel-btn--small" onClick={() => void exportOtlp(m.correlationId, runId)} data-testid="conversation-export">
          Export OTLP JSON
        </button>
      </p>
      {open && <ConversationView correlationId={m.correlationId} runId={runId} focus={m.id} onClose={() => setOpen(false)} />}
    </>
  );
}

/** The sequence diagram of one conversation, over the trace panel. */
export function ConversationView({ correlationId, runId, focus, onClose }: { correlationId: string; runId: number; focus?: string; onClose(): void }) {
  const traceVersion = useFrames((s) => s.traceVersion);
  const q = useQuery(conversationOptions(runId, correlationId, traceVersion));
  const closeRef = useRef<HTMLButtonElement>(null);
  useEffect(() => closeRef.current?.focus(), []);
  const d = q.data;
  const messages = useMemo(() => new Set(d?.steps.map((s) => s.messageId) ?? []).size, [d]);
  const span = d && d.steps.length ? d.steps[d.steps.length - 1].time - d.steps[0].time : 0;
  return (
    <section
      className="conversation"
      aria-label={`Conversation ${correlationId}`}
      data-testid="conversation"
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          onClose();
        }
      }}
    >
      <div className="panel-toolbar conversation__bar">
        <strong>Conversation</strong> <code>{correlationId}</code>
        <span className="panel-hint" data-testid="conversation-summary">
          {d ? `${messages} message${messages === 1 ? '' : 's'} · ${d.steps.length} steps · ${d.participants.length} nodes · ${timeText(span)}` : 'loading…'}
          {d && d.truncated > 0 ? ` · ${d.truncated.toLocaleString('en')} more steps not shown` : ''}
        </span>
        <span className="conversation__spacer" />
        <button type="button" className="panel-btn" onClick={() => void exportOtlp(correlationId, runId)}>
          Export OTLP JSON
        </button>
        <button ref={closeRef} type="button" className="panel-btn" onClick={onClose} aria-label="Close the sequence diagram" title="Back to the trace (Esc)" data-testid="conversation-close">
          ✕ Close
        </button>
      </div>
      <div className="conversation__scroll">
        {q.isError && <p className="panel-empty">Could not read the conversation: {String(q.error)}</p>}
        {d && d.steps.length === 0 && <p className="panel-empty">No hop of this conversation is left in the trace (the trace keeps a sampled ring of spans).</p>}
        {d && d.steps.length > 0 && <SequenceSvg diagram={d} focus={focus} />}
      </div>
    </section>
  );
}

const END_MARK: Partial<Record<SequenceStep['kind'], string>> = { complete: '✓', drop: '✕', 'dead-letter': '✕', merge: '⊕' };

/** The diagram itself (SVG). */
export function SequenceSvg({ diagram, focus }: { diagram: Conversation; focus?: string }) {
  const [box, avail] = useWidth(800);
  const { participants, steps } = diagram;
  const col = Math.max(MIN_COL, (avail - GUTTER - 16) / Math.max(1, participants.length));
  const width = GUTTER + col * participants.length + 8;
  const height = HEAD + steps.length * ROW + 12;
  const x = useMemo(() => {
    const m = new Map<string, number>();
    participants.forEach((p, i) => m.set(p.id, GUTTER + col * i + col / 2));
    return m;
  }, [participants, col]);
  // one colour per message, in order of appearance
  const colour = useMemo(() => {
    const m = new Map<string, number>();
    for (const s of steps) if (!m.has(s.messageId)) m.set(s.messageId, m.size % COLOURS);
    return m;
  }, [steps]);

  return (
    <div ref={box} className="seq-box">
      <svg
        className="seq"
        width={width}
        height={height}
        role="img"
        aria-label={`Sequence diagram: ${participants.length} nodes, ${steps.length} steps from ${timeText(steps[0].time)} to ${timeText(steps[steps.length - 1].time)}`}
        data-testid="sequence-diagram"
      >
        {participants.map((p) => {
          const cx = x.get(p.id)!;
          const w = col - 14;
          return (
            <g key={p.id} className="seq__participant">
              <line className="seq__lifeline" x1={cx} x2={cx} y1={HEAD - 8} y2={height - 4} />
              <rect className="seq__head" x={cx - w / 2} y={4} width={w} height={HEAD - 14} rx={6} />
              <text className="seq__head-label" x={cx} y={19} textAnchor="middle">
                {clip(p.label || p.id, w / 6.4)}
              </text>
              <text className="seq__head-kind" x={cx} y={31} textAnchor="middle">
                {clip(p.kind, w / 5.6)}
              </text>
              <title>{`${p.label} (${p.id}) · ${p.kind}`}</title>
            </g>
          );
        })}
        {steps.map((s, i) => (
          <Step key={i} step={s} y={HEAD + i * ROW + ROW / 2} x={x} col={col} width={width} t0={steps[0].time} colour={colour.get(s.messageId) ?? 0} focused={s.messageId === focus} />
        ))}
      </svg>
    </div>
  );
}

function clip(text: string, chars: number): string {
  const n = Math.max(4, Math.floor(chars));
  return text.length > n ? text.slice(0, n - 1) + '…' : text;
}

function Step(props: { step: SequenceStep; y: number; x: Map<string, number>; col: number; width: number; colour: number; focused: boolean; t0: number }) {
  const { step: s, y, x, col, width, colour, focused, t0 } = props;
  const x1 = x.get(s.from) ?? GUTTER;
  const x2 = x.get(s.to) ?? x1;
  const cls = `seq__step seq-c${colour} ${focused ? 'is-focused' : ''} seq__step--${s.kind}`;
  const time = (
    <text className={`seq__time ${s.time === t0 ? 'is-start' : ''}`} x={GUTTER - 8} y={y + 3} textAnchor="end">
      {s.time === t0 ? timeText(s.time) : `+${relText(s.time - t0)}`}
    </text>
  );
  const idLabel = (
    <tspan className="seq__id" onClick={() => pickMessage(s.messageId)}>
      {s.messageId}
    </tspan>
  );
  const transit = s.arrivedAt !== undefined && s.arrivedAt !== null ? s.arrivedAt - s.time : null;
  const title = `${timeText(s.time)} · ${s.kind} ${s.messageId} (${s.type})${s.from !== s.to ? ` ${s.from} → ${s.to}` : ` at ${s.from}`}${s.port ? ` · port ${s.port}` : ''}${
    s.reason ? ` · ${s.reason}` : ''
  }${transit !== null ? ` · arrived after ${transit.toFixed(3)} ms` : ''}${s.parentId ? ` · from ${s.parentId}` : ''}`;

  if ((s.kind === 'send' || s.kind === 'nack' || s.kind === 'reprocess') && x1 !== x2) {
    const dir = x2 > x1 ? 1 : -1;
    const mid = (x1 + x2) / 2;
    return (
      <g className={cls}>
        {time}
        <line className="seq__arrow" x1={x1} y1={y} x2={x2 - dir * 7} y2={y} />
        <path className="seq__arrowhead" d={`M${x2},${y} l${-dir * 8},-4 l0,8 z`} />
        <text className="seq__label" x={mid} y={y - 5} textAnchor="middle">
          {idLabel}
          {` ${clip(s.type, Math.abs(x2 - x1) / 6.5 - 6)}`}
          {transit !== null && transit > 0 ? <tspan className="seq__transit">{` +${transit < 1 ? transit.toFixed(2) : transit.toFixed(1)} ms`}</tspan> : null}
        </text>
        <title>{title}</title>
      </g>
    );
  }
  const mark = END_MARK[s.kind];
  // a note on the last lifeline goes to its left, so it is not cut off at the right edge
  const right = x1 + col / 2 + 4 >= width;
  const bad = s.kind === 'drop' || s.kind === 'dead-letter';
  const text =
    s.kind === 'derive'
      ? `${s.type} ← ${s.parentId ?? '?'}`
      : s.kind === 'complete'
        ? 'completed'
        : `${s.kind}${s.reason ? ` (${s.reason})` : ''}`;
  return (
    <g className={`${cls} ${bad ? 'is-bad' : ''}`}>
      {time}
      {mark ? (
        <circle className="seq__end" cx={x1} cy={y} r={6} />
      ) : (
        <rect className="seq__note-box" x={x1 - 5} y={y - 5} width={10} height={10} rx={2} transform={`rotate(45 ${x1} ${y})`} />
      )}
      {mark && (
        <text className="seq__end-mark" x={x1} y={y + 3.5} textAnchor="middle">
          {mark}
        </text>
      )}
      <text className="seq__note" x={right ? x1 - 11 : x1 + 11} y={y + 4} textAnchor={right ? 'end' : 'start'}>
        {idLabel}
        {` ${clip(text, (col * 1.6) / 6.2)}`}
      </text>
      <title>{title}</title>
    </g>
  );
}
