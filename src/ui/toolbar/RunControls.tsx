/**
 * Run controls in the top toolbar: run / pause, step (one event), reset, speed, seed and end time, the run
 * clock (virtual time, events per second), and a notice when the graph changed since the run was built
 * ("Edits apply on reset"). `?speed=max` in the URL sets the speed (the startup handles `?run=1`).
 */
import { useEffect, useState, type KeyboardEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useLive, type LiveState } from '../../state/frameStore';
import { selectRunOutdated } from '../../state/slices/run';
import { useStudio } from '../../state/studioStore';
import type { StudioState } from '../../state/studioStore';
import { SPEEDS, type Speed } from '../../worker/frames';
import './runControls.css';

const selectControls = (s: StudioState) => ({
  status: s.runStatus,
  speed: s.runSpeed,
  seed: s.runSeed,
  until: s.runUntil,
  topoSeed: s.topology.simulation?.seed ?? 1,
  topoUntil: s.topology.simulation?.until ?? 60_000,
  empty: s.topology.nodes.length === 0,
  outdated: selectRunOutdated(s),
});

const speedLabel = (s: Speed) => (s === 'max' ? 'max' : `×${s}`);

/** Small stroked icons of the controls (decorative: every button has a text label). */
function RunIcon({ name }: { name: 'play' | 'pause' | 'step' | 'reset' }) {
  return (
    <svg className="run-icon" width="12" height="12" viewBox="0 0 12 12" aria-hidden="true" focusable="false">
      {name === 'play' && <path d="M3 1.5v9l7.5-4.5z" fill="currentColor" />}
      {name === 'pause' && <path d="M3 1.5h2v9H3zM7 1.5h2v9H7z" fill="currentColor" />}
      {name === 'step' && <path d="M2 1.5v9l6-4.5zM9 1.5h1.5v9H9z" fill="currentColor" />}
      {name === 'reset' && (
        <path
          d="M2.5 6a3.5 3.5 0 1 0 1.2-2.6M2 1.5v2.5h2.5"
          fill="none"
          stroke="currentColor"
          strokeWidth="1.4"
          strokeLinecap="round"
          strokeLinejoin="round"
        />
      )}
    </svg>
  );
}

export function RunControls() {
  const c = useStudio(useShallow(selectControls));
  const running = c.status === 'running';
  useSpeedParam();
  return (
    <div className="run-controls" role="group" aria-label="Run controls">
      {running ? (
        <button
          type="button"
          className="run-btn run-btn--primary"
          data-testid="run-pause"
          onClick={() => useStudio.getState().pauseRun()}
          title="Pause the run"
        >
          <RunIcon name="pause" /> Pause
        </button>
      ) : (
        <button
          type="button"
          className="run-btn run-btn--primary"
          data-testid="run-start"
          disabled={c.empty}
          onClick={() => useStudio.getState().startRun()}
          title={c.status === 'paused' ? 'Resume the run' : 'Run the topology'}
        >
          <RunIcon name="play" /> {c.status === 'paused' ? 'Resume' : 'Run'}
        </button>
      )}
      <button
        type="button"
        className="run-btn"
        data-testid="run-step"
        disabled={c.empty}
        onClick={() => useStudio.getState().stepRun()}
        title="Process one event"
      >
        <RunIcon name="step" /> Step
      </button>
      <button
        type="button"
        className="run-btn"
        data-testid="run-reset"
        disabled={c.empty}
        onClick={() => useStudio.getState().resetRun()}
        title="Start again from time 0 with the current graph"
      >
        <RunIcon name="reset" /> Reset
      </button>
      <label className="run-field">
        <span className="visually-hidden">Speed</span>
        <select
          data-testid="run-speed"
          value={String(c.speed)}
          onChange={(e) =>
            useStudio.getState().setRunSpeed(e.target.value === 'max' ? 'max' : Number(e.target.value))
          }
          title="Virtual time per real time (max: as fast as possible)"
        >
          {SPEEDS.map((s) => (
            <option key={String(s)} value={String(s)}>
              {speedLabel(s)}
            </option>
          ))}
        </select>
      </label>
      <NumberField
        label="Seed"
        testId="run-seed"
        value={c.seed}
        placeholder={String(c.topoSeed)}
        title="Seed of the random streams (applies on reset)"
        parse={(t) => (/^\d{1,10}$/.test(t) && Number(t) <= 2 ** 32 - 1 ? Number(t) : undefined)}
        onCommit={(v) => useStudio.getState().setRunSeed(v)}
      />
      <NumberField
        label="Until"
        unit="s"
        testId="run-until"
        value={c.until === null ? null : c.until / 1000}
        placeholder={String(c.topoUntil / 1000)}
        title="Virtual time to run to, in seconds (applies on reset)"
        parse={(t) => {
          const v = Number(t);
          return t.trim() !== '' && Number.isFinite(v) && v > 0 && v <= 1e9 ? v : undefined;
        }}
        onCommit={(v) => useStudio.getState().setRunUntil(v === null ? null : Math.round(v * 1000))}
      />
      <RunClock />
      {c.outdated && (
        <span
          className="run-notice"
          data-testid="run-outdated"
          role="status"
          title="The graph, seed or end time changed since this run was built: press Reset to run the new version"
        >
          Edits apply on reset
        </span>
      )}
    </div>
  );
}

