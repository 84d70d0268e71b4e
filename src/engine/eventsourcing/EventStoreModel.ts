/**
 * The in-memory event store of one `event-store` node: the authoritative store during a run. Streams are
 * keyed by aggregate id; every event has a per-stream version (1, 2, …) and a global position (1, 2, …).
 * Appends check an expected version, are atomic per batch and idempotent by event id; reads apply
 * upcasters; snapshots are taken every N events of streams that have a reducer (registered by a command
 * handler) and kept K at a time; aggregates load from the newest current snapshot plus the tail.
 *
 * Pure and synchronous: the worker drains new appends (`drain`) and persists them behind the run.
 *
 * @example
 * const store = new EventStoreModel({ every: 10, keepLast: 2, schemaVersion: 1 });
 * store.append('acct-1', [{ eventId: 'e1', type: 'Deposited', payload: { amount: 5 }, correlationId: 'c', causationId: null }], 'no-stream', 0);
 * store.load('acct-1', reducer).state; // { balance: 5 }
 */
import type { JsonValue } from '../../model/message';
import type {
  ExpectedVersion,
  ReadEvent,
  SnapshotRecord,
  StoredEvent,
} from '../../model/kinds/eventSourcing';
import type { Upcasters } from './upcasters';

/** An aggregate's state: a JSON object. */
export type AggregateState = Record<string, JsonValue>;

/** Folds events into an aggregate state. `apply` returns a new object and never changes its input. */
export interface Reducer {
  initial(): AggregateState;
  apply(state: AggregateState, event: ReadEvent): AggregateState;
}

/** An event to append. */
export interface NewEvent {
  eventId: string;
  type: string;
  payload: JsonValue;
  schemaVersion?: number;
  correlationId: string;
  causationId: string | null;
}

/** The outcome of an append. */
export type AppendResult =
  | { ok: true; streamId: string; version: number; events: readonly StoredEvent[]; duplicate: boolean }
  | {
      ok: false;
      streamId: string;
      expected: ExpectedVersion;
      actual: number;
      reason: 'wrong-expected-version' | 'partial-duplicate' | 'empty';
    };

/** An aggregate loaded from the store, with what the snapshot saved. */
export interface LoadResult {
  state: AggregateState;
  version: number;
  /** Version of the snapshot it started from, 0 when none. */
  snapshotVersion: number;
  /** Events folded after the snapshot. */
  eventsRead: number;
  /** Events the snapshot spared (its version). */
  eventsSkipped: number;
}

/** When to take snapshots and how many to keep. */
export interface SnapshotPolicy {
  /** Every N events of a stream (0: never). */
  every: number;
  keepLast: number;
  schemaVersion: number;
}

/** What changed since the previous drain, for persistence. */
export interface Drained {
  events: StoredEvent[];
  snapshots: SnapshotRecord[];
  droppedSnapshots: { streamId: string; version: number }[];
  head: number;
  epoch: number;
}

/** A stream as listed. */
export interface StreamSummary {
  streamId: string;
  version: number;
  lastPosition: number;
  lastTime: number;
  snapshots: number;
}

interface StreamData {
  events: StoredEvent[];
  snapshots: SnapshotRecord[];
}

const EMPTY: readonly StoredEvent[] = [];

/** One event store's streams, log, snapshots and counters (see the module comment). */
export class EventStoreModel {
  private readonly streams = new Map<string, StreamData>();
  private readonly log: StoredEvent[] = [];
  private readonly ids = new Map<string, StoredEvent>();
  private readonly reducers: { prefix: string; reducer: Reducer }[] = [];
  /** Run generation: 1 for a store that started empty, one more than the stored one after seeding. */
  epoch = 1;
  /** Called with the events of each successful append (the node publishes them to subscribers). */
  onAppend: ((events: readonly StoredEvent[]) => void) | null = null;
  /** Counters since the start. */
  readonly stats = {
    appends: 0,
    conflicts: 0,
    duplicates: 0,
    loads: 0,
    eventsRead: 0,
    eventsSkipped: 0,
    snapshots: 0,
    snapshotsDropped: 0,
  };
  private drainCursor = 0;
  private newSnapshots: SnapshotRecord[] = [];
  private droppedSnapshots: { streamId: string; version: number }[] = [];

  constructor(
    readonly policy: SnapshotPolicy = { every: 0, keepLast: 3, schemaVersion: 1 },
    readonly upcasters: Upcasters | null = null,
  ) {}

  /** Position of the newest event (0 when empty). */
  get head(): number {
    return this.log.length;
  }

  /** Number of streams. */
  get streamCount(): number {
    return this.streams.size;
  }

  /** The version of a stream: its number of events (0 when it does not exist). */
  version(streamId: string): number {
    return this.streams.get(streamId)?.events.length ?? 0;
  }

