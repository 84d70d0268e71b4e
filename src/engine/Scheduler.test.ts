import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventType, Scheduler } from './Scheduler';

/** Drains the scheduler into [time, payload] pairs. */
function drain(s: Scheduler): [number, unknown][] {
  const out: [number, unknown][] = [];
  for (let e = s.pop(); e; e = s.pop()) {
    out.push([e.time, e.data]);
    s.release(e);
  }
  return out;
}

describe('Scheduler', () => {
  it('pops by time, then in the order scheduled', () => {
    const s = new Scheduler();
    s.schedule(5, EventType.Timer, 0, 0, null, 'a');
    s.schedule(1, EventType.Timer, 0, 0, null, 'b');
    s.schedule(5, EventType.Timer, 0, 0, null, 'c');
    s.schedule(0, EventType.Timer, 0, 0, null, 'd');
    s.schedule(5, EventType.Timer, 0, 0, null, 'e');
    s.schedule(1, EventType.Timer, 0, 0, null, 'f');
    expect(s.size).toBe(6);
    expect(s.peekTime()).toBe(0);
    expect(drain(s).map(([, d]) => d)).toEqual(['d', 'b', 'f', 'a', 'c', 'e']);
    expect(s.pop()).toBeUndefined();
    expect(s.peekTime()).toBe(Infinity);
  });

  it('matches a stable sort by time, with pops interleaved with schedules, over timer runs, the heap and the lane (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.record({ op: fc.constant('push' as const), time: fc.oneof(fc.integer({ min: 0, max: 20 }), fc.double({ min: 0, max: 1e6, noNaN: true })), node: fc.integer({ min: 0, max: 2 }), timer: fc.boolean() }), fc.record({ op: fc.constant('pop' as const) })), { maxLength: 300 }),
        (ops) => {
          const s = new Scheduler();
          // reference: an array kept sorted by (time, id), ids in scheduling order
          let ref: { time: number; id: number }[] = [];
          let id = 0;
          for (const op of ops) {
            if (op.op === 'push') {
              const time = op.time;
              // timers go to their node's run when they keep it sorted, other events to the heap or the lane
              s.schedule(time, op.timer ? EventType.Timer : EventType.Deliver, op.node, 0, null, id);
              ref.push({ time, id: id++ });
              ref = ref.sort((a, b) => a.time - b.time || a.id - b.id);
            } else {
              const e = s.pop();
              const r = ref.shift();
              if (!r) expect(e).toBeUndefined();
              else {
                expect([e!.time, e!.data]).toEqual([r.time, r.id]);
                s.release(e!);
              }
            }
            expect(s.size).toBe(ref.length);
          }
          expect(drain(s)).toEqual(ref.map((r) => [r.time, r.id]));
        },
      ),
    );
  });

  it('reuses released records without leaking their message or data', () => {
    const s = new Scheduler();
    s.schedule(1, EventType.Deliver, 2, 3, null, 'x');
    const e = s.pop()!;
    s.release(e);
    expect(e.msg).toBeNull();
    expect(e.data).toBeNull();
    s.schedule(2, EventType.Deliver, 4, 5, null, 'y');
    const f = s.pop()!;
    expect(f).toBe(e); // the same record, refilled
    expect([f.time, f.type, f.node, f.arg, f.data]).toEqual([2, EventType.Deliver, 4, 5, 'y']);
    // a node's second pending timer starts its run; it comes in the run's own record, with every field
    s.schedule(3, EventType.Timer, 6, 7, null, 'z1');
    s.schedule(4, EventType.Timer, 6, 8, null, 'z2');
    expect((s as unknown as { n: number }).n).toBe(2); // the first timer's record and the run's head
    s.release(s.pop()!);
    const g = s.pop()!;
    expect([g.time, g.type, g.node, g.arg, g.data]).toEqual([4, EventType.Timer, 6, 8, 'z2']);
    s.release(g);
    expect(g.data).toBeNull();
  });

  it('popDue(until) takes only an event due at or before until, from the heap or the lane', () => {
    const s = new Scheduler();
    s.schedule(5, EventType.Deliver, 0, 0, null, 'a');
    expect(s.popDue(4)).toBeUndefined();
    const a = s.popDue(5)!;
    expect(a.data).toBe('a');
    s.release(a);
    s.schedule(5, EventType.Deliver, 0, 0, null, 'lane'); // at the time just popped: the lane
    s.schedule(9, EventType.Timer, 1, 0, null, 'heap');
    expect(s.popDue(4)).toBeUndefined(); // the lane's time (5) is after 4
    expect(s.popDue(5)!.data).toBe('lane');
    expect(s.popDue(8)).toBeUndefined();
    expect(s.size).toBe(1);
    expect(s.popDue(9)!.data).toBe('heap');
  });

  it('forEach can change the message and data of a pending timer in a run (what a crash does)', () => {
    const s = new Scheduler();
    for (let i = 0; i < 40; i++) s.schedule(10 + i, EventType.Timer, 1, i, null, `t${i}`); // one run, grown
    s.forEach((r) => {
      if (r.arg % 2 === 0) r.data = 'stale';
    });
    const out = drain(s).map(([, d]) => d);
    expect(out).toEqual(Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? 'stale' : `t${i}`)));
  });

  it('forEach visits every pending event; clear drops them', () => {
    const s = new Scheduler();
    for (let i = 0; i < 10; i++) s.schedule(10 - i, EventType.Timer, i, 0, null, null);
    const nodes: number[] = [];
    s.forEach((r) => nodes.push(r.node));
    expect(nodes.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    s.clear();
    expect(s.size).toBe(0);
    expect(s.pop()).toBeUndefined();
  });
});

describe('Scheduler timer runs', () => {
  it('keeps a node’s timers set in due order out of the heap, and still pops everything by (time, sequence)', () => {
    const s = new Scheduler();
    // two nodes with constant delays (sorted runs) and one with a shorter timer set later (to the heap)
    for (let i = 0; i < 1000; i++) {
      s.schedule(100 + i, EventType.Timer, 0, 0, null, `a${i}`);
      s.schedule(100 + i, EventType.Timer, 1, 0, null, `b${i}`);
    }
    s.schedule(50, EventType.Timer, 0, 0, null, 'early');
    expect(s.size).toBe(2001);
    const heapEntries = (s as unknown as { n: number }).n;
    expect(heapEntries).toBe(5); // each node's first timer, the two runs' heads and the early timer
    const order = drain(s).map(([, d]) => d);
    expect(order.slice(0, 5)).toEqual(['early', 'a0', 'b0', 'a1', 'b1']);
    expect(order).toHaveLength(2001);
    expect(s.size).toBe(0);
  });
});
