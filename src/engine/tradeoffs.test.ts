/**
 * The trade-offs pair (public/examples/tradeoffs-slow-link-*.json): one flow over a slow link, without and
 * with batching and compression. Throughput and latency must differ in the direction and by roughly the
 * magnitude that simple queueing estimates give:
 *
 * - plain, offered load ρ = λ·s/B > 1: the link delivers B/s messages per second, the backlog grows, and
 *   message n waits n·(s/B − 1/λ); over the messages that arrive by T the mean latency is
 *   (T − L)/2 · (1 − 1/ρ) + s/B + L;
 * - batched by n and compressed: every message gets through (throughput λ), the link is busy
 *   (λ/n)·b/B of the time (b = wire bytes of a compressed batch), and a message waits (n − 1)/(2λ) for its
 *   batch to fill, then b/B on the wire and L of latency;
 * - at low load the trade reverses: batching only adds the wait for the batch (the time window).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateTopologyText, type Topology } from '../model/topology';
import { buildReport, type RunReport } from './report';
import { Simulation } from './Simulation';

const load = (name: string): Topology => {
  const r = validateTopologyText(readFileSync(resolve(__dirname, `../../public/examples/${name}.json`), 'utf8'));
  if (!r.ok) throw new Error(`${name}: ${r.errors[0].message}`);
  return r.topology;
};

/** Runs a topology, optionally with another producer rate; the report, with the run for its node views. */
function run(topology: Topology, rate?: number): RunReport & { sim: Simulation } {
  const t = structuredClone(topology);
  if (rate !== undefined) (t.nodes.find((n) => n.id === 'shop')!.config as { rate: number }).rate = rate;
  const sim = new Simulation(t);
  sim.run();
  return { ...buildReport(sim), sim };
}

const plainTopology = load('tradeoffs-slow-link-plain');
const batchedTopology = load('tradeoffs-slow-link-batched');
const link = plainTopology.edges[0].link!;
const B = link.bandwidth;
const L = link.latency as number;
const T = plainTopology.simulation!.until! / 1000;
const batchSize = (batchedTopology.nodes.find((n) => n.id === 'batch')!.config as { maxCount: number }).maxCount;

describe('trade-offs: a slow link with and without batching and compression', () => {
  const plain = run(plainTopology);
  const batched = run(batchedTopology);
  const lambda = plain.totals.produced / T;

  it('plain: the link saturates, throughput is B/s and latency grows as the backlog does', () => {
    const wire = plain.edges.wan.link!;
    const s = wire.bytes / wire.messages;
    const rho = (lambda * s) / B;
    expect(rho).toBeGreaterThan(1.5);
    expect(wire.utilization).toBeGreaterThan(0.99);
    const throughput = plain.nodes.warehouse.completed / T;
    expect(throughput / (B / s)).toBeGreaterThan(0.97);
    expect(throughput / (B / s)).toBeLessThan(1.01);
    const estimate = ((T - L / 1000) / 2) * (1 - 1 / rho) * 1000 + (s / B) * 1000 + L;
    expect(plain.totals.latency.mean / estimate).toBeGreaterThan(0.9);
    expect(plain.totals.latency.mean / estimate).toBeLessThan(1.1);
  });

  it('batched and compressed: every order gets through, each waits about (n − 1)/2λ for its batch', () => {
    const wire = batched.edges.wan.link!;
    const batchBytes = wire.bytes / wire.messages;
    // everything produced arrives but the last partial batch and what is on its way
    expect(batched.nodes.warehouse.completed).toBeGreaterThan(batched.totals.produced - 2 * batchSize);
    const expectedUtilization = ((lambda / batchSize) * batchBytes) / B;
    expect(wire.utilization / expectedUtilization).toBeGreaterThan(0.9);
    expect(wire.utilization / expectedUtilization).toBeLessThan(1.1);
    expect(wire.utilization).toBeLessThan(0.5);
    const estimate = ((batchSize - 1) / (2 * lambda)) * 1000 + (batchBytes / B) * 1000 + L;
    expect(batched.totals.latency.mean / estimate).toBeGreaterThan(0.9);
    expect(batched.totals.latency.mean / estimate).toBeLessThan(1.15);
  });

  it('compares as theory says: throughput up by about ρ, latency down by an order of magnitude', () => {
    const wire = plain.edges.wan.link!;
    const rho = (lambda * wire.bytes) / wire.messages / B;
    const gain = batched.nodes.warehouse.completed / plain.nodes.warehouse.completed;
    expect(gain).toBeGreaterThan(rho * 0.95);
    expect(gain).toBeLessThan(rho * 1.05);
    expect(plain.totals.latency.mean / batched.totals.latency.mean).toBeGreaterThan(10);
    // compression is what makes the batches fit: uncompressed, the batches alone would need more than B
    const gzip = batched.sim.views()[batched.sim.indexOf('gzip')]!.figures!;
    expect(gzip.ratio).toBeGreaterThan(5);
    const rawBatchBytes = gzip.bytesIn / gzip.compressed;
    expect(((lambda / batchSize) * rawBatchBytes) / B).toBeGreaterThan(1);
  });

  it('reverses at low load: both deliver everything, but batching only adds the wait for the window', () => {
    const slowRate = 10;
    const plainLow = run(plainTopology, slowRate);
    const batchedLow = run(batchedTopology, slowRate);
    const wire = plainLow.edges.wan.link!;
    const s = wire.bytes / wire.messages;
    const rho = (slowRate * s) / B;
    const service = (s / B) * 1000;
    // M/D/1 on the link: Wq = ρS/(2(1 − ρ))
    const plainEstimate = (rho * service) / (2 * (1 - rho)) + service + L;
    expect(plainLow.totals.latency.mean / plainEstimate).toBeGreaterThan(0.9);
    expect(plainLow.totals.latency.mean / plainEstimate).toBeLessThan(1.1);
    // 100 orders take 10 s to come at 10/s, so the 2 s window flushes: a message waits about half of it
    const window = (batchedTopology.nodes.find((n) => n.id === 'batch')!.config as { window: number }).window;
    expect(batchedLow.totals.latency.mean).toBeGreaterThan(window / 2);
    expect(batchedLow.totals.latency.mean).toBeLessThan(window * 0.75 + L + 100);
    expect(batchedLow.totals.latency.mean / plainLow.totals.latency.mean).toBeGreaterThan(5);
    expect(plainLow.nodes.warehouse.completed).toBeGreaterThan(plainLow.totals.produced - 5);
    expect(batchedLow.nodes.warehouse.completed).toBeGreaterThan(batchedLow.totals.produced - 2 * slowRate * (window / 1000));
  });
});
