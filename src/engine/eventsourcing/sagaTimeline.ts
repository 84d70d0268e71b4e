/**
 * Saga timelines across a run: an orchestrated saga's log comes from its orchestrator; a choreographed
 * saga has no orchestrator, so its timeline is rebuilt from the logs every participant keeps for the
 * correlation id, merged in time order. Used by the worker for the studio's saga panel.
 *
 * @example
 * const tl = sagaTimeline(sim, 'm17'); // { id: 'm17', state: 'compensated', entries: [...] }
 */
import type { Simulation } from '../Simulation';
import { SAGA_STATES, type SagaLogEntry, type SagaState } from './sagaLog';

/** A saga's timeline: its entries in time order and the state they add up to. */
export interface SagaTimeline {
  id: string;
  /** `orchestrated` when an orchestrator ran it, else `choreographed`. */
  style: 'orchestrated' | 'choreographed';
  state: SagaState;
  /** Step names in order of first appearance (or the orchestrator's steps). */
  steps: string[];
  entries: SagaLogEntry[];
}

/** A saga instance as listed. */
export interface SagaSummary {
  id: string;
  style: 'orchestrated' | 'choreographed';
  node: string;
  state: SagaState;
  startedAt: number;
}

/** The state a choreographed saga's entries add up to. */
export function choreographyState(entries: readonly SagaLogEntry[]): SagaState {
  let failed = false;
  const done = new Set<string>();
  const undone = new Set<string>();
  let working = 0;
  for (const e of entries) {
    const key = `${e.node}/${e.step}`;
    if (e.type === 'StepStarted') working++;
    else if (e.type === 'StepCompleted') {
      working--;
      done.add(key);
    } else if (e.type === 'StepFailed') {
      working--;
      failed = true;
    } else if (e.type === 'CompensationCompleted') undone.add(key);
  }
  if (!failed) return working > 0 ? 'running' : 'completed';
  for (const k of done) if (!undone.has(k)) return 'compensating';
  return 'compensated';
}

/** The timeline of one saga by correlation id, or null when no saga node knows it. */
export function sagaTimeline(sim: Simulation, correlationId: string): SagaTimeline | null {
  for (const n of sim.nodes) {
    if (n.kind !== 'saga-orchestrator') continue;
    const tl = sim.action(n.id, 'timeline', { id: correlationId }) as {
      state: SagaState;
      steps: { name: string }[];
      log: SagaLogEntry[];
    } | null;
    if (tl)
      return {
        id: correlationId,
        style: 'orchestrated',
        state: tl.state,
        steps: tl.steps.map((s) => s.name),
        entries: tl.log,
      };
  }
  const entries: SagaLogEntry[] = [];
  for (const n of sim.nodes) {
    if (n.kind !== 'saga-participant') continue;
    const l = sim.action(n.id, 'log', { correlationId }) as { log: SagaLogEntry[] } | null;
    if (l) entries.push(...l.log);
  }
  if (!entries.length) return null;
  entries.sort((a, b) => a.t - b.t || a.n - b.n);
  const steps: string[] = [];
  for (const e of entries) if (e.step !== null && !steps.includes(e.step)) steps.push(e.step);
  return { id: correlationId, style: 'choreographed', state: choreographyState(entries), steps, entries };
}

/** The newest saga instances of the run (orchestrated and choreographed), with counts by state. */
export function sagaInstances(
  sim: Simulation,
  limit = 200,
  state: SagaState | null = null,
): { counts: Record<SagaState, number>; items: SagaSummary[] } {
  const counts = Object.fromEntries(SAGA_STATES.map((s) => [s, 0])) as Record<SagaState, number>;
  const items: SagaSummary[] = [];
  for (const n of sim.nodes) {
    if (n.kind !== 'saga-orchestrator') continue;
    const r = sim.action(n.id, 'instances', { limit: 1000, state: state ?? undefined }) as {
      counts: Record<SagaState, number>;
      items: { id: string; state: SagaState; startedAt: number }[];
    };
    for (const s of SAGA_STATES) counts[s] += r.counts[s];
    for (const i of r.items)
      items.push({ id: i.id, style: 'orchestrated', node: n.id, state: i.state, startedAt: i.startedAt });
  }
  const seen = new Set<string>();
  for (const n of sim.nodes) {
    if (n.kind !== 'saga-participant') continue;
    const ids = sim.action(n.id, 'correlations', { limit: 1000 }) as { id: string }[];
    for (const { id } of ids) {
      if (seen.has(id)) continue;
      seen.add(id);
      const tl = sagaTimeline(sim, id);
      if (!tl || tl.style !== 'choreographed') continue;
      counts[tl.state]++;
      if (state === null || tl.state === state)
        items.push({
          id,
          style: 'choreographed',
          node: n.id,
          state: tl.state,
          startedAt: tl.entries[0]?.t ?? 0,
        });
    }
  }
  items.sort((a, b) => b.startedAt - a.startedAt);
  return { counts, items: items.slice(0, limit) };
}
