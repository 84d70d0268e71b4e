/**
 * Write-behind persistence of event stores: the worker's bridge between the engine's in-memory event
 * stores (authoritative during a run) and durable storage (IndexedDB in the studio, memory in Node).
 *
 * - On a new run (`attach`) it seeds each event-store node from storage, or clears storage, as the start
 *   mode says; the run does not start before that is done (`preparing` / `whenReady`).
 * - While the run goes, `pump` (called by the driver after each chunk of work, and before each frame)
 *   drains the new appends of every store (`sim.action(id, 'drainAppends')`) into a buffer and, when no
 *   write is in flight, starts one: a batch of up to `maxBatch` events in one transaction (many events per
 *   record). Nothing here is awaited by the engine loop; while a write is in flight, appends pile up and
 *   go in the next batch.
 * - Frames carry `status()`: persisted position against the head, per store. A failed write (a full disk:
 *   QuotaExceededError, or anything else) stops persisting that store: the run goes on in memory, the
 *   status says why and how many events are not persisted, and the studio offers an export from memory.
 *
 * @example
 * const p = new EventPersistence({ storage: new MemoryEventStorage() });
 * p.attach(sim);
 * p.whenReady(() => { sim.run({ until: 1000 }); p.pump(); });
 */
import type { SnapshotRecord, StoredEvent } from '../model/kinds/eventSourcing';
import type { Drained } from '../engine/eventsourcing/EventStoreModel';
import type { SagaSummary, SagaTimeline } from '../engine/eventsourcing/sagaTimeline';
import type { SagaLogEntry, SagaState } from '../engine/eventsourcing/sagaLog';
import type { Simulation } from '../engine/Simulation';
import { exportEvents, storeKey, type EventStorage, type StartMode } from '../storage/eventStore';
import { createEventStorage } from '../storage/eventStoreIdb';
import { getStartMode } from '../storage/eventStoreMeta';
import { saveRun, type RunRecord } from '../storage/runs';

/** Saga types the studio's panels need, re-exported so the UI never imports the engine. */
export type { SagaLogEntry, SagaState, SagaSummary, SagaTimeline };

/** Where one event store of the run stands, as frames carry it. */
export interface PersistenceStatus {
  nodeId: string;
  /** Storage key (`<topology>/<node id>`). */
  store: string;
  /** `preparing` (loading or clearing storage), `ok`, or `failed` (the run goes on in memory). */
  state: 'preparing' | 'ok' | 'failed';
  /** How the run's stores started. */
  mode: StartMode;
  /** Position of the newest event in memory. */
  head: number;
  /** Position of the newest persisted event. */
  persisted: number;
  /** head − persisted. */
  unpersisted: number;
  /** Events the run started with (loaded from storage). */
  seeded: number;
  /** Batches written by this run. */
  batches: number;
  /** Whether a write is in flight. */
  flushing: boolean;
  /** Why persisting stopped, for the warning. */
  error: string | null;
}

/** What persistence needs from its environment. */
export interface PersistenceDeps {
  storage: EventStorage;
  /** Where the next run's stores start (default: stored). */
  startMode?: () => Promise<StartMode>;
  /** Keeps a record of each run (optional). */
  saveRun?: (run: RunRecord) => Promise<void>;
  /** Epoch milliseconds (run records) and a monotonic clock (flush pacing). */
  wallClock?: () => number;
  clock?: () => number;
  /** Runs `fn` after `ms` (a write held back by the pacing is started then, even if nothing pumps). */
  later?: (fn: () => void, ms: number) => void;
}

/** Tuning of the write-behind. */
export interface PersistenceOptions {
  /** Least time between two writes of one store (ms), unless `maxBatch` events are waiting. */
  flushMs: number;
  /** Most events per write. */
  maxBatch: number;
}

const DEFAULTS: PersistenceOptions = { flushMs: 50, maxBatch: 50_000 };

interface StoreState {
  nodeId: string;
  key: string;
  topology: string;
  status: PersistenceStatus;
  epoch: number;
  pending: StoredEvent[];
  snapshots: SnapshotRecord[];
  dropped: { streamId: string; version: number }[];
  lastFlush: number;
  inFlight: Promise<void> | null;
  /** A write held back by the pacing is due (a timer is set). */
  due: boolean;
}

/** A short, visible reason for a failed write. */
export function describeWriteError(err: unknown): string {
  const name = err instanceof Error || err instanceof DOMException ? err.name : '';
  const message = err instanceof Error || err instanceof DOMException ? err.message : String(err);
  if (name === 'QuotaExceededError') return 'Storage is full (QuotaExceededError)';
  return name && name !== 'Error' ? `${name}: ${message}` : message;
}

