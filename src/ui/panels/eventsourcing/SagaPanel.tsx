/**
 * Sagas: a summary of the run's saga instances by state (orchestrated ones from their orchestrators,
 * choreographed ones rebuilt from the participants' logs by correlation id), the newest instances, and the
 * timeline of the one picked: each step and compensation as a bar over virtual time, with the log below it,
 * like a workflow history.
 */
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { sagaInstancesOptions, sagaTimelineOptions } from '../../../queries/eventStoreOptions';
import { useFrames } from '../../../state/frameStore';
import type { SagaLogEntry, SagaState, SagaTimeline } from '../../../worker/persistence';
import './eventsourcing.css';

const STATES: readonly SagaState[] = ['running', 'completed', 'compensating', 'compensated', 'failed'];

const selectRun = (s: {
  info: { runId: number; nodes: { kind: string }[] } | null;
  frame: { state: string; seq: number } | null;
}) =>
  s.info && s.info.nodes.some((n) => n.kind === 'saga-orchestrator' || n.kind === 'saga-participant')
    ? s.info.runId
    : null;
const selectRunning = (s: { frame: { state: string } | null }) => s.frame?.state === 'running';
const selectStamp = (s: { frame: { state: string; seq: number } | null }) =>
  s.frame && s.frame.state !== 'running' ? s.frame.seq : -1;

export function SagaPanel() {
  const runId = useFrames(selectRun);
  const running = useFrames(selectRunning);
  const stamp = useFrames(selectStamp);
  const [filter, setFilter] = useState<SagaState | null>(null);
  const [picked, setPicked] = useState<string | null>(null);
  const list = useQuery({
    ...sagaInstancesOptions(runId ?? -1, running, filter, stamp),
    enabled: runId !== null,
  });
  if (runId === null)
    return (
      <p className="panel-empty">
        Run a topology with a saga orchestrator or saga participants to see its sagas here.
      </p>
    );
  const data = list.data;
  return (
    <div className="es saga" data-testid="saga-panel">
      <div className="panel-toolbar" data-testid="saga-summary">
        <button
          type="button"
          className={`es__chip es__chip--btn${filter === null ? ' es__chip--on' : ''}`}
          onClick={() => setFilter(null)}
        >
          all
        </button>
        {STATES.map((s) => (
          <button
            key={s}
            type="button"
            className={`es__chip es__chip--btn saga--${s}${filter === s ? ' es__chip--on' : ''}`}
            data-testid={`saga-count-${s}`}
            data-count={data?.counts[s] ?? 0}
            onClick={() => setFilter(filter === s ? null : s)}
          >
            {s} <b>{(data?.counts[s] ?? 0).toLocaleString('en')}</b>
          </button>
        ))}
      </div>
      <div className="es__browser">
        <ul className="es__stream-list saga__list" data-testid="saga-instances">
          {data?.items.map((i) => (
            <li key={`${i.node}:${i.id}`}>
              <button
                type="button"
                className={`es__stream-btn${i.id === picked ? ' es__stream-btn--on' : ''}`}
                data-testid="saga-instance"
                data-saga={i.id}
                data-state={i.state}
                onClick={() => setPicked(i.id)}
              >
                <span className="mono">{i.id}</span>
                <span className={`saga__state saga--${i.state}`}>{i.state}</span>
                <span className="panel-hint">{i.style === 'orchestrated' ? i.node : 'choreography'}</span>
              </button>
            </li>
          ))}
          {data && !data.items.length && (
            <li className="panel-hint">No instance {filter ? `is ${filter}` : 'yet'}.</li>
          )}
        </ul>
        <div className="es__detail">
          {picked ? (
            <Timeline runId={runId} id={picked} running={running} stamp={stamp} />
          ) : (
            <p className="panel-empty">Pick an instance to see its timeline.</p>
          )}
        </div>
      </div>
    </div>
  );
}

interface Bar {
  step: string;
  kind: 'step' | 'compensation';
  from: number;
  to: number | null;
  outcome: 'completed' | 'failed' | 'timed out' | 'running';
}

