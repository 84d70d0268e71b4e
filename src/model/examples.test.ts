/**
 * Every example in public/examples is a valid topology that runs for its whole `until` in Node and does
 * something real, and the gallery manifest (public/examples/index.json) lists exactly the example files.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildReport } from '../engine/report';
import { Simulation } from '../engine/Simulation';
import { catalogEntries, FAMILIES, getCatalogEntry } from './catalog';
import { validateTopologyText, type Topology } from './topology';

const DIR = resolve(__dirname, '../../public/examples');
const FILES = readdirSync(DIR)
  .filter((f) => f.endsWith('.json') && f !== 'index.json')
  .sort();

interface GalleryEntry {
  name: string;
  file: string;
  title: string;
  description: string;
  family: string;
  kinds: string[];
}

const manifest = JSON.parse(readFileSync(join(DIR, 'index.json'), 'utf8')) as { examples: GalleryEntry[] };

function load(file: string): Topology {
  const result = validateTopologyText(readFileSync(join(DIR, file), 'utf8'));
  if (!result.ok)
    throw new Error(
      `${file} is invalid:\n${result.errors.map((e) => `${e.path}: ${e.code} ${e.message}`).join('\n')}`,
    );
  return result.topology;
}

describe('public/examples/index.json', () => {
  it('lists exactly the example files present, once each', () => {
    const listed = manifest.examples.map((e) => e.file);
    expect(new Set(listed).size, 'a file is listed twice').toBe(listed.length);
    expect([...listed].sort(), 'index.json must list every public/examples/*.json file and no other').toEqual(
      FILES,
    );
  });

  const families: readonly string[] = FAMILIES.map((f) => f.id);
  it.each(manifest.examples.map((e) => [e.file, e] as const))(
    '%s has a complete, truthful entry',
    (file, entry) => {
      expect(Object.keys(entry).sort()).toEqual(['description', 'family', 'file', 'kinds', 'name', 'title']);
      expect(entry.file).toBe(`${entry.name}.json`);
      expect(entry.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(entry.title.trim().length).toBeGreaterThan(0);
      expect(entry.description.trim().length).toBeGreaterThan(0);
      expect(entry.description, 'the description is one line').not.toContain('\n');
      expect(families).toContain(entry.family);
      const topology = load(file);
      const kinds = [...new Set(topology.nodes.map((n) => n.kind))].sort();
      expect([...entry.kinds].sort(), '"kinds" must be the kinds the file uses').toEqual(kinds);
      expect(
        kinds.some((k) => getCatalogEntry(k)?.family === entry.family),
        `family "${entry.family}" must be the family of one of its kinds`,
      ).toBe(true);
    },
  );

  it('has at least one example for every kind in the catalog', () => {
    const covered = new Set(manifest.examples.flatMap((e) => e.kinds));
    const missing = catalogEntries()
      .map((e) => e.kind)
      .filter((k) => !covered.has(k));
    expect(missing, 'add an example to public/examples (and index.json) for these kinds').toEqual([]);
  });
});

describe.each(FILES)('example %s', (file) => {
  it('validates, runs its whole `until` and does real work with every message accounted for', () => {
    const topology = load(file);
    const sim = new Simulation(topology);
    const status = sim.run();
    expect(status.finished).toBe(true);
    expect(sim.now).toBe(sim.settings.until);

    const report = buildReport(sim);
    const t = report.totals;
    expect(t.produced).toBeGreaterThan(0);
    expect(t.completed).toBeGreaterThan(0);
    expect(t.latency.count).toBe(t.completed);

    // no message lost or made up: what the counters say is alive is what the nodes actually hold
    const held = sim.heldMessages();
    expect(t.inFlight).toBe(held.byNodes + held.inTransit);
    expect(t.deadLettered).toBe(held.stored);
    expect(t.produced + t.derived).toBe(t.completed + t.deadLettered + t.dropped + t.merged + t.inFlight);
    const droppedByReason = Object.values(t.droppedByReason).reduce((a, b) => a + (b ?? 0), 0);
    expect(droppedByReason).toBe(t.dropped);

    // every message that crossed an edge into a node was received there, and every one sent was counted
    const inbound = new Map<string, number>();
    const outbound = new Map<string, number>();
    for (const e of topology.edges) {
      const n = report.edges[e.id].messages;
      // messages still on a link with capacity were sent but have not arrived yet
      inbound.set(e.target, (inbound.get(e.target) ?? 0) + n - (report.edges[e.id].link?.inTransit ?? 0));
      outbound.set(e.source, (outbound.get(e.source) ?? 0) + n);
    }
    for (const node of topology.nodes) {
      const r = report.nodes[node.id];
      expect(r.received, `${node.id} received`).toBe(inbound.get(node.id) ?? 0);
      expect(r.emitted, `${node.id} emitted`).toBe(outbound.get(node.id) ?? 0);
      expect(r.utilization).toBeGreaterThanOrEqual(0);
      expect(r.utilization).toBeLessThanOrEqual(1 + 1e-9);
    }
  });

  it('is deterministic: the same seed gives the same trace digest', () => {
    const topology = load(file);
    const a = new Simulation(topology);
    a.run();
    const b = new Simulation(topology);
    b.run();
    expect(b.trace.digest()).toBe(a.trace.digest());
    expect(b.events).toBe(a.events);
  });
});

describe('what the channel examples show', () => {
  const run = (file: string) => {
    const sim = new Simulation(load(file));
    sim.run();
    return sim;
  };
  const byReason = (sim: Simulation, id: string) =>
    (sim.action(id, 'list', { limit: 1 }) as { byReason: Record<string, number> }).byReason;

  it('point-to-point-priority: express orders wait less than standard ones; expired and overflow are kept', () => {
    const sim = run('point-to-point-priority.json');
    const reasons = byReason(sim, 'dlq');
    expect(reasons.expired).toBeGreaterThan(0);
    expect(reasons.overflow).toBeGreaterThan(0);
    // time from creation to completion by message type, over the sampled trace
    const spans = sim.trace.since(0);
    const sums: Record<string, { n: number; total: number }> = {};
    const completed = 1; // Outcome.Completed
    for (let i = 0; i < spans.count; i++) {
      if (spans.outcome[i] !== completed) continue;
      const m = sim.trace.findMessage(spans.msg[i]);
      if (!m) continue;
      const s = (sums[m.type] ??= { n: 0, total: 0 });
      s.n++;
      s.total += spans.tOut[i] - m.createdAt;
    }
    const mean = (type: string) => sums[type].total / sums[type].n;
    expect(mean('ExpressOrder')).toBeLessThan(mean('StandardOrder') / 2);
  });

  it('dead-letter-redelivery: redelivered messages are dead-lettered after 3 deliveries', () => {
    const sim = run('dead-letter-redelivery.json');
    const reasons = byReason(sim, 'dlq');
    expect(reasons['max-redeliveries']).toBeGreaterThan(0);
    expect(reasons.expired).toBeGreaterThan(0);
    const r = buildReport(sim);
    // nacked messages are received again by the worker: more deliveries than messages
    expect(r.nodes.inventory.received).toBeGreaterThan(r.totals.produced);
  });

  it('publish-subscribe-topics: each subscription gets its topics; unmatched events are dropped', () => {
    const r = buildReport(run('publish-subscribe-topics.json'));
    expect(r.totals.droppedByReason['no-subscribers']).toBeGreaterThan(0);
    // the non-durable dashboard misses events while busy; the durable ones miss none
    expect(r.totals.droppedByReason.overflow).toBeGreaterThan(0);
    // orders.paid goes to billing and to shipping alike (up to the copies still queued at the end)
    const queued = r.nodes.events.queue.depth;
    expect(
      Math.abs(r.edges['sub-billing'].messages - r.edges['sub-shipping-paid'].messages),
    ).toBeLessThanOrEqual(queued);
    expect(r.edges['sub-billing'].messages).toBeGreaterThan(1000);
    expect(r.edges['sub-audit'].messages).toBeGreaterThan(r.edges['sub-billing'].messages);
  });
});
