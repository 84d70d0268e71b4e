/**
 * Saved topologies ("My topologies") and the id of the one that was open last, in IndexedDB.
 * The editor autosaves the open topology with {@link saveTopology}; the list reads {@link listTopologies}.
 *
 * @example
 * const saved = await createTopology(emptyTopology('Orders'), { source: 'new' });
 * await setLastOpenId(saved.id);
 */
import { serializeTopology, type Topology } from '../model/topology';
import { withTx, type SavedTopology } from './db';

/** What the "My topologies" list shows of a saved topology. */
export interface TopologySummary {
  id: string;
  name: string;
  description?: string;
  nodeCount: number;
  edgeCount: number;
  createdAt: number;
  updatedAt: number;
  source?: string;
}

/**
 * A new random id. Uses `crypto.getRandomValues`, which (unlike `randomUUID`) also exists when the studio
 * is served over plain http on a classroom network.
 */
export function newRecordId(): string {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return 't' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function summarize(r: SavedTopology): TopologySummary {
  return {
    id: r.id,
    name: r.name,
    description: r.topology.description,
    nodeCount: r.topology.nodes.length,
    edgeCount: r.topology.edges.length,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    source: r.source,
  };
}

/** Every saved topology, most recently saved first. */
export async function listTopologies(): Promise<TopologySummary[]> {
  return withTx(['topologies'], 'readonly', async (tx) => {
    const all = await tx.objectStore('topologies').index('by-updated').getAll();
    return all.reverse().map(summarize);
  });
}

/** One saved topology, or undefined. */
export async function getTopology(id: string): Promise<SavedTopology | undefined> {
  return withTx(['topologies'], 'readonly', (tx) => tx.objectStore('topologies').get(id));
}

/** Saves a new topology under a new id. */
export async function createTopology(
  topology: Topology,
  options: { source?: string; now?: number } = {},
): Promise<SavedTopology> {
  const now = options.now ?? Date.now();
  const record: SavedTopology = {
    id: newRecordId(),
    name: topology.name,
    topology,
    createdAt: now,
    updatedAt: now,
    ...(options.source ? { source: options.source } : {}),
  };
  await withTx(['topologies'], 'readwrite', (tx) => tx.objectStore('topologies').add(record));
  return record;
}

/**
 * Saves (creates or overwrites) the topology with the given id, keeping its creation time and source.
 * The autosave of the open topology calls this.
 */
export async function saveTopology(id: string, topology: Topology, now: number = Date.now()): Promise<SavedTopology> {
  return withTx(['topologies'], 'readwrite', async (tx) => {
    const store = tx.objectStore('topologies');
    const old = await store.get(id);
    const record: SavedTopology = {
      ...(old ?? { id, createdAt: now }),
      id,
      name: topology.name,
      topology,
      updatedAt: now,
    };
    await store.put(record);
    return record;
  });
}

/** Renames a saved topology (its record and the `name` inside it). Returns the updated record. */
export async function renameTopology(id: string, name: string, now: number = Date.now()): Promise<SavedTopology> {
  const trimmed = name.trim();
  if (!trimmed) throw new Error('a name cannot be empty');
  return withTx(['topologies'], 'readwrite', async (tx) => {
    const store = tx.objectStore('topologies');
    const old = await store.get(id);
    if (!old) throw new Error(`no saved topology "${id}"`);
    const record: SavedTopology = { ...old, name: trimmed, topology: { ...old.topology, name: trimmed }, updatedAt: now };
    await store.put(record);
    return record;
  });
}

/** Saves a copy of a saved topology under a new id and the name "<name> (copy)". */
export async function duplicateTopology(id: string, now: number = Date.now()): Promise<SavedTopology> {
  return withTx(['topologies'], 'readwrite', async (tx) => {
    const store = tx.objectStore('topologies');
    const old = await store.get(id);
    if (!old) throw new Error(`no saved topology "${id}"`);
    const name = `${old.name} (copy)`.slice(0, 200);
    const record: SavedTopology = {
      id: newRecordId(),
      name,
      topology: { ...structuredClone(old.topology), name },
      createdAt: now,
      updatedAt: now,
      source: 'copy',
    };
    await store.add(record);
    return record;
  });
}

/** Deletes a saved topology; forgets it as the last open one if it was. */
export async function deleteTopology(id: string): Promise<void> {
  await withTx(['topologies', 'meta'], 'readwrite', async (tx) => {
    await tx.objectStore('topologies').delete(id);
    const meta = tx.objectStore('meta');
    if ((await meta.get('lastOpenId')) === id) await meta.delete('lastOpenId');
  });
}

/** The id of the topology that was open last, if it still exists. */
export async function getLastOpenId(): Promise<string | undefined> {
  return withTx(['topologies', 'meta'], 'readonly', async (tx) => {
    const id = await tx.objectStore('meta').get('lastOpenId');
    if (id === undefined) return undefined;
    return (await tx.objectStore('topologies').getKey(id)) === undefined ? undefined : id;
  });
}

/** Remembers which topology is open, so a reload brings it back. */
export async function setLastOpenId(id: string): Promise<void> {
  await withTx(['meta'], 'readwrite', (tx) => tx.objectStore('meta').put(id, 'lastOpenId'));
}

/**
 * A saved topology from `source` whose content is still exactly `topology` (opened and never edited),
 * so that opening the same example twice does not fill "My topologies" with identical copies.
 */
export async function findUnchanged(source: string, topology: Topology): Promise<SavedTopology | undefined> {
  const text = serializeTopology(topology);
  return withTx(['topologies'], 'readonly', async (tx) => {
    const candidates = await tx.objectStore('topologies').index('by-source').getAll(source);
    return candidates.find((r) => serializeTopology(r.topology) === text);
  });
}
