import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SnapshotRecord, StoredEvent } from '../model/kinds/eventSourcing';
import { closeDb, DB_VERSION, getDb, openStudioDb, setDatabaseName } from './db';
import {
  CHUNK_EVENTS,
  exportEvents,
  MemoryEventStorage,
  type EventStorage,
  type PersistBatch,
} from './eventStore';
import { IdbEventStorage } from './eventStoreIdb';
import { getStartMode, setStartMode } from './eventStoreMeta';
import { listRuns, MAX_RUNS, saveRun, type RunRecord } from './runs';

let n = 0;
beforeEach(async () => {
  await setDatabaseName(`es-test-${++n}`);
});
afterEach(async () => {
  await closeDb();
});

/** Events at positions from+1 … from+count over `streams` streams, versions counted per stream. */
function events(
  from: number,
  count: number,
  streams = 3,
  versions = new Map<string, number>(),
): StoredEvent[] {
  const out: StoredEvent[] = [];
  for (let k = 0; k < count; k++) {
    const position = from + k + 1;
    const streamId = `s-${position % streams}`;
    const version = (versions.get(streamId) ?? 0) + 1;
    versions.set(streamId, version);
    out.push({
      eventId: `e${position}`,
      streamId,
      version,
      position,
      type: 'Deposited',
      schemaVersion: 1,
      payload: { amount: position },
      time: position * 10,
      correlationId: 'c',
      causationId: null,
    });
  }
  return out;
}

const batch = (
  evs: StoredEvent[],
  snapshots: SnapshotRecord[] = [],
  dropped: PersistBatch['droppedSnapshots'] = [],
): PersistBatch => ({
  events: evs,
  snapshots,
  droppedSnapshots: dropped,
  epoch: 3,
  topology: 'Orders',
  nodeId: 'store',
});

const snap = (streamId: string, version: number): SnapshotRecord => ({
  streamId,
  version,
  position: version,
  schemaVersion: 1,
  state: { v: version },
  time: 0,
});

describe.each([
  ['IndexedDB', () => new IdbEventStorage()],
  ['memory', () => new MemoryEventStorage()],
] as const)('EventStorage (%s)', (_name, make: () => EventStorage) => {
  it('appends batches, lists streams, pages through a stream and all events, and loads everything', async () => {
    const storage = make();
    const versions = new Map<string, number>();
    // small batches (topped up into one chunk) and a large one (several chunks)
    let head = 0;
    for (let b = 0; b < 5; b++) {
      const evs = events(head, 7, 3, versions);
      head = await storage.append('Orders/store', batch(evs));
    }
    head = await storage.append('Orders/store', batch(events(head, CHUNK_EVENTS * 2 + 10, 3, versions)));
    expect(head).toBe(35 + CHUNK_EVENTS * 2 + 10);
    expect(await storage.info('Orders/store')).toMatchObject({
      head,
      streams: 3,
      epoch: 3,
      topology: 'Orders',
      nodeId: 'store',
    });
    const streams = await storage.listStreams('Orders/store', { offset: 1, limit: 1 });
    expect(streams.total).toBe(3);
    expect(streams.items).toEqual([
      expect.objectContaining({ streamId: 's-1', version: versions.get('s-1') }),
    ]);

    // a page of a stream across chunk boundaries
    const page = await storage.readStream('Orders/store', 's-2', { fromVersion: 500, limit: 800 });
    expect(page.map((e) => e.version)).toEqual(Array.from({ length: 800 }, (_, i) => 500 + i));
    expect(page.every((e) => e.streamId === 's-2')).toBe(true);
    const tail = await storage.readAll('Orders/store', { after: CHUNK_EVENTS - 3, limit: 6 });
    expect(tail.map((e) => e.position)).toEqual(Array.from({ length: 6 }, (_, i) => CHUNK_EVENTS - 2 + i));

    const loaded = await storage.loadAll('Orders/store');
    expect(loaded.events.map((e) => e.position)).toEqual(Array.from({ length: head }, (_, i) => i + 1));
    expect(loaded.epoch).toBe(3);
    // appends continue after a load
    expect(await storage.append('Orders/store', batch(events(head, 2, 3, versions)))).toBe(head + 2);
  });

  it('refuses a batch that does not continue the head, writing nothing', async () => {
    const storage = make();
    await storage.append('k', batch(events(0, 3)));
    await expect(storage.append('k', batch(events(5, 2)))).rejects.toThrow(/does not continue/);
    expect((await storage.info('k'))?.head).toBe(3);
  });

  it('keeps snapshots and forgets dropped ones', async () => {
    const storage = make();
    await storage.append('k', batch(events(0, 6, 1), [snap('s-0', 2), snap('s-0', 4)]));
    await storage.append('k', batch(events(6, 2, 1), [snap('s-0', 8)], [{ streamId: 's-0', version: 2 }]));
    expect((await storage.snapshots('k', 's-0')).map((s) => s.version)).toEqual([4, 8]);
    expect((await storage.info('k'))?.snapshots).toBe(2);
    expect((await storage.loadAll('k')).snapshots.map((s) => s.version).sort()).toEqual([4, 8]);
  });

  it('clears one store and leaves the others', async () => {
    const storage = make();
    await storage.append('a', batch(events(0, 3)));
    await storage.append('b', batch(events(0, 4)));
    await storage.clear('a');
    expect(await storage.info('a')).toBeNull();
    expect((await storage.listStreams('a')).total).toBe(0);
    expect((await storage.listStores()).map((s) => s.store)).toEqual(['b']);
    expect(await storage.append('a', batch(events(0, 1)))).toBe(1);
  });
});

