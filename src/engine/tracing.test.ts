/**
 * Message tracing across every pattern: in every example topology, every message a pattern derives keeps
 * its source's correlation id and names the source as its causation id; every message a pattern makes
 * from scratch (not a producer) names an existing cause in the same conversation. Two documented
 * exceptions: a copy (publish-subscribe, recipient list, router fan-out: same type and payload) keeps its
 * original's causation, being the same message again; a debatcher gives each item back its own
 * conversation, recorded in the batch.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { JsonValue, Message } from '../model/message';
import { validateTopologyText } from '../model/topology';
import { NodeContextImpl } from './NodeContext';
import type { MessageInit } from './pattern';
import { Simulation } from './Simulation';

const DIR = resolve(__dirname, '../../public/examples');
const FILES = readdirSync(DIR)
  .filter((f) => f.endsWith('.json') && f !== 'index.json')
  .sort();

/** Whether `parent` is a batch that lists an item of conversation `correlationId`. */
function batchHolds(parent: Message, correlationId: string): boolean {
  const p = parent.payload;
  return Array.isArray(p) && p.some((it: JsonValue) => it !== null && typeof it === 'object' && !Array.isArray(it) && it.correlationId === correlationId);
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe.each(FILES)('correlation and causation in %s', (file) => {
  it('propagate through every pattern', () => {
    const checked = validateTopologyText(readFileSync(join(DIR, file), 'utf8'));
    if (!checked.ok) throw new Error(`${file} is invalid: ${checked.errors[0].message}`);
    const byId = new Map<string, Message>();
    const problems: string[] = [];
    let derived = 0;
    const derive = NodeContextImpl.prototype.derive;
    const create = NodeContextImpl.prototype.createMessage;
    vi.spyOn(NodeContextImpl.prototype, 'derive').mockImplementation(function (this: NodeContextImpl, msg: Message, changes?: Partial<MessageInit>) {
      const child = derive.call(this, msg, changes);
      byId.set(child.id, child);
      derived++;
      const copy = child.causationId === msg.causationId && child.payload === msg.payload && child.type === msg.type;
      if (child.causationId !== msg.id && !copy) problems.push(`${this.kind} ${this.id}: ${child.id} derived from ${msg.id} has causation ${child.causationId}`);
      if (child.correlationId !== msg.correlationId && !batchHolds(msg, child.correlationId)) {
        problems.push(`${this.kind} ${this.id}: ${child.id} derived from ${msg.id} has correlation ${child.correlationId}, not ${msg.correlationId}`);
      }
      return child;
    });
    vi.spyOn(NodeContextImpl.prototype, 'createMessage').mockImplementation(function (this: NodeContextImpl, init: MessageInit, fromProducer: boolean) {
      const m = create.call(this, init, fromProducer);
      byId.set(m.id, m);
      if (fromProducer) return m;
      derived++;
      const cause = m.causationId === null ? undefined : byId.get(m.causationId);
      if (!cause) problems.push(`${this.kind} ${this.id}: ${m.id} was made with no known cause (causation ${m.causationId})`);
      else if (cause.correlationId !== m.correlationId) {
        problems.push(`${this.kind} ${this.id}: ${m.id} caused by ${cause.id} has correlation ${m.correlationId}, not ${cause.correlationId}`);
      }
      return m;
    });
    const sim = new Simulation(checked.topology, { trace: { capacity: 0 } });
    sim.run({ until: Math.min(sim.settings.until, 30_000) });
    expect([...new Set(problems)].slice(0, 10)).toEqual([]);
    // the check saw real traffic; fault-injected duplicates are the same message again and bypass derive
    expect(sim.metrics.produced).toBeGreaterThan(0);
    expect(derived).toBeLessThanOrEqual(sim.metrics.derived);
  });
});