const selectClock = (s: LiveState) => ({
  now: s.frame?.now ?? 0,
  until: s.frame?.until ?? 0,
  eps: Math.round(s.frame?.eventsPerSec ?? 0),
  has: s.frame !== null,
});

/** Virtual time and events per second of the loaded run (from the live store: ≤ 10 updates a second). */
function RunClock() {
  const k = useLive(useShallow(selectClock));
  const status = useStudio((s) => s.runStatus);
  return (
    <span className="run-clock" data-testid="run-clock" data-status={status} data-now={k.now} aria-live="off">
      <span className={`run-status run-status--${status}`}>{status}</span>
      <span
        className="run-clock__time"
        title={k.has ? `Virtual time ${formatClock(k.now)} of ${formatClock(k.until)}` : 'Virtual time'}
      >
        {k.has ? formatClock(k.now) : '–'}
      </span>
      <span className="run-clock__eps" title="Events processed per real second">
        {k.eps > 0 ? `${formatEps(k.eps)} ev/s` : ''}
      </span>
      {k.has && (
        <span className="run-clock__progress" aria-hidden="true">
          <span style={{ width: `${Math.min(100, (k.now / Math.max(k.until, 1)) * 100)}%` }} />
        </span>
      )}
    </span>
  );
}

/** Virtual ms as `12.345 s`, `4:05.2` (m:ss.s) or `2:03:04` (h:mm:ss). */
export function formatClock(ms: number): string {
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(3)} s`;
  if (s < 3600) return `${Math.floor(s / 60)}:${(s % 60).toFixed(1).padStart(4, '0')}`;
  const h = Math.floor(s / 3600);
  return `${h}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(Math.floor(s % 60)).padStart(2, '0')}`;
}

function formatEps(n: number): string {
  if (n < 10_000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(0)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

/** A small number input that commits on Enter or blur; empty means "the topology's value". */
function NumberField(props: {
  label: string;
  unit?: string;
  testId: string;
  value: number | null;
  placeholder: string;
  title: string;
  parse(text: string): number | undefined;
  onCommit(v: number | null): void;
}) {
  const shown = props.value === null ? '' : String(props.value);
  const [draft, setDraft] = useState<string | null>(null);
  const text = draft ?? shown;
  const invalid = text.trim() !== '' && props.parse(text) === undefined;
  const commit = () => {
    if (draft === null) return;
    if (draft.trim() === '') props.onCommit(null);
    else {
      const v = props.parse(draft);
      if (v !== undefined) props.onCommit(v);
    }
    setDraft(null);
  };
  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') commit();
    if (e.key === 'Escape') setDraft(null);
  };
  return (
    <label className="run-field" title={props.title}>
      <span>{props.label}</span>
      <input
        data-testid={props.testId}
        className={`run-input${invalid ? ' run-input--invalid' : ''}`}
        inputMode="decimal"
        aria-invalid={invalid || undefined}
        value={text}
        placeholder={props.placeholder}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={commit}
        onKeyDown={onKey}
      />
      {props.unit && <span className="run-field__unit">{props.unit}</span>}
    </label>
  );
}

/** `?speed=max` (or a number) sets the run speed; `?run=1` itself is handled by the studio's startup. */
function useSpeedParam() {
  useEffect(() => {
    const speed = new URLSearchParams(globalThis.location?.search ?? '').get('speed');
    if (speed === 'max') useStudio.getState().setRunSpeed('max');
    else if (speed && Number(speed) > 0 && Number(speed) <= 1000)
      useStudio.getState().setRunSpeed(Number(speed));
  }, []);
}