  /** Whether an event id is stored. */
  has(eventId: string): boolean {
    return this.ids.has(eventId);
  }

  /** Gives streams starting with `prefix` a reducer (for snapshots and state queries); the longest prefix wins. */
  registerReducer(prefix: string, reducer: Reducer): void {
    const i = this.reducers.findIndex((r) => r.prefix === prefix);
    if (i >= 0) this.reducers[i] = { prefix, reducer };
    else this.reducers.push({ prefix, reducer });
    this.reducers.sort((a, b) => b.prefix.length - a.prefix.length);
  }

  /** The reducer of a stream, or null. */
  reducerFor(streamId: string): Reducer | null {
    for (const r of this.reducers) if (streamId.startsWith(r.prefix)) return r.reducer;
    return null;
  }

  /**
   * Appends `events` to a stream, all or nothing. When every event id is already stored the append is a
   * no-op that succeeds (`duplicate`); when only some are, it is refused.
   */
  append(
    streamId: string,
    events: readonly NewEvent[],
    expected: ExpectedVersion,
    time: number,
  ): AppendResult {
    const data = this.streams.get(streamId);
    const actual = data?.events.length ?? 0;
    if (events.length === 0) return { ok: false, streamId, expected, actual, reason: 'empty' };
    let dup = 0;
    for (const e of events) if (this.ids.has(e.eventId)) dup++;
    if (dup === events.length) {
      this.stats.duplicates++;
      return { ok: true, streamId, version: actual, events: EMPTY, duplicate: true };
    }
    if (dup > 0) {
      this.stats.conflicts++;
      return { ok: false, streamId, expected, actual, reason: 'partial-duplicate' };
    }
    if ((expected === 'no-stream' && actual !== 0) || (typeof expected === 'number' && expected !== actual)) {
      this.stats.conflicts++;
      return { ok: false, streamId, expected, actual, reason: 'wrong-expected-version' };
    }
    // a batch with the same id twice is refused before anything changes
    if (events.length > 1 && new Set(events.map((e) => e.eventId)).size !== events.length) {
      this.stats.conflicts++;
      return { ok: false, streamId, expected, actual, reason: 'partial-duplicate' };
    }
    const stream = data ?? { events: [], snapshots: [] };
    if (!data) this.streams.set(streamId, stream);
    const appended: StoredEvent[] = new Array<StoredEvent>(events.length);
    for (let i = 0; i < events.length; i++) {
      const n = events[i];
      const e: StoredEvent = {
        eventId: n.eventId,
        streamId,
        version: actual + i + 1,
        position: this.log.length + 1,
        type: n.type,
        schemaVersion: n.schemaVersion ?? 1,
        payload: n.payload,
        time,
        correlationId: n.correlationId,
        causationId: n.causationId,
      };
      this.log.push(e);
      stream.events.push(e);
      this.ids.set(e.eventId, e);
      appended[i] = e;
    }
    this.stats.appends++;
    const version = stream.events.length;
    const every = this.policy.every;
    if (every > 0 && Math.floor(version / every) > Math.floor(actual / every))
      this.takeSnapshot(streamId, stream, time);
    this.onAppend?.(appended);
    return { ok: true, streamId, version, events: appended, duplicate: false };
  }

  /** Events of a stream from `fromVersion` to `toVersion` (inclusive), upcast. */
  read(streamId: string, fromVersion = 1, toVersion = Infinity, now = 0): ReadEvent[] {
    const events = this.streams.get(streamId)?.events ?? EMPTY;
    const end = Math.min(events.length, toVersion);
    const out: ReadEvent[] = [];
    for (let v = Math.max(1, fromVersion); v <= end; v++) out.push(this.upcast(events[v - 1], now));
    return out;
  }

  /** Up to `limit` events after global position `after`, upcast. */
  readAll(after = 0, limit = Infinity, now = 0): ReadEvent[] {
    const end = Math.min(this.log.length, after + limit);
    const out: ReadEvent[] = [];
    for (let p = Math.max(0, after); p < end; p++) out.push(this.upcast(this.log[p], now));
    return out;
  }

  /** The stored (not upcast) event at a global position, or undefined. */
  at(position: number): StoredEvent | undefined {
    return this.log[position - 1];
  }

  /** An event as read (upcast when a rule applies). */
  upcast(e: StoredEvent, now = 0): ReadEvent {
    return this.upcasters === null ? e : this.upcasters.read(e, now);
  }

