import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Deque } from './Deque';

describe('Deque', () => {
  it('is a FIFO with O(1) operations at both ends', () => {
    const q = new Deque<number>(2);
    expect(q.shift()).toBeUndefined();
    expect(q.peek()).toBeUndefined();
    for (let i = 0; i < 100; i++) q.push(i);
    q.unshift(-1);
    expect(q.length).toBe(101);
    expect(q.peek()).toBe(-1);
    expect(q.at(0)).toBe(-1);
    expect(q.at(100)).toBe(99);
    expect(q.at(101)).toBeUndefined();
    expect(q.at(-1)).toBeUndefined();
    const out: number[] = [];
    while (q.length) out.push(q.shift()!);
    expect(out).toEqual([-1, ...Array.from({ length: 100 }, (_, i) => i)]);
  });

  it('behaves like an array under any mix of operations, across wrap-around and growth (property)', () => {
    type Op = { op: 'push' | 'unshift'; v: number } | { op: 'shift' } | { op: 'removeAt'; i: number } | { op: 'clear' };
    const opArb: fc.Arbitrary<Op> = fc.oneof(
      { weight: 4, arbitrary: fc.record({ op: fc.constant('push' as const), v: fc.integer() }) },
      { weight: 2, arbitrary: fc.record({ op: fc.constant('unshift' as const), v: fc.integer() }) },
      { weight: 3, arbitrary: fc.record({ op: fc.constant('shift' as const) }) },
      { weight: 1, arbitrary: fc.record({ op: fc.constant('removeAt' as const), i: fc.integer({ min: -1, max: 40 }) }) },
      { weight: 1, arbitrary: fc.record({ op: fc.constant('clear' as const) }) },
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.array(opArb, { maxLength: 400 }), (cap, ops) => {
        const q = new Deque<number>(cap);
        const ref: number[] = [];
        for (const o of ops) {
          switch (o.op) {
            case 'push':
              q.push(o.v);
              ref.push(o.v);
              break;
            case 'unshift':
              q.unshift(o.v);
              ref.unshift(o.v);
              break;
            case 'shift':
              expect(q.shift()).toBe(ref.shift());
              break;
            case 'removeAt':
              expect(q.removeAt(o.i)).toBe(o.i >= 0 && o.i < ref.length ? ref.splice(o.i, 1)[0] : undefined);
              break;
            case 'clear':
              q.clear();
              ref.length = 0;
          }
          expect(q.length).toBe(ref.length);
          expect(q.peek()).toBe(ref[0]);
        }
        expect(Array.from({ length: q.length }, (_, i) => q.at(i))).toEqual(ref);
      }),
    );
  });
});