describe('IndexedDB atomicity and failures', () => {
  /** Makes `put` on one object store throw, as a full disk does (QuotaExceededError). */
  function failPuts(storeName: string) {
    const proto = IDBObjectStore.prototype;
    const put = proto.put;
    proto.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
      if (this.name === storeName)
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return put.apply(this, args);
    };
    return () => {
      proto.put = put;
    };
  }

  it('an aborted transaction leaves nothing of the batch visible', async () => {
    const storage = new IdbEventStorage();
    await storage.append('k', batch(events(0, 10)));
    const restore = failPuts('esStreams'); // chunks are written first, then the stream records fail
    try {
      await expect(storage.append('k', batch(events(10, 3000)))).rejects.toMatchObject({
        name: 'QuotaExceededError',
      });
    } finally {
      restore();
    }
    expect((await storage.info('k'))?.head).toBe(10);
    expect((await storage.readAll('k')).map((e) => e.position)).toEqual(
      Array.from({ length: 10 }, (_, i) => i + 1),
    );
    const db = await getDb();
    expect(await db.count('esChunks')).toBe(1);
    expect((await storage.readStream('k', 's-1', { limit: 1000 })).length).toBe(4);
    // the next write starts from what is really stored
    expect(
      await storage.append(
        'k',
        batch(
          events(
            10,
            5,
            3,
            new Map([
              ['s-0', 3],
              ['s-1', 4],
              ['s-2', 3],
            ]),
          ),
        ),
      ),
    ).toBe(15);
    expect((await storage.readStream('k', 's-1', { limit: 1000 })).map((e) => e.version)).toEqual([
      1, 2, 3, 4, 5,
    ]);
  });

  it('a first batch that fails leaves no store at all', async () => {
    const storage = new IdbEventStorage();
    const restore = failPuts('esStores');
    try {
      await expect(storage.append('k', batch(events(0, 50)))).rejects.toThrow(/quota/);
    } finally {
      restore();
    }
    expect(await storage.info('k')).toBeNull();
    expect((await storage.listStreams('k')).total).toBe(0);
    expect(await (await getDb()).count('esChunks')).toBe(0);
  });
});

describe('schema upgrades', () => {
  it('upgrades a version-1 database with data in it, keeping the data', async () => {
    const name = `upgrade-${n}`;
    const v1 = await openStudioDb(name, 1);
    expect([...v1.objectStoreNames].sort()).toEqual(['meta', 'topologies']);
    await v1.put('topologies', {
      id: 't1',
      name: 'Orders',
      topology: { format: 'messaging-studio/topology', version: 1, name: 'Orders', nodes: [], edges: [] },
      createdAt: 1,
      updatedAt: 2,
    });
    await v1.put('meta', 't1', 'lastOpenId');
    v1.close();
    await setDatabaseName(name);
    const db = await getDb();
    expect(db.version).toBe(DB_VERSION);
    expect([...db.objectStoreNames].sort()).toEqual([
      'esChunks',
      'esSnapshots',
      'esStores',
      'esStreams',
      'meta',
      'runs',
      'topologies',
    ]);
    expect((await db.get('topologies', 't1'))?.name).toBe('Orders');
    expect(await db.get('meta', 'lastOpenId')).toBe('t1');
    expect(await new IdbEventStorage().append('Orders/store', batch(events(0, 3)))).toBe(3);
  });

  it('a second connection upgrading the schema is not blocked by the open one (versionchange)', async () => {
    const name = `tabs-${n}`;
    await setDatabaseName(name);
    const first = await getDb();
    expect(first.version).toBe(DB_VERSION);
    // another tab with a newer studio opens a newer version; ours steps aside instead of blocking it
    const timeout = new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 2000));
    const newer = openStudioDb(name, DB_VERSION + 1).then((db) => db);
    const result = await Promise.race([newer, timeout]);
    expect(result).not.toBe('hung');
    const db = result as Awaited<typeof newer>;
    expect(db.version).toBe(DB_VERSION + 1);
    expect([...db.objectStoreNames]).toContain('esChunks');
    db.close();
  });
});

describe('start mode, export and runs', () => {
  it('remembers where the next run starts', async () => {
    expect(await getStartMode()).toBe('stored');
    await setStartMode('empty');
    expect(await getStartMode()).toBe('empty');
  });

  it('exports streams as JSON and NDJSON that read back the same', () => {
    const evs = events(0, 4);
    expect(JSON.parse(exportEvents(evs, 'json'))).toEqual(evs);
    const lines = exportEvents(evs, 'ndjson').trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines.map((l) => JSON.parse(l) as StoredEvent)).toEqual(evs);
  });

  it('lists runs newest first and keeps the newest MAX_RUNS', async () => {
    const run = (i: number): RunRecord => ({
      id: `r${i}`,
      topology: 'Orders',
      startedAt: i,
      seed: 1,
      until: 1000,
      start: 'stored',
      status: 'finished',
      stores: [],
    });
    for (let i = 1; i <= MAX_RUNS + 3; i++) await saveRun(run(i));
    const runs = await listRuns(5);
    expect(runs.map((r) => r.id)).toEqual([
      `r${MAX_RUNS + 3}`,
      `r${MAX_RUNS + 2}`,
      `r${MAX_RUNS + 1}`,
      `r${MAX_RUNS}`,
      `r${MAX_RUNS - 1}`,
    ]);
    expect(await (await getDb()).count('runs')).toBe(MAX_RUNS);
    expect(await (await getDb()).get('runs', 'r3')).toBeUndefined();
    expect(await (await getDb()).get('runs', 'r4')).toBeDefined();
  });
});
