/**
 * The IndexedDB implementation of `EventStorage` (see eventStore.ts). One `append` is one readwrite
 * transaction over the chunk, stream, snapshot and store records: it commits whole or not at all. To write
 * fast it never reads what it wrote itself: it keeps, per store, the stream records and the last (partial)
 * chunk as of the head it last wrote, and only reads from the database when the stored head is not that
 * head (another writer, a cleared store, a failed write).
 *
 * @example
 * const storage = new IdbEventStorage();
 * await storage.append('Orders/store', batch);
 */
import type { SnapshotRecord, StoredEvent } from '../model/kinds/eventSourcing';
import { getDb } from './db';
import {
  CHUNK_EVENTS,
  checkContinues,
  type EventChunk,
  type EventStorage,
  type PersistBatch,
  type StoreRecord,
  type StoredState,
  type StreamPage,
  type StreamRecord,
  MemoryEventStorage,
} from './eventStore';

interface Cache {
  head: number;
  /** True when `streams` holds every stream of the store (so a missing one is new). */
  complete: boolean;
  streams: Map<string, StreamRecord>;
  lastChunk: EventChunk | null;
}

const all = (store: string) => IDBKeyRange.bound([store], [store, []]);

/** Event stores in IndexedDB (see the module comment). */
export class IdbEventStorage implements EventStorage {
  private readonly caches = new Map<string, Cache>();

  async append(store: string, batch: PersistBatch): Promise<number> {
    const db = await getDb();
    const tx = db.transaction(['esChunks', 'esStreams', 'esSnapshots', 'esStores'], 'readwrite');
    const chunks = tx.objectStore('esChunks');
    const streams = tx.objectStore('esStreams');
    const snaps = tx.objectStore('esSnapshots');
    const stores = tx.objectStore('esStores');
    const cached = this.caches.get(store);
    this.caches.delete(store); // put back only once the transaction has committed
    try {
      const rec = await stores.get(store);
      const head = rec?.head ?? 0;
      checkContinues(head, batch.events);
      let cache = cached !== undefined && cached.head === head ? cached : null;
      if (cache === null) cache = { head, complete: head === 0, streams: new Map(), lastChunk: null };
      const writes: Promise<unknown>[] = [];
      // requests still pending when the transaction aborts reject too: the caller gets the first error
      const write = (p: Promise<unknown>) => {
        p.catch(() => undefined);
        writes.push(p);
      };

      // stream records of the streams this batch touches
      if (!cache.complete) {
        const missing = [...new Set(batch.events.map((e) => e.streamId))].filter(
          (id) => !cache.streams.has(id),
        );
        const found = await Promise.all(missing.map((id) => streams.get([store, id])));
        found.forEach((r) => r && cache.streams.set(r.streamId, r));
      }

      // chunks: top up the last partial chunk, then new ones
      let i = 0;
      const events = batch.events;
      const newChunks: EventChunk[] = [];
      const last = cache.lastChunk;
      if (last !== null && last.count < CHUNK_EVENTS && events.length > 0) {
        const take = Math.min(CHUNK_EVENTS - last.count, events.length);
        const more = JSON.stringify(events.slice(0, take));
        newChunks.push({
          ...last,
          last: events[take - 1].position,
          count: last.count + take,
          data: last.count ? `${last.data.slice(0, -1)},${more.slice(1)}` : more,
        });
        i = take;
      }
      for (; i < events.length; i += CHUNK_EVENTS) {
        const part = events.slice(i, i + CHUNK_EVENTS);
        newChunks.push({
          store,
          first: part[0].position,
          last: part[part.length - 1].position,
          count: part.length,
          data: JSON.stringify(part),
        });
      }
      let c = 0;
      for (const e of events) {
        while (e.position > newChunks[c].last) c++;
        const chunkFirst = newChunks[c].first;
        let s = cache.streams.get(e.streamId);
        if (s === undefined) {
          s = {
            store,
            streamId: e.streamId,
            version: 0,
            first: e.position,
            last: e.position,
            lastTime: e.time,
            chunks: [],
            chunkVersions: [],
          };
          cache.streams.set(e.streamId, s);
        }
        if (s.chunks[s.chunks.length - 1] !== chunkFirst) {
          s.chunks.push(chunkFirst);
          s.chunkVersions.push(e.version);
        }
        s.version = e.version;
        s.last = e.position;
        s.lastTime = e.time;
      }
      for (const ch of newChunks) write(chunks.put(ch));
      const touched = new Set(events.map((e) => e.streamId));
      for (const id of touched) write(streams.put(cache.streams.get(id)!));
      for (const snap of batch.snapshots) write(snaps.put({ ...snap, store }));
      for (const d of batch.droppedSnapshots) write(snaps.delete([store, d.streamId, d.version]));
      await Promise.all(writes);
      const newHead = head + events.length;
      const streamCount =
        rec && !touched.size ? rec.streams : await streams.count(IDBKeyRange.bound([store], [store, []]));
      const snapshotCount =
        batch.snapshots.length || batch.droppedSnapshots.length || !rec
          ? await snaps.count(all(store))
          : rec.snapshots;
      const record: StoreRecord = {
        store,
        topology: batch.topology,
        nodeId: batch.nodeId,
        head: newHead,
        streams: streamCount,
        snapshots: snapshotCount,
        epoch: batch.epoch,
        updatedAt: Date.now(),
      };
      await stores.put(record);
      await tx.done;
      cache.head = newHead;
      cache.lastChunk = newChunks.length ? newChunks[newChunks.length - 1] : cache.lastChunk;
      this.caches.set(store, cache);
      return newHead;
    } catch (err) {
      tx.done.catch(() => undefined);
      try {
        tx.abort();
      } catch {
        // already finished (the error was the commit failing)
      }
      throw err;
    }
  }

