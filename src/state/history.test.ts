import { describe, expect, it } from 'vitest';
import { COALESCE_MS, emptyHistory, endGroup, HISTORY_LIMIT, record, redo, undo } from './history';

describe('history', () => {
  it('undoes and redoes in order', () => {
    let h = emptyHistory<number>();
    h = record(h, 1);
    h = record(h, 2); // value is now 3
    const u1 = undo(h, 3)!;
    expect(u1.value).toBe(2);
    const u2 = undo(u1.history, 2)!;
    expect(u2.value).toBe(1);
    expect(undo(u2.history, 1)).toBeNull();
    const r1 = redo(u2.history, 1)!;
    expect(r1.value).toBe(2);
    const r2 = redo(r1.history, 2)!;
    expect(r2.value).toBe(3);
    expect(redo(r2.history, 3)).toBeNull();
  });

  it('coalesces edits of one group into one step, and splits after a pause or endGroup', () => {
    let h = emptyHistory<number>();
    h = record(h, 0, { group: 'drag', now: 0 });
    h = record(h, 1, { group: 'drag', now: 10 });
    h = record(h, 2, { group: 'drag', now: 20 });
    expect(h.past).toEqual([0]);
    h = endGroup(h);
    h = record(h, 3, { group: 'drag', now: 30 });
    expect(h.past).toEqual([0, 3]);
    h = record(h, 4, { group: 'drag', now: 30 + COALESCE_MS + 1 });
    expect(h.past).toEqual([0, 3, 4]);
    h = record(h, 5, { group: 'other', now: 30 + COALESCE_MS + 2 });
    expect(h.past).toEqual([0, 3, 4, 5]);
  });

  it('a new edit clears redo', () => {
    let h = emptyHistory<number>();
    h = record(h, 0);
    h = undo(h, 1)!.history;
    expect(h.future).toEqual([1]);
    h = record(h, 0);
    expect(h.future).toEqual([]);
  });

  it('keeps at most HISTORY_LIMIT steps, dropping the oldest', () => {
    let h = emptyHistory<number>();
    for (let i = 0; i < HISTORY_LIMIT + 10; i++) h = record(h, i);
    expect(h.past).toHaveLength(HISTORY_LIMIT);
    expect(h.past[0]).toBe(10);
  });
});
