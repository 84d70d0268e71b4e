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

/** The database name (one per origin). */
export const DB_NAME = 'messaging-studio';

/**
 * The schema version. Bump it by one for every schema change and add a `case` to {@link upgradeSchema}.
 * History: 1 = topologies + meta.
 */
export const DB_VERSION = 1;

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
export type MetaKey = 'lastOpenId';

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
  _newVersion: number | null,
  _tx: IDBPTransaction<StudioDB, StoreNames<StudioDB>[], 'versionchange'>,
): void {
  // A ladder, not a switch with breaks: a database at version 0 climbs every rung to the newest.
  if (oldVersion < 1) {
    const topologies = db.createObjectStore('topologies', { keyPath: 'id' });
    topologies.createIndex('by-updated', 'updatedAt');
    topologies.createIndex('by-source', 'source');
    db.createObjectStore('meta');
  }
  // if (oldVersion < 2) { … version 2 adds the event-store streams here … }
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
