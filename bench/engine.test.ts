/**
 * The engine benchmark's models and plumbing, at small sizes: the models are valid topologies, the heap
 * sizes it claims are the ones measured, the results are what theory says, and a missing SimPy is reported
 * rather than crashing. No timing is asserted.
 */
import { describe, expect, it } from 'vitest';
import { validateTopology } from '../src/model/topology';
import {
  benchEngine,
  formatEngineResult,
  HOLDERS,
  median,
  mm1HeldTopology,
  mm1Topology,
  pipelineRateFor,
  pipelineTopology,
  runSimpyBaseline,
  STAGE_MS,
  type EngineBenchResult,
} from './engine';

describe('engine benchmark models', () => {
  it('are valid topologies: the M/M/1 and the 50-node pipeline', () => {
    expect(validateTopology(mm1Topology(3)).ok).toBe(true);
    expect(validateTopology(mm1HeldTopology(1000)).ok).toBe(true);
    const pipe = pipelineTopology(pipelineRateFor(1000));
    expect(validateTopology(pipe).ok).toBe(true);
    expect(pipe.nodes).toHaveLength(50);
  });

  it('median', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

describe('benchEngine at small sizes', () => {
  const result = benchEngine({
    lowPending: 50,
    highPending: 400,
    windowEvents: 20_000,
    windows: 3,
    mm1Messages: 20_000,
    simpy: false,
  });

  it('measures the pending counts it is meant to have', () => {
    const [single, mm1Low, mm1High, pipeLow, pipeHigh] = result.scenarios;
    expect(result.scenarios).toHaveLength(5);
    expect(single.meanPending).toBeLessThan(4);
    // the hold load keeps about `pending` timers (Poisson count around its mean), plus a few of the M/M/1's
    // (each holder's producer keeps one arrival timer pending too)
    expect((mm1Low.meanPending - HOLDERS) / 50).toBeGreaterThan(0.8);
    expect((mm1Low.meanPending - HOLDERS) / 50).toBeLessThan(1.25);
    expect((mm1High.meanPending - HOLDERS) / 400).toBeGreaterThan(0.85);
    expect((mm1High.meanPending - HOLDERS) / 400).toBeLessThan(1.15);
    expect(pipeLow.meanPending / 50).toBeGreaterThan(0.8);
    expect(pipeLow.meanPending / 50).toBeLessThan(1.2);
    expect(pipeHigh.meanPending / 400).toBeGreaterThan(0.85);
    expect(pipeHigh.meanPending / 400).toBeLessThan(1.15);
    expect(pipeHigh.nodes).toBe(50);
  });

  it('runs the models it claims: M/M/1 latency near 1/(μ−λ) = 50 ms, pipeline latency 24 stages × 40 ms', () => {
    for (const s of result.scenarios.filter((x) => x.model === 'mm1')) {
      expect(s.meanLatencyMs).toBeGreaterThan(35);
      expect(s.meanLatencyMs).toBeLessThan(70);
    }
    for (const s of result.scenarios.filter((x) => x.model === 'pipeline'))
      expect(s.meanLatencyMs).toBeCloseTo(24 * STAGE_MS, 6);
    for (const s of result.scenarios) {
      expect(s.eventsPerSecond).toBeGreaterThan(0);
      expect(s.messagesPerSecond).toBeGreaterThan(0);
      expect(s.eventsRange[0]).toBeLessThanOrEqual(s.eventsPerSecond);
      expect(s.eventsRange[1]).toBeGreaterThanOrEqual(s.eventsPerSecond);
    }
  });

  it('prints a table with every scenario and the two ratios', () => {
    const text = formatEngineResult(result);
    for (const s of result.scenarios) expect(text).toContain(s.name);
    expect(text).toMatch(/M\/M\/1: throughput at .* pending \/ at .* pending = \d+\.\d\d \(events\/s\)/);
    expect(text).toMatch(/pipeline: throughput at .* pending \/ at .* pending = \d+\.\d\d \(events\/s\)/);
    expect(text).not.toContain('ours / SimPy');
    expect(text).not.toContain('SimPy baseline');
  });
});

describe('the SimPy baseline', () => {
  it('is skipped with a reason when the interpreter is missing', () => {
    const r = runSimpyBaseline(100, 1, 1, '/nonexistent/python3');
    expect(r).toEqual({ ok: false, reason: '/nonexistent/python3 not found' });
    const fake: EngineBenchResult = { ...emptyResult(), simpy: r };
    expect(formatEngineResult(fake)).toContain('SimPy baseline skipped: /nonexistent/python3 not found');
  });

  it('runs the same M/M/1 when /usr/bin/python3 has simpy, or says why not', () => {
    const r = runSimpyBaseline(2_000, 1);
    if (r.ok) {
      expect(r.messages).toBe(2_000);
      expect(r.messagesPerSecond).toBeGreaterThan(0);
      expect(r.meanLatencyMs).toBeGreaterThan(20);
      expect(r.meanLatencyMs).toBeLessThan(120);
    } else expect(r.reason).toMatch(/not found|not importable|exited/);
  });
});

function emptyResult(): EngineBenchResult {
  return {
    options: { lowPending: 1, highPending: 2, windowEvents: 1, windows: 1, mm1Messages: 1, simpy: true },
    scenarios: [],
    simpy: null,
  };
}