  /**
   * Loads an aggregate: the newest snapshot of the current snapshot schema at or before `atVersion`, then
   * the events after it. Counts the events read and spared.
   */
  load(streamId: string, reducer: Reducer, atVersion = Infinity, now = 0, count = true): LoadResult {
    const data = this.streams.get(streamId);
    const target = Math.min(data?.events.length ?? 0, atVersion);
    let state = reducer.initial();
    let from = 0;
    if (data) {
      for (let i = data.snapshots.length - 1; i >= 0; i--) {
        const s = data.snapshots[i];
        if (s.schemaVersion === this.policy.schemaVersion && s.version <= target) {
          state = s.state as AggregateState;
          from = s.version;
          break;
        }
      }
      for (let v = from + 1; v <= target; v++)
        state = reducer.apply(state, this.upcast(data.events[v - 1], now));
    }
    if (count) {
      this.stats.loads++;
      this.stats.eventsRead += target - from;
      this.stats.eventsSkipped += from;
    }
    return { state, version: target, snapshotVersion: from, eventsRead: target - from, eventsSkipped: from };
  }

  /** Loads without any snapshot (every event folded): the reference that snapshots must agree with. */
  replay(streamId: string, reducer: Reducer, atVersion = Infinity, now = 0): AggregateState {
    let state = reducer.initial();
    for (const e of this.read(streamId, 1, atVersion, now)) state = reducer.apply(state, e);
    return state;
  }

  /** The version of a stream as of virtual time `time` (events appended at or before it). */
  versionAt(streamId: string, time: number): number {
    const events = this.streams.get(streamId)?.events ?? EMPTY;
    let lo = 0;
    let hi = events.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (events[mid].time <= time) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The snapshots kept for a stream, oldest first. */
  snapshotsOf(streamId: string): readonly SnapshotRecord[] {
    return this.streams.get(streamId)?.snapshots ?? [];
  }

  /** Stream ids in order of creation. */
  streamIds(): IterableIterator<string> {
    return this.streams.keys();
  }

  /** A summary of one stream, or null. */
  summary(streamId: string): StreamSummary | null {
    const d = this.streams.get(streamId);
    if (!d) return null;
    const last = d.events[d.events.length - 1];
    return {
      streamId,
      version: d.events.length,
      lastPosition: last?.position ?? 0,
      lastTime: last?.time ?? 0,
      snapshots: d.snapshots.length,
    };
  }

  /**
   * Fills an empty store with stored events (positions 1…n in order) and snapshots; the epoch becomes one
   * more than the stored one. Seeded events count as persisted.
   */
  seed(events: readonly StoredEvent[], snapshots: readonly SnapshotRecord[], epoch: number): void {
    if (this.log.length > 0) throw new Error('only an empty event store can be seeded');
    events.forEach((e, i) => {
      if (e.position !== i + 1)
        throw new Error(`stored events are not contiguous: position ${e.position} at index ${i}`);
      let s = this.streams.get(e.streamId);
      if (!s) this.streams.set(e.streamId, (s = { events: [], snapshots: [] }));
      if (e.version !== s.events.length + 1)
        throw new Error(`stream ${e.streamId}: version ${e.version} after ${s.events.length}`);
      s.events.push(e);
      this.log.push(e);
      this.ids.set(e.eventId, e);
    });
    const sorted = [...snapshots].sort((a, b) => a.version - b.version);
    for (const snap of sorted) this.streams.get(snap.streamId)?.snapshots.push(snap);
    this.epoch = epoch + 1;
    this.drainCursor = this.log.length;
  }

  /** Events and snapshot changes since the previous drain (or since seeding). */
  drain(maxEvents = Infinity): Drained {
    const end = Math.min(this.log.length, this.drainCursor + maxEvents);
    const events = this.log.slice(this.drainCursor, end);
    this.drainCursor = end;
    const out: Drained = {
      events,
      snapshots: this.newSnapshots,
      droppedSnapshots: this.droppedSnapshots,
      head: this.log.length,
      epoch: this.epoch,
    };
    this.newSnapshots = [];
    this.droppedSnapshots = [];
    return out;
  }

  private takeSnapshot(streamId: string, stream: StreamData, time: number): void {
    const reducer = this.reducerFor(streamId);
    if (reducer === null) return;
    const loaded = this.load(streamId, reducer, Infinity, time, false);
    const snap: SnapshotRecord = {
      streamId,
      version: loaded.version,
      position: stream.events[loaded.version - 1].position,
      schemaVersion: this.policy.schemaVersion,
      state: loaded.state,
      time,
    };
    stream.snapshots.push(snap);
    this.stats.snapshots++;
    this.newSnapshots.push(snap);
    while (stream.snapshots.length > this.policy.keepLast) {
      const old = stream.snapshots.shift()!;
      this.stats.snapshotsDropped++;
      this.droppedSnapshots.push({ streamId, version: old.version });
    }
  }
}
