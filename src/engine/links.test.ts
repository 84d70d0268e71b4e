import { describe, expect, it } from 'vitest';
import type { Message } from '../model/message';
import { validateTopology } from '../model/topology';
import { ENVELOPE_OVERHEAD_BYTES, headerBytes, Link, messageBytes } from './links';
import { Rng } from './rng';
import { buildTopology, TestSimulation } from './testing/TestSimulation';

const rng = () => Rng.forStream(1, 'link-test');

/** A topology: producer → sink over one edge with a link; `size` is the message's wire size. */
function overLink(rate: number, arrival: 'poisson' | 'constant', link: Record<string, unknown>, until = 200_000) {
  const topology = buildTopology(
    {
      src: ['producer', { rate, arrival, message: { type: 'T', payload: { blob: 'x'.repeat(100) } } }],
      dst: 'sink',
    },
    ['src -> dst'],
    { until },
  );
  (topology.edges[0] as { link?: unknown }).link = link;
  return new TestSimulation(topology);
}

// {"blob":"x…x"} = 2 + 6 + 1 + 102 = 111 bytes, no headers, plus the envelope
const SIZE = 111 + ENVELOPE_OVERHEAD_BYTES;

describe('Link', () => {
  it('serializes one message after another, then adds the latency', () => {
    const link = new Link({ bandwidth: 1000, latency: 5 }, rng());
    expect(link.transmit(0, 100)).toBe(105); // 100 ms on the wire + 5
    expect(link.transmit(0, 100)).toBe(205); // waits for the first
    expect(link.queued(0)).toBe(2);
    expect(link.queued(150)).toBe(1);
    // at t = 150, 200 ms of work were sent but 50 of them are still ahead: busy all along
    expect(link.utilization(150)).toBeCloseTo(1, 12);
    expect(link.transmit(500, 50)).toBe(555); // idle wire: starts at once
    expect(link.report(600)).toMatchObject({ messages: 3, bytes: 250, queued: 0, maxQueued: 2 });
    // busy 250 ms of 600
    expect(link.utilization(600)).toBeCloseTo(250 / 600, 12);
    expect(link.report(600).meanQueueDelay).toBeCloseTo(100 / 3, 12);
  });

  it('delivers in order even when the latency is random', () => {
    const link = new Link({ bandwidth: 1e6, latency: { dist: 'exponential', mean: 50 } }, rng());
    let last = 0;
    for (let i = 0; i < 2000; i++) {
      const at = link.transmit(i * 0.5, 100);
      expect(at).toBeGreaterThanOrEqual(last);
      last = at;
    }
  });

  it('sizes a message as payload JSON + header bytes + envelope', () => {
    const m = { payload: { a: 'é' }, headers: { k: 'vv', ü: '1' } } as unknown as Message;
    expect(headerBytes(m.headers)).toBe(1 + 2 + 2 + 1);
    expect(messageBytes(m)).toBe(Buffer.byteLength('{"a":"é"}') + 6 + ENVELOPE_OVERHEAD_BYTES);
  });
});

describe('links in a run', () => {
  it('is validated in the file: bandwidth > 0, latency a number or a distribution', () => {
    const t = buildTopology({ a: 'producer', b: 'sink' }, ['a -> b']);
    (t.edges[0] as { link?: unknown }).link = { bandwidth: 0 };
    const bad = validateTopology(t);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors[0]).toMatchObject({ path: 'edges[0].link.bandwidth', edgeId: 'e1' });
    (t.edges[0] as { link?: unknown }).link = { bandwidth: 1000, latency: { dist: 'uniform', min: 1, max: 3 } };
    expect(validateTopology(t).ok).toBe(true);
    (t.edges[0] as { link?: unknown }).link = { bandwidth: 1000, jitter: 3 };
    expect(validateTopology(t).ok).toBe(false);
  });

  it('measures utilization λ·s/B and the M/D/1 queueing delay of Poisson arrivals', () => {
    // ρ = 0.7: 1000·0.7/SIZE messages per second of SIZE bytes on a 1000 B/s... scaled to 100 kB/s
    const bandwidth = 100_000;
    const rho = 0.7;
    const rate = (rho * bandwidth) / SIZE;
    const t = overLink(rate, 'poisson', { bandwidth, latency: 10 }, 400_000);
    const r = t.run();
    const link = r.edges.e1.link!;
    expect(link.bytes).toBe(link.messages * SIZE);
    expect(link.utilization).toBeGreaterThan(rho - 0.03);
    expect(link.utilization).toBeLessThan(rho + 0.03);
    // M/D/1: Wq = ρ·S / (2(1−ρ)), S = SIZE/B
    const service = (SIZE / bandwidth) * 1000;
    const wq = (rho * service) / (2 * (1 - rho));
    expect(link.meanQueueDelay).toBeGreaterThan(wq * 0.85);
    expect(link.meanQueueDelay).toBeLessThan(wq * 1.15);
    // end-to-end latency = wait + serialization + propagation
    expect(r.totals.latency.mean).toBeCloseTo(wq + service + 10, -0.5);
  });

  it('caps throughput at B/s when saturated, and the backlog grows', () => {
    const bandwidth = 10_000;
    const capacity = bandwidth / SIZE; // messages per second
    const t = overLink(capacity * 2, 'constant', { bandwidth }, 100_000);
    const r = t.run();
    const delivered = r.nodes.dst.completed;
    expect(delivered / 100).toBeGreaterThan(capacity * 0.98);
    expect(delivered / 100).toBeLessThan(capacity * 1.01);
    expect(r.edges.e1.link!.utilization).toBeGreaterThan(0.99);
    // half of what was sent is still waiting for the wire
    expect(r.edges.e1.link!.queued).toBeGreaterThan(r.edges.e1.messages * 0.45);
    // queued messages are in flight: nothing is lost
    const a = t.accounting();
    expect(a.inTransit).toBe(a.inFlight);
    expect(a.produced).toBe(a.completed + a.inFlight);
  });

  it('leaves edges without a link instant and out of the link report', () => {
    const t = TestSimulation.of({ a: ['producer', { rate: 50 }], b: 'sink' }, ['a -> b'], { until: 10_000 });
    const r = t.run();
    expect(r.edges.e1.link).toBeUndefined();
    expect(r.totals.latency.max).toBe(0);
  });

  it('is deterministic by seed with random latency', () => {
    const run = () => overLink(200, 'poisson', { bandwidth: 50_000, latency: { dist: 'exponential', mean: 20 } }, 20_000).run();
    expect(run().traceDigest).toBe(run().traceDigest);
  });
});
