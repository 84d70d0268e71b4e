import { describe, expect, it } from 'vitest';
import { CODEC_NAMES } from '../src/engine/codecs';
import { benchThroughput, engineTopologies, examplePayloads, formatThroughputResult } from './throughput';

describe('throughput benchmark (small sizes; no timing is asserted)', () => {
  it('measures every codec on both example payloads, the cipher, and every engine scenario', () => {
    const r = benchThroughput({ bytesPerRound: 50_000, messages: 500, rounds: 1 });
    const { order, batch } = examplePayloads();
    expect(batch.length).toBeGreaterThan(order.length * 50);
    for (const codec of CODEC_NAMES) expect(r.codecs.filter((c) => c.codec === codec).length).toBeGreaterThanOrEqual(2);
    // batches of orders compress much better than one order
    for (const c of r.codecs.filter((x) => x.payload === 'batch')) expect(c.ratio).toBeGreaterThan(4);
    expect(r.cipher.map((c) => c.bytes)).toEqual([order.length, batch.length]);
    expect(r.engine.map((e) => e.name)).toEqual(engineTopologies(1).map((t) => t.name));
    // every scenario delivers every order (batches are full: 500 is a multiple of 100)
    for (const e of r.engine) expect(e.delivered, e.name).toBe(500);
    expect(r.engine[0].eventsPerMessage).toBe(2);
    expect(r.engine[0].relative).toBe(1);
    const text = formatThroughputResult(r);
    expect(text).toContain('AES-256-GCM');
    expect(text).toContain('vs baseline');
  });
});
