import { describe, expect, it } from 'vitest';
import type { FrameSpans } from '../../worker/frames';
import { FilteredRows, hopsOf, parseMessageId, TraceBuffer } from './TraceBuffer';

/** A page of n spans for messages from..from+n-1 (two hops each share a message every other row). */
function spans(from: number, n: number, corr: (k: number) => string | null = () => null): FrameSpans {
  const s: FrameSpans = {
    from,
    count: n,
    msg: new Int32Array(n),
    root: new Int32Array(n),
    node: new Int32Array(n),
    hop: new Int32Array(n),
    tIn: new Float64Array(n),
    tOut: new Float64Array(n),
    outcome: new Int8Array(n),
    port: new Int32Array(n).fill(-1),
    reason: new Int8Array(n).fill(-1),
    type: new Int32Array(n),
    kind: new Int8Array(n),
    edge: new Int32Array(n).fill(-1),
    corr: new Int32Array(n),
    corrStrings: [],
  };
  for (let k = 0; k < n; k++) {
    const g = from + k;
    s.msg[k] = Math.floor(g / 2) + 1;
    s.root[k] = s.msg[k];
    s.node[k] = g % 2;
    s.tIn[k] = g;
    s.tOut[k] = g + 0.5;
    s.outcome[k] = g % 2 ? 1 : 0;
    s.edge[k] = g % 2 ? -1 : 7;
    const c = corr(k);
    if (c === null) s.corr[k] = -1;
    else {
      s.corr[k] = s.corrStrings.length;
      s.corrStrings.push(c);
    }
  }
  return s;
}

describe('TraceBuffer', () => {
  it('grows, then wraps as a ring that keeps the newest rows', () => {
    const b = new TraceBuffer(10_000);
    let from = 0;
    for (let i = 0; i < 7; i++) {
      b.append(spans(from, 3000));
      from += 3000;
    }
    expect(b.written).toBe(21_000);
    expect(b.oldest).toBe(11_000);
    expect(b.count).toBe(10_000);
    for (const g of [11_000, 15_432, 20_999]) {
      expect(b.tIn[b.slot(g)]).toBe(g);
      expect(b.msg[b.slot(g)]).toBe(Math.floor(g / 2) + 1);
    }
    // a page larger than the ring keeps its newest rows
    b.append(spans(21_000, 25_000));
    expect(b.count).toBe(10_000);
    expect(b.tIn[b.slot(b.written - 1)]).toBe(45_999);
    expect(b.tIn[b.slot(b.oldest)]).toBe(36_000);
  });

  it('decodes correlation ids: the default is the root id', () => {
    const b = new TraceBuffer(100);
    b.append(spans(0, 4, (k) => (k === 2 ? 'order-9' : null)));
    expect(b.correlationAt(0)).toBe('m1');
    expect(b.correlationAt(2)).toBe('order-9');
  });

  it('filters incrementally and drops overwritten rows', () => {
    const b = new TraceBuffer(1000);
    const f = new FilteredRows(b, { node: 1 });
    b.append(spans(0, 600));
    f.update();
    expect(f.length).toBe(300);
    expect(b.node[b.slot(f.at(0))]).toBe(1);
    b.append(spans(600, 600));
    f.update();
    // 1200 written, 1000 kept: rows 200‥1199, half of them at node 1
    expect(f.length).toBe(500);
    expect(f.at(0)).toBe(201);

    const byMsg = new FilteredRows(b, { message: 'm550' });
    byMsg.update();
    expect(Array.from({ length: byMsg.length }, (_, i) => byMsg.at(i))).toEqual([1098, 1099]);
    const byOutcome = new FilteredRows(b, { outcome: 1, node: 0 });
    byOutcome.update();
    expect(byOutcome.length).toBe(0);
  });

  it('finds the hops of a message in time order', () => {
    const b = new TraceBuffer(1000);
    b.append(spans(0, 100));
    const hops = hopsOf(b, 10);
    expect(hops.map((h) => [h.node, h.edge])).toEqual([
      [0, 7],
      [1, -1],
    ]);
    expect(parseMessageId(' M12 ')).toBe(12);
    expect(parseMessageId('x')).toBeNaN();
  });
});
