/**
 * Durable event stores: the `EventStorage` interface the worker persists appends through, its records, an
 * in-memory implementation (Node: runner, tests) and export to JSON / NDJSON. The IndexedDB implementation
 * is in eventStoreIdb.ts. A store is named by its key, `<topology name>/<node id>`.
 *
 * Layout: events are kept many per record (`EventChunk`, a JSON array of up to `CHUNK_EVENTS` events by
 * global position); one `StreamRecord` per stream lists the chunks that hold its events; snapshots are one
 * record each; `StoreRecord` holds the persisted head. A batch is written in one transaction.
 *
 * @example
 * const storage = createEventStorage(); // eventStoreIdb.ts: IndexedDB in a browser or worker, memory elsewhere
 * await storage.append(storeKey('Orders', 'store'), { events, snapshots: [], droppedSnapshots: [], epoch: 1, topology: 'Orders', nodeId: 'store' });
 * const page = await storage.readStream(key, 'order-17', { fromVersion: 1, limit: 50 });
 */
import type { SnapshotRecord, StoredEvent } from '../model/kinds/eventSourcing';
import type { StartMode } from './eventStoreMeta';

/** How a run's event stores start (re-exported from eventStoreMeta.ts). */
export type { StartMode };

/** Events per chunk record. */
export const CHUNK_EVENTS = 2000;

/** The storage key of an event-store node of a topology. */
export function storeKey(topologyName: string, nodeId: string): string {
  return `${topologyName}/${nodeId}`;
}

/** Many events in one record. */
export interface EventChunk {
  store: string;
  /** Global position of the first event. */
  first: number;
  last: number;
  count: number;
  /** The events as a JSON array (one string clones and parses faster than thousands of objects). */
  data: string;
}

/** A stream: its version and where its events are. */
export interface StreamRecord {
  store: string;
  streamId: string;
  version: number;
  /** Global positions of its first and last events. */
  first: number;
  last: number;
  /** Virtual time of its last event. */
  lastTime: number;
  /** `first` of each chunk holding events of the stream, ascending. */
  chunks: number[];
  /** The stream version of its first event in each of those chunks. */
  chunkVersions: number[];
}

/** A snapshot as stored. */
export interface SnapshotRow extends SnapshotRecord {
  store: string;
}

/** An event store as stored. */
export interface StoreRecord {
  store: string;
  topology: string;
  nodeId: string;
  /** Position of the last persisted event. */
  head: number;
  streams: number;
  snapshots: number;
  /** Run generation of the last run that wrote it. */
  epoch: number;
  /** Epoch milliseconds of the last write. */
  updatedAt: number;
}

/** What one flush writes. */
export interface PersistBatch {
  /** Events in position order, continuing the stored head. */
  events: readonly StoredEvent[];
  snapshots: readonly SnapshotRecord[];
  droppedSnapshots: readonly { streamId: string; version: number }[];
  epoch: number;
  topology: string;
  nodeId: string;
}

/** A page of streams. */
export interface StreamPage {
  total: number;
  items: Omit<StreamRecord, 'chunks' | 'chunkVersions'>[];
}

/** What a store holds, for seeding a run. */
export interface StoredState {
  events: StoredEvent[];
  snapshots: SnapshotRecord[];
  epoch: number;
}

/** Durable event stores (IndexedDB in the studio, memory in Node). */
export interface EventStorage {
  /** Writes a batch in one transaction (all or nothing) and resolves with the new persisted head. */
  append(store: string, batch: PersistBatch): Promise<number>;
  /** The store record, or null when nothing is stored. */
  info(store: string): Promise<StoreRecord | null>;
  /** Every stored event store. */
  listStores(): Promise<StoreRecord[]>;
  /** Everything stored, for seeding a run. */
  loadAll(store: string): Promise<StoredState>;
  /** Streams in id order, optionally with a prefix. */
  listStreams(
    store: string,
    options?: { offset?: number; limit?: number; prefix?: string },
  ): Promise<StreamPage>;
  /** Events of a stream from a version. */
  readStream(
    store: string,
    streamId: string,
    options?: { fromVersion?: number; limit?: number },
  ): Promise<StoredEvent[]>;
  /** Events after a global position. */
  readAll(store: string, options?: { after?: number; limit?: number }): Promise<StoredEvent[]>;
  /** Snapshots of a stream, oldest first. */
  snapshots(store: string, streamId: string): Promise<SnapshotRecord[]>;
  /** Forgets a store. */
  clear(store: string): Promise<void>;
}

/** Checks that a batch continues the stored head; throws otherwise (nothing is written). */
export function checkContinues(head: number, events: readonly StoredEvent[]): void {
  events.forEach((e, i) => {
    if (e.position !== head + i + 1)
      throw new Error(
        `batch does not continue the stored head ${head}: position ${e.position} at index ${i}`,
      );
  });
}

