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

  it('frees the pages whose entries are all back to zero when a new page opens', () => {
    const t = new SeqTable();
    const pages = (t as unknown as { pages: (Int32Array | null)[] }).pages;
    for (let s = 0; s < 3 * 65_536; s += 1000) t.add(s, 1);
    for (let s = 0; s < 65_536; s += 1000) t.add(s, -1);
    expect(pages[0]).not.toBeNull(); // empty, kept until the next page opens
    t.add(3 * 65_536, 1);
    expect(pages[0]).toBeNull();
    expect(pages[1]).not.toBeNull();
    expect(t.get(1000)).toBe(0);
    expect(t.add(1000, 2)).toBe(2); // a freed page comes back on demand
  });

  it('reuses a freed page for the next page it opens, which reads zero everywhere', () => {
    const t = new SeqTable();
    const pages = (t as unknown as { pages: (Int32Array | null)[] }).pages;
    for (let s = 0; s < 65_536; s += 7) t.add(s, 3);
    t.add(65_536, 1);
    const first = pages[0];
    for (let s = 0; s < 65_536; s += 7) t.add(s, -3); // page 0 empty again
    t.add(2 * 65_536, 1); // opening page 2 frees page 0, and takes it
    expect(pages[0]).toBeNull();
    expect(pages[2]).toBe(first);
    for (let s = 2 * 65_536; s < 3 * 65_536; s++) if (s !== 2 * 65_536) expect(t.get(s)).toBe(0);
    expect(t.get(2 * 65_536)).toBe(1);
  });

  it('does not allocate a page per message for an old conversation that comes back', () => {
    const t = new SeqTable();
    const pages = (t as unknown as { pages: (Int32Array | null)[] }).pages;
    t.add(2 * 65_536, 1); // the run is at page 2
    t.add(5, 1);
    const old = pages[0];
    for (let k = 0; k < 100; k++) {
      t.add(5, -1); // the conversation's last message ends …
      t.add(5, 1); // … and a reprocessed one starts it again
    }
    expect(pages[0]).toBe(old);
  });
});

describe('SeqBits', () => {
  it('remembers every seq added and no other', () => {
    fc.assert(
      fc.property(fc.array(seqArb, { maxLength: 200 }), fc.array(seqArb, { maxLength: 50 }), (added, probes) => {
        const b = new SeqBits();
        const set = new Set<number>();
        for (const s of added) {
          expect(b.testAndAdd(s)).toBe(set.has(s));
          set.add(s);
        }
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
