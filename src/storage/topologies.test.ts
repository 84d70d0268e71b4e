import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emptyTopology, serializeTopology, type Topology } from '../model/topology';
import { closeDb, DB_VERSION, getDb, openStudioDb, setDatabaseName } from './db';
import {
  createTopology,
  deleteTopology,
  duplicateTopology,
  findUnchanged,
  getLastOpenId,
  getTopology,
  listTopologies,
  renameTopology,
  saveTopology,
  setLastOpenId,
} from './topologies';

let n = 0;
beforeEach(async () => {
  await setDatabaseName(`test-${++n}`);
});
afterEach(async () => {
  await closeDb();
});

const sample = (): Topology => ({
  format: 'messaging-studio/topology',
  version: 1,
  name: 'Orders',
  description: 'A queue',
  nodes: [
    { id: 'p', kind: 'producer', position: { x: 0, y: 0 }, config: { rate: 5 } },
    { id: 's', kind: 'sink' },
  ],
  edges: [{ id: 'e1', source: 'p', target: 's' }],
});

describe('schema', () => {
  it('creates the stores and indexes of version 1 on a fresh database', async () => {
    const db = await getDb();
    expect(db.version).toBe(DB_VERSION);
    expect([...db.objectStoreNames].sort()).toEqual(['esChunks', 'esSnapshots', 'esStores', 'esStreams', 'meta', 'runs', 'topologies']);
    const tx = db.transaction('topologies');
    expect([...tx.store.indexNames].sort()).toEqual(['by-source', 'by-updated']);
  });

  it('runs the upgrade ladder from version 0 on a database opened by name', async () => {
    const db = await openStudioDb(`direct-${n}`);
    expect(db.version).toBe(DB_VERSION);
    expect([...db.objectStoreNames].sort()).toEqual(['esChunks', 'esSnapshots', 'esStores', 'esStreams', 'meta', 'runs', 'topologies']);
    db.close();
  });

  it('keeps data when the same version is opened again', async () => {
    const saved = await createTopology(sample());
    await closeDb();
    expect((await getTopology(saved.id))?.topology).toEqual(sample());
  });
});

describe('saved topologies', () => {
  it('round-trips a topology exactly, key order included', async () => {
    const saved = await createTopology(sample(), { source: 'file:orders.json', now: 10 });
    const back = await getTopology(saved.id);
    expect(serializeTopology(back!.topology)).toBe(serializeTopology(sample()));
    expect(back).toMatchObject({ name: 'Orders', createdAt: 10, updatedAt: 10, source: 'file:orders.json' });
  });

  it('lists most recently saved first, with counts', async () => {
    const a = await createTopology({ ...sample(), name: 'A' }, { now: 1 });
    const b = await createTopology({ ...emptyTopology('B') }, { now: 2 });
    await saveTopology(a.id, { ...sample(), name: 'A2' }, 3);
    const list = await listTopologies();
    expect(list.map((s) => [s.id, s.name])).toEqual([
      [a.id, 'A2'],
      [b.id, 'B'],
    ]);
    expect(list[0]).toMatchObject({ nodeCount: 2, edgeCount: 1, description: 'A queue', createdAt: 1, updatedAt: 3 });
  });

  it('saveTopology keeps creation time and source, and creates a record under a given id', async () => {
    const a = await createTopology(sample(), { source: 'example:x', now: 5 });
    const saved = await saveTopology(a.id, { ...sample(), nodes: [] }, 9);
    expect(saved).toMatchObject({ createdAt: 5, updatedAt: 9, source: 'example:x' });
    const fresh = await saveTopology('given', sample(), 11);
    expect(fresh).toMatchObject({ id: 'given', createdAt: 11 });
  });

  it('renames the record and the topology inside it; refuses an empty name', async () => {
    const a = await createTopology(sample());
    await renameTopology(a.id, '  Billing  ');
    const back = await getTopology(a.id);
    expect(back?.name).toBe('Billing');
    expect(back?.topology.name).toBe('Billing');
    await expect(renameTopology(a.id, '   ')).rejects.toThrow(/empty/);
    await expect(renameTopology('nope', 'x')).rejects.toThrow(/no saved topology/);
  });

  it('duplicates under a new id and leaves the original alone', async () => {
    const a = await createTopology(sample());
    const copy = await duplicateTopology(a.id);
    expect(copy.id).not.toBe(a.id);
    expect(copy.name).toBe('Orders (copy)');
    expect(copy.topology.nodes).toEqual(sample().nodes);
    expect((await getTopology(a.id))?.name).toBe('Orders');
    expect(await listTopologies()).toHaveLength(2);
  });

  it('deletes, and forgets the last open id when it pointed there', async () => {
    const a = await createTopology(sample());
    const b = await createTopology(sample());
    await setLastOpenId(a.id);
    expect(await getLastOpenId()).toBe(a.id);
    await deleteTopology(b.id);
    expect(await getLastOpenId()).toBe(a.id);
    await deleteTopology(a.id);
    expect(await getLastOpenId()).toBeUndefined();
    expect(await listTopologies()).toEqual([]);
  });

  it('finds an unchanged copy of the same source, but not an edited one', async () => {
    const a = await createTopology(sample(), { source: 'example:orders' });
    expect((await findUnchanged('example:orders', sample()))?.id).toBe(a.id);
    expect(await findUnchanged('example:other', sample())).toBeUndefined();
    await saveTopology(a.id, { ...sample(), name: 'Edited' });
    expect(await findUnchanged('example:orders', sample())).toBeUndefined();
  });
});
