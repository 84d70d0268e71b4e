/**
 * Undo/redo as snapshots. The graph is immutable (every edit makes a new topology object that shares
 * untouched nodes with the old one), so a snapshot costs one pointer. Consecutive edits of one gesture
 * (a drag, typing into one field) share a `group` and become one undo step.
 *
 * @example
 * let h = emptyHistory<T>();
 * h = record(h, before, { group: 'drag', now });   // first move of a drag: one step
 * h = record(h, during, { group: 'drag', now });   // later moves: coalesced
 * const u = undo(h, current);                      // { history, value: before }
 */

/** Undo and redo stacks, plus the group of the last recorded edit. */
export interface History<T> {
  readonly past: readonly T[];
  readonly future: readonly T[];
  /** Group of the last recorded edit; a new edit with the same group (soon enough) is coalesced into it. */
  readonly group: string | null;
  /** When the group was last extended (ms, any clock). */
  readonly groupAt: number;
}

/** Undo steps kept. */
export const HISTORY_LIMIT = 200;

/** Edits of one group further apart than this (ms) are separate steps. */
export const COALESCE_MS = 1000;

/** A history with nothing to undo or redo. */
export function emptyHistory<T>(): History<T> {
  return { past: [], future: [], group: null, groupAt: 0 };
}

/**
 * Records that the value is about to change from `previous`. With a `group` equal to the last one (and
 * within {@link COALESCE_MS}), the edit joins the last step instead of making a new one. Clears redo.
 */
export function record<T>(h: History<T>, previous: T, opts: { group?: string; now?: number } = {}): History<T> {
  const now = opts.now ?? 0;
  if (opts.group && h.group === opts.group && now - h.groupAt <= COALESCE_MS && h.past.length > 0) {
    return { past: h.past, future: [], group: h.group, groupAt: now };
  }
  const past = h.past.length >= HISTORY_LIMIT ? [...h.past.slice(1 - HISTORY_LIMIT), previous] : [...h.past, previous];
  return { past, future: [], group: opts.group ?? null, groupAt: now };
}

/** Ends the current group, so that the next edit is a new step even with the same group. */
export function endGroup<T>(h: History<T>): History<T> {
  return h.group === null ? h : { ...h, group: null };
}

/** Steps back: the value to restore and the new history, or null when there is nothing to undo. */
export function undo<T>(h: History<T>, current: T): { history: History<T>; value: T } | null {
  if (h.past.length === 0) return null;
  const value = h.past[h.past.length - 1];
  return { value, history: { past: h.past.slice(0, -1), future: [...h.future, current], group: null, groupAt: 0 } };
}

/** Steps forward again, or null when there is nothing to redo. */
export function redo<T>(h: History<T>, current: T): { history: History<T>; value: T } | null {
  if (h.future.length === 0) return null;
  const value = h.future[h.future.length - 1];
  return { value, history: { past: [...h.past, current], future: h.future.slice(0, -1), group: null, groupAt: 0 } };
}
