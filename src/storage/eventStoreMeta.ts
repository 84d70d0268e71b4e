/**
 * Where the next run's event stores start: from what is stored (`stored`, the default: a run continues
 * the stores) or `empty` (the stored streams of the topology's stores are cleared when the run starts).
 * The studio sets it; the worker reads it when it builds a run. Kept in the `meta` store.
 *
 * @example
 * await setStartMode('empty');
 */
import { getDb } from './db';

/** How a run's event stores start. */
export type StartMode = 'stored' | 'empty';

/** The start mode (default `stored`). */
export async function getStartMode(): Promise<StartMode> {
  const v = await (await getDb()).get('meta', 'eventStoreStart');
  return v === 'empty' ? 'empty' : 'stored';
}

/** Sets the start mode. */
export async function setStartMode(mode: StartMode): Promise<void> {
  await (await getDb()).put('meta', mode, 'eventStoreStart');
}