/** Bars of the steps and compensations, from the log. */
export function barsOf(entries: readonly SagaLogEntry[]): Bar[] {
  const bars: Bar[] = [];
  const open = new Map<string, Bar>();
  for (const e of entries) {
    const step = e.step ?? '';
    if (e.type === 'StepStarted' || e.type === 'CompensationStarted') {
      const b: Bar = {
        step,
        kind: e.type === 'StepStarted' ? 'step' : 'compensation',
        from: e.t,
        to: null,
        outcome: 'running',
      };
      bars.push(b);
      open.set(`${b.kind}/${e.node}/${step}`, b);
      continue;
    }
    const kind = e.type.startsWith('Compensation') ? 'compensation' : 'step';
    const b = open.get(`${kind}/${e.node}/${step}`);
    if (!b) continue;
    if (e.type === 'StepCompleted' || e.type === 'CompensationCompleted') b.outcome = 'completed';
    else if (e.type === 'StepTimedOut') b.outcome = 'timed out';
    else if (e.type === 'StepFailed' || e.type === 'CompensationFailed') b.outcome = 'failed';
    else continue;
    b.to = e.t;
    open.delete(`${kind}/${e.node}/${step}`);
  }
  return bars;
}

function Timeline({
  runId,
  id,
  running,
  stamp,
}: {
  runId: number;
  id: string;
  running: boolean;
  stamp: number;
}) {
  const q = useQuery(sagaTimelineOptions(runId, id, running, stamp));
  const tl: SagaTimeline | null | undefined = q.data;
  if (q.isPending) return <p className="panel-empty">…</p>;
  if (!tl) return <p className="panel-empty">The run no longer knows saga {id}.</p>;
  const start = tl.entries[0]?.t ?? 0;
  const end = Math.max(start + 1, ...tl.entries.map((e) => e.t));
  const span = end - start;
  const bars = barsOf(tl.entries);
  const pct = (t: number) => ((t - start) / span) * 100;
  return (
    <div className="saga__timeline" data-testid="saga-timeline" data-saga={tl.id} data-state={tl.state}>
      <div className="panel-toolbar">
        <strong className="mono">{tl.id}</strong>
        <span className={`saga__state saga--${tl.state}`} data-testid="saga-timeline-state">
          {tl.state}
        </span>
        <span className="panel-hint">
          {tl.style} · {tl.steps.join(' → ')} · {span.toFixed(0)} ms
        </span>
      </div>
      <div className="saga__bars" role="list" aria-label="Steps and compensations over virtual time">
        {bars.map((b, i) => (
          <div
            key={i}
            className="saga__bar-row"
            role="listitem"
            data-testid={b.kind === 'compensation' ? 'saga-compensation' : 'saga-step'}
            data-step={b.step}
            data-outcome={b.outcome}
          >
            <span className="saga__bar-label">
              {b.kind === 'compensation' ? '↺ ' : ''}
              {b.step}
            </span>
            <span className="saga__bar-track">
              <span
                className={`saga__bar saga__bar--${b.kind} saga__bar--${b.outcome.replace(' ', '-')}`}
                style={{
                  left: `${pct(b.from)}%`,
                  width: `${Math.max(0.5, pct(b.to ?? end) - pct(b.from))}%`,
                }}
                title={`${b.kind} ${b.step}: ${b.outcome}, ${(b.from - start).toFixed(1)}–${((b.to ?? end) - start).toFixed(1)} ms`}
              />
            </span>
            <span className="panel-hint saga__bar-outcome">{b.outcome}</span>
          </div>
        ))}
      </div>
      <ol className="saga__log" data-testid="saga-log">
        {tl.entries.map((e, i) => (
          <li key={i} data-type={e.type}>
            <span className="mono">+{(e.t - start).toFixed(1)} ms</span> <b>{e.type}</b> {e.step ?? ''}{' '}
            <span className="panel-hint">
              {e.node !== e.step ? e.node : ''} {e.detail ?? ''}
            </span>
          </li>
        ))}
      </ol>
    </div>
  );
}