  async info(store: string): Promise<StoreRecord | null> {
    return (await (await getDb()).get('esStores', store)) ?? null;
  }

  async listStores(): Promise<StoreRecord[]> {
    return (await getDb()).getAll('esStores');
  }

  async loadAll(store: string): Promise<StoredState> {
    const db = await getDb();
    const tx = db.transaction(['esChunks', 'esSnapshots', 'esStores', 'esStreams'], 'readonly');
    const [chunks, snapshots, rec, streamRecords] = await Promise.all([
      tx.objectStore('esChunks').getAll(all(store)),
      tx.objectStore('esSnapshots').getAll(all(store)),
      tx.objectStore('esStores').get(store),
      tx.objectStore('esStreams').getAll(all(store)),
    ]);
    await tx.done;
    const events: StoredEvent[] = [];
    for (const ch of chunks) for (const e of JSON.parse(ch.data) as StoredEvent[]) events.push(e);
    const head = rec?.head ?? 0;
    if (events.length !== head)
      throw new Error(`store ${store}: ${events.length} events stored for head ${head}`);
    // what was just read is what the next append continues: keep it
    this.caches.set(store, {
      head,
      complete: true,
      streams: new Map(streamRecords.map((r) => [r.streamId, r])),
      lastChunk: chunks.length ? chunks[chunks.length - 1] : null,
    });
    return { events, snapshots: snapshots.map(({ store: _s, ...snap }) => snap), epoch: rec?.epoch ?? 0 };
  }

  async listStreams(
    store: string,
    options: { offset?: number; limit?: number; prefix?: string } = {},
  ): Promise<StreamPage> {
    const db = await getDb();
    const range = options.prefix
      ? IDBKeyRange.bound([store, options.prefix], [store, options.prefix + '\uffff'])
      : all(store);
    const tx = db.transaction('esStreams', 'readonly');
    const total = await tx.store.count(range);
    const items: StreamPage['items'] = [];
    let cursor = await tx.store.openCursor(range);
    if (cursor && options.offset) cursor = await cursor.advance(options.offset);
    const limit = options.limit ?? 100;
    while (cursor && items.length < limit) {
      const { chunks: _c, chunkVersions: _v, ...rest } = cursor.value;
      items.push(rest);
      cursor = await cursor.continue();
    }
    await tx.done;
    return { total, items };
  }

  async readStream(
    store: string,
    streamId: string,
    options: { fromVersion?: number; limit?: number } = {},
  ): Promise<StoredEvent[]> {
    const from = options.fromVersion ?? 1;
    const limit = options.limit ?? 100;
    const db = await getDb();
    const tx = db.transaction(['esStreams', 'esChunks'], 'readonly');
    const s = await tx.objectStore('esStreams').get([store, streamId]);
    const out: StoredEvent[] = [];
    if (s) {
      // the last chunk whose first event of this stream is at or before `from`
      let k = 0;
      while (k + 1 < s.chunkVersions.length && s.chunkVersions[k + 1] <= from) k++;
      for (; k < s.chunks.length && out.length < limit; k++) {
        const ch = await tx.objectStore('esChunks').get([store, s.chunks[k]]);
        if (!ch) continue;
        for (const e of JSON.parse(ch.data) as StoredEvent[]) {
          if (e.streamId === streamId && e.version >= from && out.length < limit) out.push(e);
        }
      }
    }
    await tx.done;
    return out;
  }

  async readAll(store: string, options: { after?: number; limit?: number } = {}): Promise<StoredEvent[]> {
    const after = options.after ?? 0;
    const limit = options.limit ?? Infinity;
    const db = await getDb();
    const tx = db.transaction('esChunks', 'readonly');
    // the chunk holding position after + 1, then the ones after it
    const start = await tx.store.openCursor(IDBKeyRange.bound([store, 0], [store, after + 1]), 'prev');
    const from = start && start.value.last > after ? start.value.first : after + 1;
    const out: StoredEvent[] = [];
    let cursor = await tx.store.openCursor(IDBKeyRange.bound([store, from], [store, Infinity]));
    while (cursor && out.length < limit) {
      for (const e of JSON.parse(cursor.value.data) as StoredEvent[])
        if (e.position > after && out.length < limit) out.push(e);
      cursor = await cursor.continue();
    }
    await tx.done;
    return out;
  }

  async snapshots(store: string, streamId: string): Promise<SnapshotRecord[]> {
    const rows = await (
      await getDb()
    ).getAll('esSnapshots', IDBKeyRange.bound([store, streamId], [store, streamId, []]));
    return rows.map(({ store: _s, ...snap }) => snap);
  }

  async clear(store: string): Promise<void> {
    this.caches.delete(store);
    const db = await getDb();
    const tx = db.transaction(['esChunks', 'esStreams', 'esSnapshots', 'esStores'], 'readwrite');
    await Promise.all([
      tx.objectStore('esChunks').delete(all(store)),
      tx.objectStore('esStreams').delete(all(store)),
      tx.objectStore('esSnapshots').delete(all(store)),
      tx.objectStore('esStores').delete(store),
    ]);
    await tx.done;
  }
}

/** IndexedDB storage where IndexedDB exists (browser, worker), memory storage elsewhere (Node). */
export function createEventStorage(): EventStorage {
  return typeof indexedDB !== 'undefined' ? new IdbEventStorage() : new MemoryEventStorage();
}
