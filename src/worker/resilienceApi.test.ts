import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Topology } from '../model/topology';
import { LINK_STRIDE, LinkField, type Frame } from './frames';
import { createSimulationApi } from './simulationApi';
import { fakeEnv, queueTopology } from './testing';

const example = (name: string): Topology => JSON.parse(readFileSync(new URL(`../../public/examples/${name}.json`, import.meta.url), 'utf8')) as Topology;

function setup() {
  const env = fakeEnv(1);
  const frames: Frame[] = [];
  const api = createSimulationApi(env.deps);
  api.subscribe((f) => void frames.push(f));
  /** Runs as fast as possible to the (load option's) end. */
  const runToEnd = () => {
    api.setSpeed('max');
    api.run();
    env.pump();
    expect(api.status().state).toBe('finished');
  };
  return { api, frames, runToEnd, last: () => frames[frames.length - 1] };
}

describe('worker resilience API', () => {
  it('puts the active faults of the schedule in frames, with their targets as indices', () => {
    const { api, runToEnd, last } = setup();
    const r = api.load(example('circuit-breaker'), { until: 4000 });
    if (!r.ok) throw new Error(r.errors.join('\n'));
    const breaker = r.info.nodes.findIndex((n) => n.id === 'breaker');
    expect(last().faults).toEqual({ active: [], activeCount: 0, total: 1, nodeStates: [] });
    expect(last().invariants).toBeNull();
    expect(last().links).toBeNull();
    runToEnd();
    expect(last().faults!.activeCount).toBe(0);
    expect(last().views[breaker]?.state).toBe('closed');

    // the schedule switches the gateway's error fault on at 5 s: the breaker opens
    api.reset({ until: 6000 });
    runToEnd();
    expect(last().faults!.active).toEqual([{ id: 'gateway-down', type: 'error', node: breaker, edge: -1, since: 5000 }]);
    expect(last().views[breaker]?.state).toBe('open');
    const [state] = api.faultStates();
    expect(state).toMatchObject({ id: 'gateway-down', type: 'error', active: true, activations: 1, at: 5000, for: 6000, since: 5000 });
    expect(state.affected).toBeGreaterThan(5);
  });

  it('switches a fault on and off while paused, and sends a frame that shows it', () => {
    const { api, frames, runToEnd, last } = setup();
    api.load(example('circuit-breaker'), { until: 3000 });
    const before = frames.length;
    expect(api.setFaultActive('gateway-down', true)).toBe(true);
    expect(frames.length).toBe(before + 1);
    expect(last().faults!.active.map((a) => a.id)).toEqual(['gateway-down']);
    // on from the start, the breaker has opened long before its scheduled window
    runToEnd();
    expect(last().views[1]?.state).toMatch(/open/);
    expect(api.setFaultActive('gateway-down', false)).toBe(true);
    expect(last().faults!.activeCount).toBe(0);
    expect(api.faultStates()[0]).toMatchObject({ active: false, activations: 1 });
    expect(api.setFaultActive('no-such-fault', true)).toBe(false);
  });

  it('adds a fault the run did not have (a crash on a run without faults) and reports the crashed node', () => {
    const { api, runToEnd, last } = setup();
    api.load(queueTopology(50, 2000));
    expect(last().faults).toBeNull();
    expect(api.faultStates()).toEqual([]);
    const spec = { id: 'a-down', target: { node: 'a' }, type: 'crash' as const, at: 0 };
    // off for a fault the run does not have: nothing to switch; on without a spec: nothing to add
    expect(api.setFaultActive('a-down', false, spec)).toBe(false);
    expect(api.setFaultActive('a-down', true)).toBe(false);
    expect(() => api.setFaultActive('other', true, spec)).toThrow(/id "a-down"/);
    expect(() => api.setFaultActive('bad', true, { id: 'bad', target: { node: 'a' }, type: 'error', probability: 2 })).toThrow();
    expect(api.setFaultActive('a-down', true, spec)).toBe(true);
    expect(last().faults).toEqual({ active: [{ id: 'a-down', type: 'crash', node: 2, edge: -1, since: 0 }], activeCount: 1, total: 1, nodeStates: [{ node: 2, state: 'crashed' }] });
    runToEnd();
    // the crashed consumer took nothing; its twin did all the work
    expect(api.report()!.nodes.a.completed).toBe(0);
    expect(api.report()!.nodes.b.completed).toBeGreaterThan(50);
  });

  it('reports invariant states in frames and their first offending messages on demand', () => {
    const { api, runToEnd, last } = setup();
    const t = example('circuit-breaker');
    t.invariants = [
      { id: 'all-charged', kind: 'no-loss', from: 'payments', to: 'charged' },
      { id: 'fast', kind: 'latency', at: 'charged', under: 5000 },
    ];
    api.load(t, { until: 4000 });
    expect(last().invariants!.map((s) => s.id)).toEqual(['all-charged', 'fast']);
    runToEnd();
    // before the fault a few calls fail (2 %) and go to the fallback: payments not charged
    api.reset({ until: 12_000 });
    runToEnd();
    const [lost, fast] = last().invariants!;
    expect(lost).toMatchObject({ id: 'all-charged', kind: 'no-loss', ok: false, nodes: ['payments', 'charged'] });
    expect(lost.violations).toBeGreaterThan(10);
    expect('first' in lost).toBe(false);
    expect(fast.ok).toBe(true);
    const full = api.invariantResults()!;
    expect(full[0].violations).toBe(lost.violations);
    expect(full[0].first.length).toBe(10);
    expect(full[0].first[0].message).toMatch(/^m\d+$/);
    api.load(queueTopology());
    expect(api.invariantResults()).toBeNull();
  });

  it('sends per-edge link figures: a saturated slow link is busy and has a backlog', () => {
    const { api, runToEnd, last } = setup();
    const r = api.load(example('tradeoffs-slow-link-plain'), { until: 20_000 });
    if (!r.ok) throw new Error(r.errors.join('\n'));
    runToEnd();
    const links = last().links!;
    expect(links).toHaveLength(r.info.edges.length * LINK_STRIDE);
    const j = r.info.edges.findIndex((e) => e.id === 'wan');
    expect(links[j * LINK_STRIDE + LinkField.HasLink]).toBe(1);
    expect(links[j * LINK_STRIDE + LinkField.Utilization]).toBeGreaterThan(0.95);
    expect(links[j * LINK_STRIDE + LinkField.MeanUtilization]).toBeGreaterThan(0.9);
    expect(links[j * LINK_STRIDE + LinkField.Queued]).toBeGreaterThan(10);
    expect(links[j * LINK_STRIDE + LinkField.InTransit]).toBeGreaterThanOrEqual(links[j * LINK_STRIDE + LinkField.Queued]);
    expect(api.report()!.edges.wan.link!.queued).toBe(links[j * LINK_STRIDE + LinkField.Queued]);

    // the same flow with a link fast enough: light utilization, no backlog to speak of
    const fast = example('tradeoffs-slow-link-plain');
    fast.edges[0].link = { bandwidth: 10_000_000, latency: 100 };
    api.load(fast, { until: 20_000 });
    runToEnd();
    expect(last().links![LinkField.Utilization]).toBeLessThan(0.05);
    expect(last().links![LinkField.Queued]).toBeLessThanOrEqual(1);
  });

  it('pages, filters and exports the audit log of an access-control node', () => {
    const { api, runToEnd } = setup();
    api.load(example('access-control'), { until: 20_000 });
    runToEnd();
    const page = api.auditLog('pubgate', { offset: 0, limit: 20 });
    expect(page.entries).toHaveLength(20);
    expect(page.total).toBeGreaterThan(100);
    expect(page.entries[0]).toMatchObject({ seq: 0, operation: 'publish', decision: expect.stringMatching(/allow|deny/) });
    const next = api.auditLog('pubgate', { offset: 20, limit: 20 });
    expect(next.entries[0].seq).toBe(20);
    const denied = api.auditLog('pubgate', { decision: 'deny', limit: 50 });
    expect(denied.entries.length).toBeGreaterThan(0);
    expect(denied.entries.every((e) => e.decision === 'deny')).toBe(true);
    const exported = JSON.parse(api.exportAudit('pubgate')) as { total: number; entries: unknown[] };
    expect(exported.total).toBe(page.total);
    expect(exported.entries.length).toBe(page.kept);
    expect(api.accessPolicy('pubgate')).toMatchObject({ index: expect.any(Number), default: expect.stringMatching(/allow|deny/) });
    expect(() => api.auditLog('broker')).toThrow(/not an access-control node/);
    expect(() => api.auditLog('nope')).toThrow(/no node/);
  });

  it('gives a conversation as a sequence diagram and as OTLP JSON', () => {
    const { api, runToEnd, frames } = setup();
    api.load(queueTopology(20, 2000));
    runToEnd();
    const seq = frames.find((f) => f.spans)!.spans!.msg[0];
    const m = api.findMessage(seq)!;
    const d = api.conversation(m.correlationId);
    expect(d.truncated).toBe(0);
    expect(d.participants.map((p) => p.id).slice(0, 2)).toEqual(['orders', 'queue']);
    expect(d.steps[0]).toMatchObject({ kind: 'send', from: 'orders', to: 'queue', messageId: m.id, edgeId: 'e1' });
    expect(d.steps.at(-1)!.kind).toMatch(/complete|dead-letter/);
    const otlp = JSON.parse(api.exportConversation(m.correlationId)) as {
      resourceSpans: { scopeSpans: { spans: { traceId: string; parentSpanId: string; name: string }[] }[] }[];
    };
    const spans = otlp.resourceSpans[0].scopeSpans[0].spans;
    expect(spans.length).toBeGreaterThanOrEqual(2);
    expect(new Set(spans.map((s) => s.traceId)).size).toBe(1);
    expect(spans[0].parentSpanId).toBe('');
    expect(spans[1].parentSpanId).not.toBe('');
    expect(api.conversation('no-such-conversation').steps).toEqual([]);
  });

  it('tells why a message was dropped: a filter’s drop carries its rule', () => {
    const { api, runToEnd, frames } = setup();
    const r = api.load(example('message-filter'), { until: 5000 });
    if (!r.ok) throw new Error(r.errors.join('\n'));
    runToEnd();
    const dropped = r.info.outcomes.indexOf('dropped');
    let seq = -1;
    for (const f of frames) {
      const s = f.spans;
      if (!s) continue;
      for (let k = 0; k < s.count && seq < 0; k++) if (s.outcome[k] === dropped) seq = s.msg[k];
    }
    expect(seq).toBeGreaterThanOrEqual(0);
    const m = api.findMessage(seq)!;
    expect(m.deadLetterReason).toBe('filtered');
    expect(m.deadLetterDetail).toMatch(/\S/);
    const kept = api.findMessage(frames.find((f) => f.spans)!.spans!.msg[0]);
    expect(kept).toHaveProperty('deadLetterReason');
  });
});