/** Streams as JSON (an array) or NDJSON (one event per line). */
export function exportEvents(events: readonly StoredEvent[], format: 'json' | 'ndjson'): string {
  if (format === 'json') return JSON.stringify(events, null, 1) + '\n';
  let out = '';
  for (const e of events) out += JSON.stringify(e) + '\n';
  return out;
}

/** Keeps an event store in memory (Node, tests): the same contract as IndexedDB, without durability. */
export class MemoryEventStorage implements EventStorage {
  private readonly stores = new Map<
    string,
    { record: StoreRecord; events: StoredEvent[]; snapshots: Map<string, SnapshotRecord[]> }
  >();
  /** Called before a batch is written; throw to make the write fail (tests of the failure path). */
  beforeWrite: ((store: string, batch: PersistBatch) => void) | null = null;

  append(store: string, batch: PersistBatch): Promise<number> {
    try {
      this.beforeWrite?.(store, batch);
      let s = this.stores.get(store);
      checkContinues(s?.record.head ?? 0, batch.events);
      if (!s) {
        s = {
          record: {
            store,
            topology: batch.topology,
            nodeId: batch.nodeId,
            head: 0,
            streams: 0,
            snapshots: 0,
            epoch: batch.epoch,
            updatedAt: 0,
          },
          events: [],
          snapshots: new Map(),
        };
        this.stores.set(store, s);
      }
      s.events.push(...batch.events);
      for (const snap of batch.snapshots) {
        const list = s.snapshots.get(snap.streamId) ?? [];
        list.push(snap);
        s.snapshots.set(snap.streamId, list);
      }
      for (const d of batch.droppedSnapshots) {
        const list = s.snapshots.get(d.streamId);
        if (list)
          s.snapshots.set(
            d.streamId,
            list.filter((x) => x.version !== d.version),
          );
      }
      const streams = new Set(s.events.map((e) => e.streamId));
      s.record = {
        ...s.record,
        head: s.events.length,
        streams: streams.size,
        snapshots: [...s.snapshots.values()].reduce((a, l) => a + l.length, 0),
        epoch: batch.epoch,
        updatedAt: Date.now(),
      };
      return Promise.resolve(s.record.head);
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  }

  info(store: string): Promise<StoreRecord | null> {
    return Promise.resolve(this.stores.get(store)?.record ?? null);
  }

  listStores(): Promise<StoreRecord[]> {
    return Promise.resolve([...this.stores.values()].map((s) => s.record));
  }

  loadAll(store: string): Promise<StoredState> {
    const s = this.stores.get(store);
    return Promise.resolve({
      events: [...(s?.events ?? [])],
      snapshots: [...(s?.snapshots.values() ?? [])].flat(),
      epoch: s?.record.epoch ?? 0,
    });
  }

  listStreams(
    store: string,
    options: { offset?: number; limit?: number; prefix?: string } = {},
  ): Promise<StreamPage> {
    const s = this.stores.get(store);
    const by = new Map<string, StreamPage['items'][number]>();
    for (const e of s?.events ?? []) {
      if (options.prefix && !e.streamId.startsWith(options.prefix)) continue;
      const r = by.get(e.streamId);
      if (r) {
        r.version = e.version;
        r.last = e.position;
        r.lastTime = e.time;
      } else
        by.set(e.streamId, {
          store,
          streamId: e.streamId,
          version: e.version,
          first: e.position,
          last: e.position,
          lastTime: e.time,
        });
    }
    const all = [...by.values()].sort((a, b) =>
      a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0,
    );
    const offset = options.offset ?? 0;
    return Promise.resolve({ total: all.length, items: all.slice(offset, offset + (options.limit ?? 100)) });
  }

  readStream(
    store: string,
    streamId: string,
    options: { fromVersion?: number; limit?: number } = {},
  ): Promise<StoredEvent[]> {
    const from = options.fromVersion ?? 1;
    const events = (this.stores.get(store)?.events ?? []).filter(
      (e) => e.streamId === streamId && e.version >= from,
    );
    return Promise.resolve(events.slice(0, options.limit ?? 100));
  }

  readAll(store: string, options: { after?: number; limit?: number } = {}): Promise<StoredEvent[]> {
    const after = options.after ?? 0;
    return Promise.resolve(
      (this.stores.get(store)?.events ?? []).slice(after, after + (options.limit ?? Infinity)),
    );
  }

  snapshots(store: string, streamId: string): Promise<SnapshotRecord[]> {
    return Promise.resolve([...(this.stores.get(store)?.snapshots.get(streamId) ?? [])]);
  }

  clear(store: string): Promise<void> {
    this.stores.delete(store);
    return Promise.resolve();
  }
}
