/**
 * Runs kept in the browser: one record per run the studio started, with the topology, the seed, how its
 * event stores started (from the stored state or empty), and how far each store was persisted. The newest
 * `MAX_RUNS` are kept. The worker writes them (storage is the only layer that knows IndexedDB); the studio
 * lists them.
 *
 * @example
 * await saveRun({ id: 'r-1718000000000', topology: 'Orders', startedAt: Date.now(), seed: 7, until: 60000,
 *   start: 'stored', status: 'running', stores: [] });
 */
import { getDb } from './db';
import type { StartMode } from './eventStoreMeta';

/** The most run records kept. */
export const MAX_RUNS = 100;

/** An event store as a run left it. */
export interface RunStoreState {
  nodeId: string;
  store: string;
  /** Events the run started with (seeded from storage). */
  seeded: number;
  /** Position of the newest event in memory. */
  head: number;
  /** Position of the newest persisted event. */
  persisted: number;
  /** Why persisting stopped, if it did. */
  error: string | null;
}

/** A run of the studio. */
export interface RunRecord {
  id: string;
  topology: string;
  /** Epoch milliseconds. */
  startedAt: number;
  endedAt?: number;
  seed: number;
  until: number;
  start: StartMode;
  status: 'running' | 'paused' | 'finished' | 'replaced';
  stores: RunStoreState[];
}

/** Writes a run record (insert or replace) and forgets the oldest beyond `MAX_RUNS`. */
export async function saveRun(run: RunRecord): Promise<void> {
  const db = await getDb();
  const tx = db.transaction('runs', 'readwrite');
  await tx.store.put(run);
  const count = await tx.store.count();
  if (count > MAX_RUNS) {
    let cursor = await tx.store.index('by-started').openCursor();
    for (let extra = count - MAX_RUNS; cursor && extra > 0; extra--) {
      await cursor.delete();
      cursor = await cursor.continue();
    }
  }
  await tx.done;
}

/** The newest runs first. */
export async function listRuns(limit = 20): Promise<RunRecord[]> {
  const db = await getDb();
  const out: RunRecord[] = [];
  let cursor = await db.transaction('runs').store.index('by-started').openCursor(null, 'prev');
  while (cursor && out.length < limit) {
    out.push(cursor.value);
    cursor = await cursor.continue();
  }
  return out;
}

/** One run, or undefined. */
export async function getRun(id: string): Promise<RunRecord | undefined> {
  return (await getDb()).get('runs', id);
}