/** The write-behind of one worker (see the module comment). */
export class EventPersistence {
  /** Called when a status changes outside the engine loop (a write finished or failed, seeding ended). */
  onChange: () => void = () => {};
  private readonly options: PersistenceOptions;
  private sim: Simulation | null = null;
  private stores: StoreState[] = [];
  private generation = 0;
  private ready = true;
  private waiting: (() => void)[] = [];
  private run: RunRecord | null = null;
  private runSavedAt = -Infinity;

  constructor(
    private readonly deps: PersistenceDeps,
    options: Partial<PersistenceOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  /** True while the run's stores are being seeded or cleared: the run must not start yet. */
  get preparing(): boolean {
    return !this.ready;
  }

  /** Runs `fn` once the stores are ready (at once when they are). */
  whenReady(fn: () => void): void {
    if (this.ready) fn();
    else this.waiting.push(fn);
  }

  /** Takes over a new run: what the previous run still had to write is written first. */
  attach(sim: Simulation): void {
    // the previous run's last appends are drained and written before this run reads storage
    this.pump();
    const previous = this.stores;
    for (const s of previous) this.maybeFlush(s, true);
    const gen = ++this.generation;
    this.sim = sim;
    this.stores = sim.nodes
      .filter((n) => n.kind === 'event-store')
      .map((n) => {
        const key = storeKey(sim.topology.name, n.id);
        return {
          nodeId: n.id,
          key,
          topology: sim.topology.name,
          epoch: 1,
          pending: [],
          snapshots: [],
          dropped: [],
          lastFlush: -Infinity,
          inFlight: null,
          due: false,
          status: {
            nodeId: n.id,
            store: key,
            state: 'preparing',
            mode: 'stored',
            head: 0,
            persisted: 0,
            unpersisted: 0,
            seeded: 0,
            batches: 0,
            flushing: false,
            error: null,
          },
        };
      });
    if (!this.stores.length) {
      this.setReady(true);
      return;
    }
    this.setReady(false);
    void this.prepare(gen, sim, previous);
  }

  /** Drains new appends of every store and starts writes. Cheap when nothing happened; never waits. */
  pump(): void {
    const sim = this.sim;
    if (sim === null || !this.ready) return;
    for (const s of this.stores) {
      if (s.status.state === 'preparing') continue;
      const d = sim.action(s.nodeId, 'drainAppends') as Drained;
      s.status.head = d.head;
      s.epoch = d.epoch;
      if (s.status.state === 'failed') {
        s.status.unpersisted = s.status.head - s.status.persisted;
        continue;
      }
      for (const e of d.events) s.pending.push(e);
      for (const snap of d.snapshots) s.snapshots.push(snap);
      for (const drop of d.droppedSnapshots) {
        const i = s.snapshots.findIndex((x) => x.streamId === drop.streamId && x.version === drop.version);
        if (i >= 0) s.snapshots.splice(i, 1);
        else s.dropped.push(drop);
      }
      s.status.unpersisted = s.status.head - s.status.persisted;
      this.maybeFlush(s, false);
    }
  }

  /** Writes everything drained so far; resolves when storage has it (or a write failed). */
  async flush(): Promise<void> {
    this.pump();
    for (;;) {
      const busy = this.stores.filter(
        (s) =>
          s.inFlight !== null ||
          (s.status.state === 'ok' && (s.pending.length > 0 || s.snapshots.length > 0)),
      );
      if (!busy.length) return;
      for (const s of busy) if (s.inFlight === null) this.maybeFlush(s, true);
      await Promise.all(busy.map((s) => s.inFlight));
    }
  }

  /** Where each store stands, or null when the run has no event store. */
  status(): PersistenceStatus[] | null {
    return this.stores.length
      ? this.stores.map((s) => ({ ...s.status, flushing: s.inFlight !== null }))
      : null;
  }

  /** Every event of a store, from memory (the authoritative copy), as JSON or NDJSON. */
  exportStore(nodeId: string, format: 'json' | 'ndjson'): string {
    const sim = this.sim;
    if (sim === null) throw new Error('no run');
    const model = sim.action(nodeId, 'model') as { head: number; at(p: number): StoredEvent | undefined };
    const events: StoredEvent[] = [];
    for (let p = 1; p <= model.head; p++) events.push(model.at(p)!);
    return exportEvents(events, format);
  }

  private setReady(ready: boolean): void {
    this.ready = ready;
    if (!ready) return;
    const w = this.waiting;
    this.waiting = [];
    for (const fn of w) fn();
  }

  private async prepare(gen: number, sim: Simulation, previous: StoreState[]): Promise<void> {
    // the previous run's tail goes first, so that this run continues what is really stored
    while (previous.some((s) => s.inFlight !== null)) await Promise.all(previous.map((s) => s.inFlight));
    let mode: StartMode = 'stored';
    try {
      mode = (await this.deps.startMode?.()) ?? 'stored';
    } catch {
      // no preference readable: continue the stored state
    }
    for (const s of this.stores) {
      s.status.mode = mode;
      try {
        if (mode === 'empty') {
          await this.deps.storage.clear(s.key);
        } else {
          const stored = await this.deps.storage.loadAll(s.key);
          if (gen !== this.generation) return;
          if (stored.events.length || stored.snapshots.length)
            sim.action(s.nodeId, 'seed', {
              events: stored.events,
              snapshots: stored.snapshots,
              epoch: stored.epoch,
            });
          s.status.seeded = stored.events.length;
          s.status.persisted = stored.events.length;
          s.status.head = stored.events.length;
        }
        s.status.state = 'ok';
      } catch (err) {
        s.status.state = 'failed';
        s.status.error = `could not ${mode === 'empty' ? 'clear' : 'load'} the stored streams: ${describeWriteError(err)}`;
      }
      if (gen !== this.generation) return;
    }
    this.run = {
      id: `run-${(this.deps.wallClock ?? Date.now)()}-${gen}`,
      topology: sim.topology.name,
      startedAt: (this.deps.wallClock ?? Date.now)(),
      seed: sim.settings.seed,
      until: sim.settings.until,
      start: mode,
      status: 'running',
      stores: [],
    };
    this.saveRun();
    this.setReady(true);
    this.onChange();
  }

  private wall(): number {
    return (this.deps.wallClock ?? Date.now)();
  }

  private saveRun(): void {
    const run = this.run;
    if (!run || !this.deps.saveRun) return;
    this.runSavedAt = this.wall();
    run.stores = this.stores.map((s) => ({
      nodeId: s.nodeId,
      store: s.key,
      seeded: s.status.seeded,
      head: s.status.head,
      persisted: s.status.persisted,
      error: s.status.error,
    }));
    if (this.sim?.finished) run.status = 'finished';
    this.deps.saveRun({ ...run, stores: [...run.stores] }).catch(() => undefined);
  }

  private maybeFlush(s: StoreState, force: boolean): void {
    if (s.inFlight !== null || s.status.state !== 'ok') return;
    if (!s.pending.length && !s.snapshots.length && !s.dropped.length) return;
    const now = (this.deps.clock ?? (() => performance.now()))();
    if (!force && now - s.lastFlush < this.options.flushMs && s.pending.length < this.options.maxBatch) {
      // held back: write when it is due, whether or not the driver pumps again (a paused run does not)
      if (!s.due) {
        s.due = true;
        (this.deps.later ?? ((fn, ms) => void setTimeout(fn, ms)))(
          () => {
            s.due = false;
            this.maybeFlush(s, true);
          },
          this.options.flushMs - (now - s.lastFlush),
        );
      }
      return;
    }
    s.lastFlush = now;
    const events =
      s.pending.length > this.options.maxBatch
        ? s.pending.splice(0, this.options.maxBatch)
        : s.pending.splice(0);
    const last = events.length ? events[events.length - 1].position : s.status.persisted;
    // a snapshot goes with the batch that holds the event it was taken at
    const snapshots = s.snapshots.filter((x) => x.position <= last);
    s.snapshots = s.snapshots.filter((x) => x.position > last);
    const dropped = s.dropped;
    s.dropped = [];
    const gen = this.generation;
    s.inFlight = this.deps.storage
      .append(s.key, {
        events,
        snapshots,
        droppedSnapshots: dropped,
        epoch: s.epoch,
        topology: s.topology,
        nodeId: s.nodeId,
      })
      .then(
        (head) => {
          s.status.persisted = head;
          s.status.batches++;
        },
        (err: unknown) => {
          s.status.state = 'failed';
          s.status.error = describeWriteError(err);
          s.pending = [];
          s.snapshots = [];
        },
      )
      .then(() => {
        s.inFlight = null;
        s.status.unpersisted = s.status.head - s.status.persisted;
        if (gen === this.generation) {
          if (
            s.status.state === 'failed' ||
            !this.sim ||
            this.sim.finished ||
            this.wall() - this.runSavedAt > 2000
          )
            this.saveRun();
          // more may be waiting while the run is paused: keep writing without a pump
          if (s.pending.length) this.maybeFlush(s, true);
        } else if (s.pending.length) this.maybeFlush(s, true);
        this.onChange();
      });
  }
}

/** Persistence as the worker uses it: IndexedDB (with the stored start mode and run records) where it exists, memory elsewhere. */
export function createPersistence(options: Partial<PersistenceOptions> = {}): EventPersistence {
  const idb = typeof indexedDB !== 'undefined';
  return new EventPersistence(
    {
      storage: createEventStorage(),
      startMode: idb ? getStartMode : undefined,
      saveRun: idb ? saveRun : undefined,
    },
    options,
  );
}
