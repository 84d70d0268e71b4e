/**
 * The studio's IndexedDB database: one typed schema ({@link StudioDB}), one upgrade ladder
 * ({@link upgradeSchema}) and one transaction helper ({@link withTx}). Every other storage module goes
 * through here; nothing outside `src/storage` touches IndexedDB.
 *
 * @example
 * const names = await withTx(['topologies'], 'readonly', async (tx) =>
 *   (await tx.objectStore('topologies').getAll()).map((r) => r.name));
 */
import { openDB, type DBSchema, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';
import type { Topology } from '../model/topology';
import type { EventChunk, SnapshotRow, StoreRecord, StreamRecord } from './eventStore';
import type { RunRecord } from './runs';

/** The database name (one per origin). */
export const DB_NAME = 'messaging-studio';

/**
 * The schema version. Bump it by one for every schema change and add a `case` to {@link upgradeSchema}.
 * History: 1 = topologies + meta; 2 = event stores (esChunks, esStreams, esSnapshots, esStores) + runs.
 */
export const DB_VERSION = 2;

/** A topology saved in the browser ("My topologies"). */
export interface SavedTopology {
  /** Random id, not derived from the content. */
  id: string;
  /** Display name; kept equal to `topology.name`. */
  name: string;
  /** The topology exactly as the editor holds it (file format v1, defaults not applied). */
  topology: Topology;
  /** Epoch milliseconds. */
  createdAt: number;
  /** Epoch milliseconds of the last save. */
  updatedAt: number;
  /** Where it came from: `new`, `file:<name>`, `example:<name>`, `link`, `copy`. */
  source?: string;
}

/** Keys of the `meta` store. */
export type MetaKey = 'lastOpenId' | 'eventStoreStart';

/** The typed schema. Later versions add stores (event-store streams, run archives) through upgrades. */
export interface StudioDB extends DBSchema {
  topologies: {
    key: string;
    value: SavedTopology;
    indexes: { 'by-updated': number; 'by-source': string };
  };
  meta: {
    key: MetaKey;
    value: string;
  };
  /** Event-store events, many per record (see eventStore.ts). */
  esChunks: {
    key: [string, number];
    value: EventChunk;
  };
  /** One record per stream: its version and the chunks that hold its events. */
  esStreams: {
    key: [string, string];
    value: StreamRecord;
  };
  esSnapshots: {
    key: [string, string, number];
    value: SnapshotRow;
  };
  /** One record per event store: the persisted head. */
  esStores: {
    key: string;
    value: StoreRecord;
  };
  /** Runs of the studio (see runs.ts). */
  runs: {
    key: string;
    value: RunRecord;
    indexes: { 'by-started': number };
  };
}

/** An open connection to the studio database. */
export type StudioDatabase = IDBPDatabase<StudioDB>;

/**
 * Brings a database from `oldVersion` up to `newVersion`, one version at a time. Each step only ever
 * adds: a user who skipped versions passes through every step in order.
 */
export function upgradeSchema(
  db: IDBPDatabase<StudioDB>,
  oldVersion: number,
  newVersion: number | null,
  _tx: IDBPTransaction<StudioDB, StoreNames<StudioDB>[], 'versionchange'>,
): void {
  // A ladder, not a switch with breaks: a database at version 0 climbs every rung to the newest.
  if (oldVersion < 1) {
    const topologies = db.createObjectStore('topologies', { keyPath: 'id' });
    topologies.createIndex('by-updated', 'updatedAt');
    topologies.createIndex('by-source', 'source');
    db.createObjectStore('meta');
  }
  // (a rung is climbed only up to the version asked for, so tests can make an old database)
  if (oldVersion < 2 && (newVersion ?? DB_VERSION) >= 2) {
    db.createObjectStore('esChunks', { keyPath: ['store', 'first'] });
    db.createObjectStore('esStreams', { keyPath: ['store', 'streamId'] });
    db.createObjectStore('esSnapshots', { keyPath: ['store', 'streamId', 'version'] });
    db.createObjectStore('esStores', { keyPath: 'store' });
    db.createObjectStore('runs', { keyPath: 'id' }).createIndex('by-started', 'startedAt');
  }
}

let dbName = DB_NAME;
let connection: Promise<StudioDatabase> | null = null;

/** Opens a database with the studio schema (a new connection; most code wants {@link getDb}). */
export function openStudioDb(name: string = DB_NAME, version: number = DB_VERSION): Promise<StudioDatabase> {
  return openDB<StudioDB>(name, version, {
    upgrade: upgradeSchema,
    blocking() {
      // Another tab wants a newer schema: step aside so its upgrade can run.
      void closeDb();
    },
  });
}

/** The shared connection, opened on first use. */
export function getDb(): Promise<StudioDatabase> {
  if (!connection) {
    connection = openStudioDb(dbName);
    connection.catch(() => {
      connection = null;
    });
  }
  return connection;
}

/** Closes the shared connection (tests, and when another tab upgrades the schema). */
export async function closeDb(): Promise<void> {
  const c = connection;
  connection = null;
  if (c) (await c.catch(() => null))?.close();
}

/** Points the shared connection at another database name (tests use one per case). */
export async function setDatabaseName(name: string): Promise<void> {
  await closeDb();
  dbName = name;
}

/**
 * Runs `fn` in one transaction over `stores` and resolves when the transaction has committed, so callers
 * never see a write that could still roll back.
 */
export async function withTx<S extends StoreNames<StudioDB>, M extends IDBTransactionMode, R>(
  stores: S[],
  mode: M,
  fn: (tx: IDBPTransaction<StudioDB, S[], M>) => Promise<R>,
): Promise<R> {
  const db = await getDb();
  const tx = db.transaction(stores, mode);
  try {
    const result = await fn(tx);
    await tx.done;
    return result;
  } catch (err) {
    tx.done.catch(() => undefined); // the abort below rejects it; the caller gets `err` instead
    try {
      tx.abort();
    } catch {
      // already finished
    }
    throw err;
  }
}
