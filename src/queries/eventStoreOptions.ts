/**
 * React Query option factories for the event-sourcing panels. Stored streams, events and snapshots are
 * read from IndexedDB (what survives a reload), paged; the live state of a run (an aggregate's state at a
 * version, read-model rows, saga instances and timelines) is asked of the worker. Keys carry the store key
 * or the run id, and a `stamp` that changes when the data behind them may have changed (the persisted
 * head while paused); while a run is running, reads refresh on an interval instead.
 *
 * @example
 * const { data } = useQuery(streamsPageOptions('Orders/orders-store', 0, 50, '', stamp));
 */
import { queryOptions } from '@tanstack/react-query';
import type { ReadEvent, SnapshotRecord, StoredEvent } from '../model/kinds/eventSourcing';
import type { JsonValue } from '../model/message';
import { runClient } from '../state/run/runClient';
import { type StartMode, type StoreRecord, type StreamPage } from '../storage/eventStore';
import { IdbEventStorage } from '../storage/eventStoreIdb';
import { getStartMode } from '../storage/eventStoreMeta';
import { listRuns, type RunRecord } from '../storage/runs';
import type { SagaState, SagaSummary, SagaTimeline } from '../worker/persistence';

const storage = new IdbEventStorage();

async function api() {
  const c = runClient.current();
  if (!c) throw new Error('no run');
  return (await c).api;
}

/** The key prefix of every stored event-store query (invalidate it after clearing a store). */
export const storedKey = ['event-store', 'stored'] as const;

/** Every stored event store. */
export const storedStoresOptions = (stamp: string | number) =>
  queryOptions<StoreRecord[]>({
    queryKey: [...storedKey, 'stores', stamp],
    queryFn: () => storage.listStores(),
  });

/** A page of a store's streams (by id). */
export const streamsPageOptions = (
  store: string,
  offset: number,
  limit: number,
  prefix: string,
  stamp: string | number,
) =>
  queryOptions<StreamPage>({
    queryKey: [...storedKey, 'streams', store, offset, limit, prefix, stamp],
    queryFn: () => storage.listStreams(store, { offset, limit, prefix }),
    placeholderData: (prev) => prev,
  });

/** A page of a stream's events from a version. */
export const streamEventsOptions = (
  store: string,
  streamId: string,
  fromVersion: number,
  limit: number,
  stamp: string | number,
) =>
  queryOptions<StoredEvent[]>({
    queryKey: [...storedKey, 'events', store, streamId, fromVersion, limit, stamp],
    queryFn: () => storage.readStream(store, streamId, { fromVersion, limit }),
    placeholderData: (prev) => prev,
  });

/** The snapshots stored for a stream. */
export const snapshotsOptions = (store: string, streamId: string, stamp: string | number) =>
  queryOptions<SnapshotRecord[]>({
    queryKey: [...storedKey, 'snapshots', store, streamId, stamp],
    queryFn: () => storage.snapshots(store, streamId),
  });

/** Every stored event of a store, by position (for an export). */
export function readAllStored(store: string): Promise<StoredEvent[]> {
  return storage.readAll(store);
}

/** Clears a stored event store (a mutation: invalidate `storedKey` afterwards). */
export function clearStoredStore(store: string): Promise<void> {
  return storage.clear(store);
}

/** The newest runs recorded in the browser. */
export const recentRunsOptions = (stamp: string | number) =>
  queryOptions<RunRecord[]>({ queryKey: [...storedKey, 'runs', stamp], queryFn: () => listRuns(20) });

/** Where the next run's event stores start. */
export const startModeOptions = () =>
  queryOptions<StartMode>({ queryKey: ['event-store', 'start-mode'], queryFn: getStartMode });

/** An aggregate's state as of a version, from the run's in-memory store. */
export interface StateAt {
  hasReducer: boolean;
  streamId: string;
  version: number;
  state: Record<string, JsonValue> | null;
  snapshotVersion: number;
  eventsRead: number;
  eventsSkipped: number;
}

/** The state of a stream's aggregate as of `version` (null when the run does not know the stream). */
export const stateAtOptions = (runId: number, nodeId: string, streamId: string, version: number) =>
  queryOptions<StateAt>({
    queryKey: ['worker', 'state-at', runId, nodeId, streamId, version],
    queryFn: async () =>
      (await api()).storeQuery(nodeId, 'stateAt', { streamId, version }) as Promise<StateAt>,
    staleTime: Infinity,
    placeholderData: (prev) => prev,
  });

/** A stream's events as the run reads them (upcast, with `upcastFrom`), including those not yet persisted. */
export const liveEventsOptions = (
  runId: number,
  nodeId: string,
  streamId: string,
  fromVersion: number,
  limit: number,
  stamp: number,
) =>
  queryOptions<{ version: number; events: ReadEvent[] }>({
    queryKey: ['worker', 'events', runId, nodeId, streamId, fromVersion, limit, stamp],
    queryFn: async () =>
      (await api()).storeQuery(nodeId, 'read', { streamId, fromVersion, limit }) as Promise<{
        version: number;
        events: ReadEvent[];
      }>,
    placeholderData: (prev) => prev,
  });

/** A page of a read model's rows. */
export interface RowsPage {
  total: number;
  rows: { key: string; row: Record<string, JsonValue> }[];
  position: number;
  head: number;
  lag: number;
  stats: { applied: number; skipped: number; errors: number; queries: number; hits: number; misses: number };
}

/** A page of a query handler's read model, refreshed while the run is running. */
export const readModelOptions = (
  runId: number,
  nodeId: string,
  running: boolean,
  offset: number,
  limit: number,
  sortBy: string | null,
  desc: boolean,
) =>
  queryOptions<RowsPage>({
    queryKey: ['worker', 'read-model', runId, nodeId, offset, limit, sortBy, desc],
    queryFn: async () =>
      (await api()).storeQuery(nodeId, 'rows', { offset, limit, sortBy, desc }) as Promise<RowsPage>,
    refetchInterval: running ? 500 : false,
    placeholderData: (prev) => prev,
  });

/** Saga instances (newest first) and counts by state, refreshed while the run is running. */
export const sagaInstancesOptions = (
  runId: number,
  running: boolean,
  state: SagaState | null,
  stamp: number,
) =>
  queryOptions<{ counts: Record<SagaState, number>; items: SagaSummary[] }>({
    queryKey: ['worker', 'sagas', runId, state, stamp],
    queryFn: async () => (await api()).sagaInstances(200, state),
    refetchInterval: running ? 1000 : false,
    placeholderData: (prev) => prev,
  });

/** One saga's timeline. */
export const sagaTimelineOptions = (runId: number, id: string, running: boolean, stamp: number) =>
  queryOptions<SagaTimeline | null>({
    queryKey: ['worker', 'saga', runId, id, stamp],
    queryFn: async () => (await api()).sagaTimeline(id),
    refetchInterval: running ? 1000 : false,
  });
