import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MessageSlots, SeqBits, SeqTable } from './seqTable';

// seqs spread over a few 65,536-entry pages, so that pages fill, empty and are freed
const seqArb = fc.integer({ min: 0, max: 4 * 65_536 });

describe('SeqTable', () => {
  it('behaves as a map from seq to integer that defaults to 0, through adds, sets and freed pages', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('add', 'set'), seqArb, fc.integer({ min: -3, max: 3 })), { maxLength: 300 }),
        (ops) => {
          const t = new SeqTable();
          const model = new Map<number, number>();
          for (const [op, seq, v] of ops) {
            if (op === 'add') {
              const next = (model.get(seq) ?? 0) + v;
              model.set(seq, next);
              expect(t.add(seq, v)).toBe(next);
            } else {
              model.set(seq, v);
              t.set(seq, v);
            }
          }
          for (const [seq, v] of model) expect(t.get(seq)).toBe(v);
        },
      ),
    );
  });

  it('frees a page whose entries are all back to zero, except the newest', () => {
    const t = new SeqTable();
    for (let s = 0; s < 3 * 65_536; s += 1000) t.add(s, 1);
    for (let s = 0; s < 65_536; s += 1000) t.add(s, -1);
    const pages = (t as unknown as { pages: (Int32Array | null)[] }).pages;
    expect(pages[0]).toBeNull();
    expect(pages[1]).not.toBeNull();
    expect(t.get(1000)).toBe(0);
    expect(t.add(1000, 2)).toBe(2); // a freed page comes back on demand
  });
});

describe('SeqBits', () => {
  it('remembers every seq added and no other', () => {
    fc.assert(
      fc.property(fc.array(seqArb, { maxLength: 200 }), fc.array(seqArb, { maxLength: 50 }), (added, probes) => {
        const b = new SeqBits();
        for (const s of added) b.add(s);
        const set = new Set(added);
        for (const s of [...added, ...probes]) expect(b.has(s)).toBe(set.has(s));
      }),
    );
  });
});

describe('MessageSlots', () => {
  it('holds message instances, two with one seq included, in seq order', () => {
    const slots = new MessageSlots<{ seq: number; copy?: boolean }>();
    const a = { seq: 70_000 };
    const b = { seq: 5 };
    const aCopy = { seq: 70_000, copy: true };
    slots.add(a);
    slots.add(b);
    slots.add(aCopy);
    slots.add(a); // no effect
    expect(slots.size).toBe(3);
    expect(slots.values()).toEqual([b, a, aCopy]);
    slots.delete(a);
    slots.delete(a); // no effect
    expect(slots.size).toBe(2);
    expect(slots.values()).toEqual([b, aCopy]);
    slots.clear();
    expect(slots.values()).toEqual([]);
  });
});
