/**
 * The operator actions of an event-store node (`sim.action(storeId, name, args)`): what the worker and the
 * studio ask of the in-memory store. Every answer but `model` is JSON data.
 *
 * - `model` — the `EventStoreModel` itself (engine-internal: command handlers and sagas use it).
 * - `drainAppends` `{ max? }` — events and snapshot changes since the last drain (the worker persists them).
 * - `seed` `{ events, snapshots, epoch }` — fills an empty store from storage before the run starts.
 * - `streams` `{ offset?, limit?, prefix? }` — a page of streams in order of creation.
 * - `read` `{ streamId, fromVersion?, limit? }` — a page of a stream's events, upcast.
 * - `readAll` `{ after?, limit? }` — a page of all events by global position, upcast.
 * - `stateAt` `{ streamId, version? | time? }` — the aggregate's state as of a version or a virtual time.
 * - `snapshots` `{ streamId }` — the snapshots kept for a stream.
 * - `byCorrelation` `{ correlationId, limit? }` — the events of one conversation (sagas), by position.
 * - `stats` — counters, head, streams, epoch.
 *
 * @example
 * sim.action('store', 'stateAt', { streamId: 'acct-1', version: 3 }); // { state: { balance: 15 }, version: 3, … }
 */
import type { ReadEvent, SnapshotRecord, StoredEvent } from '../../model/kinds/eventSourcing';
import type { EventStoreModel } from './EventStoreModel';

const num = (v: unknown, dflt: number, min = 0, max = Number.MAX_SAFE_INTEGER): number =>
  typeof v === 'number' && Number.isFinite(v) ? Math.min(Math.max(Math.floor(v), min), max) : dflt;

const str = (v: unknown, name: string): string => {
  if (typeof v !== 'string') throw new Error(`${name} must be text`);
  return v;
};

/** Runs one action on a store model; throws for an unknown action or bad arguments. */
export function storeActions(
  model: EventStoreModel,
  name: string,
  args: Record<string, unknown>,
  now: number,
): unknown {
  switch (name) {
    case 'model':
      return model;
    case 'drainAppends':
      return model.drain(num(args.max, Infinity, 1));
    case 'seed': {
      const events = (Array.isArray(args.events) ? args.events : []) as StoredEvent[];
      const snapshots = (Array.isArray(args.snapshots) ? args.snapshots : []) as SnapshotRecord[];
      model.seed(events, snapshots, num(args.epoch, 0));
      return { events: events.length, snapshots: snapshots.length, epoch: model.epoch };
    }
    case 'streams': {
      const offset = num(args.offset, 0);
      const limit = num(args.limit, 100, 1, 10_000);
      const prefix = typeof args.prefix === 'string' ? args.prefix : '';
      const ids = [...model.streamIds()].filter((id) => id.startsWith(prefix));
      return {
        total: ids.length,
        head: model.head,
        items: ids.slice(offset, offset + limit).map((id) => model.summary(id)!),
      };
    }
    case 'read': {
      const streamId = str(args.streamId, 'streamId');
      const from = num(args.fromVersion, 1, 1);
      const limit = num(args.limit, 100, 1, 10_000);
      return {
        streamId,
        version: model.version(streamId),
        events: model.read(streamId, from, from + limit - 1, now),
      };
    }
    case 'readAll': {
      const after = num(args.after, 0);
      return { head: model.head, events: model.readAll(after, num(args.limit, 100, 1, 100_000), now) };
    }
    case 'stateAt': {
      const streamId = str(args.streamId, 'streamId');
      const version =
        args.time !== undefined
          ? model.versionAt(streamId, num(args.time, 0))
          : num(args.version, model.version(streamId));
      const reducer = model.reducerFor(streamId);
      if (reducer === null)
        return {
          hasReducer: false,
          streamId,
          version: Math.min(version, model.version(streamId)),
          state: null,
          snapshotVersion: 0,
          eventsRead: 0,
          eventsSkipped: 0,
        };
      const r = model.load(streamId, reducer, version, now, false);
      return { hasReducer: true, streamId, ...r };
    }
    case 'snapshots':
      return model.snapshotsOf(str(args.streamId, 'streamId'));
    case 'byCorrelation': {
      const id = str(args.correlationId, 'correlationId');
      const limit = num(args.limit, 1000, 1, 100_000);
      const out: ReadEvent[] = [];
      for (let p = 1; p <= model.head && out.length < limit; p++) {
        const e = model.at(p)!;
        if (e.correlationId === id) out.push(model.upcast(e, now));
      }
      return out;
    }
    case 'stats':
      return {
        ...model.stats,
        head: model.head,
        streams: model.streamCount,
        epoch: model.epoch,
        upcast: model.upcasters?.upcastCount ?? 0,
      };
    default:
      throw new Error(`event store: unknown action "${name}"`);
  }
}
