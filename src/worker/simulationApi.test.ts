import { describe, expect, it } from 'vitest';
import { buildReport } from '../engine/report';
import { Simulation } from '../engine/Simulation';
import { validateTopology } from '../model/topology';
import { frameBytes } from './frameBuilder';
import { EDGE_STRIDE, EdgeField, NODE_STRIDE, NodeField, type Frame } from './frames';
import { createSimulationApi } from './simulationApi';
import { fakeEnv, queueTopology } from './testing';

function setup(options: Parameters<typeof createSimulationApi>[1] = {}, tick = 0.25) {
  const env = fakeEnv(tick);
  const frames: Frame[] = [];
  const stamps: number[] = [];
  const api = createSimulationApi(env.deps, options);
  api.subscribe((f) => {
    frames.push(f);
    stamps.push(env.time());
  });
  return { env, api, frames, stamps };
}

describe('simulation API', () => {
  it('refuses an invalid topology with located errors, and loads a valid one paused at time 0', () => {
    const { api, frames } = setup();
    const bad = queueTopology();
    (bad.nodes[0].config as Record<string, unknown>).rate = -5;
    const r = api.load(bad);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.join('\n')).toMatch(/nodes\[0\]\.config\.rate \(node "orders"\): E122/);
    expect(frames).toHaveLength(0);

    const ok = api.load(queueTopology());
    expect(ok.ok).toBe(true);
    if (!ok.ok) return;
    expect(ok.info.nodes.map((n) => n.id)).toEqual(['orders', 'queue', 'a', 'b', 'dlq']);
    expect(ok.info.edges[1]).toEqual({ id: 'e2', source: 1, target: 2 });
    expect(ok.info.outcomes[1]).toBe('completed');
    expect(frames).toHaveLength(1);
    expect(frames[0]).toMatchObject({ state: 'paused', now: 0, runId: ok.info.runId });
    expect(api.status().state).toBe('paused');
  });

  it('runs as fast as possible to the end with the same trace digest as the engine in Node', () => {
    const { env, api, frames } = setup({}, 1);
    api.load(queueTopology(200, 20_000), { seed: 11 });
    api.setSpeed('max');
    api.run();
    env.pump();
    expect(api.status().state).toBe('finished');
    const last = frames[frames.length - 1];
    expect(last.state).toBe('finished');
    expect(last.now).toBe(20_000);

    const checked = validateTopology(queueTopology(200, 20_000));
    if (!checked.ok) throw new Error('invalid');
    const sim = new Simulation(checked.topology, { seed: 11 });
    sim.run();
    expect(api.report()!.traceDigest).toBe(buildReport(sim).traceDigest);
    expect(api.report()!.events).toBe(sim.events);
    // the last frame's counters are the engine's
    const a = 2 * NODE_STRIDE;
    expect(last.nodes[a + NodeField.Received]).toBe(buildReport(sim).nodes.a.received);
    expect(last.edges[1 * EDGE_STRIDE + EdgeField.Messages]).toBe(buildReport(sim).edges.e2.messages);
    expect(last.totals.completed).toBe(sim.metrics.completed);
  });

  it('sends at most one frame per frameMs while running (≤ ~30 a second), plus forced ones on pause and end', () => {
    const { env, api, frames, stamps } = setup({ frameMs: 33, batch: 64 }, 0.5);
    api.load(queueTopology(5000, 10_000_000));
    api.setSpeed('max');
    api.run();
    env.pump(400);
    api.pause();
    const running = frames.map((f, i) => ({ f, t: stamps[i] })).filter(({ f }) => f.state === 'running');
    expect(running.length).toBeGreaterThan(5);
    for (let i = 1; i < running.length; i++)
      expect(running[i].t - running[i - 1].t).toBeGreaterThanOrEqual(33);
    const span = running[running.length - 1].t - running[0].t;
    expect(running.length - 1).toBeLessThanOrEqual(span / 33 + 1e-9);
    expect(frames[frames.length - 1].state).toBe('paused');
  });

  it('keeps frames bounded in size whatever the message rate', () => {
    const sizes = (rate: number, speed: number | 'max') => {
      const { env, api, frames } = setup({ maxSpansPerFrame: 2000, batch: 128 }, 0.5);
      api.load(queueTopology(rate, 10_000_000));
      api.setSpeed(speed);
      api.run();
      env.pump(300);
      api.pause();
      return {
        max: Math.max(...frames.map(frameBytes)),
        skipped: frames.reduce((s, f) => s + f.spansSkipped, 0),
        spans: Math.max(...frames.map((f) => f.spans?.count ?? 0)),
      };
    };
    const slow = sizes(10, 1);
    const fast = sizes(100_000, 'max');
    // a frame holds at most maxSpansPerFrame spans (the rest are skipped, not queued)
    expect(fast.spans).toBe(2000);
    expect(fast.skipped).toBeGreaterThan(0);
    expect(slow.skipped).toBe(0);
    // 5 nodes, 6 edges, 2000 spans of ~58 bytes: the bound does not depend on the rate
    const bound = 5 * NODE_STRIDE * 8 + 6 * EDGE_STRIDE * 8 + 2000 * 58 + 4096;
    expect(fast.max).toBeLessThanOrEqual(bound);
  });

  it('advances virtual time by real time × speed', () => {
    const { env, api, frames } = setup({}, 0.01);
    api.load(queueTopology(50, 600_000));
    api.setSpeed(2);
    api.run();
    const start = env.time();
    env.pump(1);
    env.advance(1000);
    env.pump(1);
    const elapsed = env.time() - start;
    expect(api.status().now).toBeGreaterThan(0);
    expect(api.status().now).toBeLessThanOrEqual(elapsed * 2 + 1e-6);
    expect(api.status().now).toBeGreaterThanOrEqual(1990);
    api.setSpeed(0.1);
    const before = api.status().now;
    env.advance(1000);
    env.pump(2);
    expect(api.status().now - before).toBeLessThanOrEqual(0.1 * (1000 + 50));
    expect(frames.some((f) => f.state === 'running')).toBe(true);
  });

  it('steps one event at a time, and reset starts again from zero with new options', () => {
    const { api, frames } = setup();
    const r = api.load(queueTopology());
    expect(api.step()).toBe(true);
    expect(api.status().events).toBe(1);
    expect(api.step()).toBe(true);
    expect(api.status().events).toBe(2);
    expect(frames[frames.length - 1].events).toBe(2);
    const again = api.reset({ seed: 99, until: 5000 });
    expect(again.ok && again.info.runId).toBe((r.ok ? r.info.runId : 0) + 1);
    expect(again.ok && again.info.seed).toBe(99);
    expect(api.status()).toMatchObject({ events: 0, now: 0, state: 'paused' });
  });

  it('lists dead letters with origin ids and reasons, and reprocesses them', () => {
    const { env, api } = setup({}, 1);
    api.load(queueTopology(100, 2000, 1));
    api.setSpeed('max');
    api.run();
    env.pump();
    const page = api.deadLetters('dlq', 0, 10);
    expect(page.total).toBeGreaterThan(50);
    expect(page.items).toHaveLength(10);
    expect(['a', 'b']).toContain(page.items[0].origin);
    expect(page.byReason.error).toBe(page.total);
    expect(typeof page.items[0].payload).toBe('string');
    expect(api.reprocess('dlq', page.items[0].id)).toBe(1);
    expect(api.deadLetters('dlq').total).toBe(page.total - 1);
    // reprocessing gives a finished run new work
    expect(api.status().state).toBe('paused');
    expect(api.reprocessAll('dlq')).toBe(page.total - 1);
    expect(api.deadLetters('dlq').total).toBe(0);
    expect(() => api.deadLetters('orders')).toThrow(/has no actions/);
  });

  it('sends every span once, in order, with correlation ids and strings to decode them', () => {
    const { env, api, frames } = setup({}, 0.5);
    api.load(queueTopology(100, 3000));
    api.setSpeed('max');
    api.run();
    env.pump();
    const strings: string[] = [];
    let next = 0;
    for (const f of frames) {
      expect(f.stringsFrom).toBe(strings.length);
      strings.push(...f.strings);
      if (!f.spans) continue;
      expect(f.spansSkipped).toBe(0);
      expect(f.spans.from).toBe(next);
      next += f.spans.count;
      for (let k = 0; k < f.spans.count; k++) expect(f.spans.corr[k]).toBe(-1);
    }
    const report = api.report()!;
    expect(next).toBeGreaterThan(500);
    expect(strings).toContain('PlaceOrder');
    // a message from the trace: envelope, headers and payload text
    const seq = frames.find((f) => f.spans)!.spans!.msg[0];
    const m = api.findMessage(seq)!;
    expect(m.id).toBe('m' + seq);
    expect(m.type).toBe('PlaceOrder');
    expect(JSON.parse(m.payload)).toEqual({ n: expect.any(Number) });
    expect(report.totals.produced).toBeGreaterThan(200);
  });

  it('reports latency quantiles for watched nodes only', () => {
    const { env, api, frames } = setup({}, 1);
    api.load(queueTopology(100, 3000));
    api.watch(['a', 'nope', 'b']);
    api.setSpeed('max');
    api.run();
    env.pump();
    const last = frames[frames.length - 1];
    expect(last.nodeLatency.map((l) => l.node)).toEqual([2, 3]);
    expect(last.nodeLatency[0].latency.p99).toBeGreaterThanOrEqual(last.nodeLatency[0].latency.p50);
    expect(last.latency.count).toBe(last.totals.completed);
  });
});
