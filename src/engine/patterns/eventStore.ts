/**
 * Event store: the node around an in-memory `EventStoreModel` (src/engine/eventsourcing). Event messages
 * reaching `in` are appended to the stream their aggregate id names, with the expected version from the
 * `expected-version` header; a batch (header `batch: true`, payload `{ events: [...] }`) is appended
 * atomically. Appended messages leave by `appended`, conflicts by `conflict` with both versions in headers.
 * Every append (from `in` or from a command handler) is published to the subscriptions on `events`:
 * catch-up ones first get every stored event (at time 0, after the worker may have seeded the store), live
 * ones only new events. Operator actions give the studio and the worker the streams, temporal queries,
 * replays, and the appends to persist (`drainAppends`).
 */
import type { z } from 'zod';
import type { eventStoreConfig, eventSubscriptionConfig } from '../../model/kinds/eventSourcing';
import { parseExpectedVersion, type StoredEvent } from '../../model/kinds/eventSourcing';
import type { JsonValue, Message } from '../../model/message';
import { ExpressionError } from '../expressions';
import { EventStoreModel, type NewEvent } from '../eventsourcing/EventStoreModel';
import { compileExpr, isObject } from '../eventsourcing/expr';
import { Upcasters } from '../eventsourcing/upcasters';
import type { EdgeHandle, NodeBehavior, NodeContext, PatternDefinition } from '../pattern';
import { storeActions } from '../eventsourcing/storeActions';

type Config = z.output<typeof eventStoreConfig>;
type SubConfig = z.output<typeof eventSubscriptionConfig>;

const CATCH_UP = 1;
/** The most events in one batch message. */
export const MAX_BATCH = 1000;

interface Subscription {
  edge: EdgeHandle;
  catchUp: boolean;
  types: ReadonlySet<string> | null;
  prefix: string;
  active: boolean;
}

/**
 * The event store model behind a node id, for patterns that use a store (command handlers, query
 * handlers, sagas); throws a clear error when the id names no event store.
 */
export function resolveStore(
  ctx: NodeContext<never> | NodeContext<Record<string, unknown>>,
  storeId: string,
  field = 'config.store',
): EventStoreModel {
  let model: unknown = null;
  try {
    model = ctx.call(storeId, 'model');
  } catch {
    model = null;
  }
  if (!(model instanceof EventStoreModel))
    throw new Error(`node "${ctx.id}": ${field}: "${storeId}" is not an event-store node of this topology`);
  return model;
}

/** The `event-store` kind. */
export const eventStore: PatternDefinition = {
  kind: 'event-store',
  create(ctx: NodeContext<Config>): NodeBehavior {
    const c = ctx.config;
    const upcasters = c.upcasters.length ? new Upcasters(`node "${ctx.id}": config`, c.upcasters) : null;
    const model = new EventStoreModel(c.snapshots, upcasters);
    const aggregateId = compileExpr(`node "${ctx.id}": config.aggregateId`, c.aggregateId);
    const evalCtx = { now: 0 };
    const subs: Subscription[] = ctx.outEdges('events').map((edge) => {
      const s = edge.config as SubConfig;
      return {
        edge,
        catchUp: s.from !== 'live',
        types: s.types.length ? new Set(s.types) : null,
        prefix: s.streamPrefix,
        active: false,
      };
    });
    let published = 0;
    let invalid = 0;

    const matches = (s: Subscription, e: StoredEvent) =>
      (s.types === null || s.types.has(e.type)) && (s.prefix === '' || e.streamId.startsWith(s.prefix));

    const publish = (s: Subscription, e: StoredEvent, replay: boolean) => {
      const r = model.upcast(e, ctx.now());
      const headers: Record<string, string> = {
        'stream-id': r.streamId,
        version: String(r.version),
        position: String(r.position),
        'event-id': r.eventId,
        'schema-version': String(r.schemaVersion),
      };
      if (replay) headers.replay = 'true';
      const m = ctx.createMessage(
        {
          kind: 'event',
          type: r.type,
          headers,
          payload: r.payload,
          correlationId: r.correlationId,
          causationId: r.causationId,
        },
        false,
      );
      published++;
      ctx.send(s.edge, m);
    };

    model.onAppend = (events) => {
      for (const s of subs) {
        if (!s.active) continue;
        for (const e of events) if (matches(s, e)) publish(s, e, false);
      }
    };

    /** Re-sends stored events to the subscriptions (all, or those to one node); returns how many were sent. */
    const replay = (streamId: string | null, target: number | null): number => {
      let n = 0;
      const events = streamId === null ? model.readAll(0) : model.read(streamId);
      for (const s of subs) {
        if (!s.active || (target !== null && s.edge.target !== target)) continue;
        for (const e of events) {
          if (!matches(s, e)) continue;
          publish(s, model.at(e.position)!, true);
          n++;
        }
      }
      return n;
    };

    const fail = (msg: Message, detail: string) => {
      invalid++;
      ctx.deadLetter(msg, 'invalid', detail);
    };

    /** The events a message asks to append, or an error text. */
    const eventsOf = (msg: Message): NewEvent[] | string => {
      const schema = Number(msg.headers['schema-version'] ?? 1);
      if (!Number.isInteger(schema) || schema < 1)
        return `bad schema-version header "${msg.headers['schema-version']}"`;
      if (msg.headers.batch !== 'true') {
        return [
          {
            eventId: msg.headers['event-id'] ?? `${model.epoch}:${msg.id}`,
            type: msg.type,
            payload: msg.payload,
            schemaVersion: schema,
            correlationId: msg.correlationId,
            causationId: msg.id,
          },
        ];
      }
      const list = isObject(msg.payload) ? msg.payload.events : undefined;
      if (!Array.isArray(list) || list.length === 0 || list.length > MAX_BATCH)
        return `a batch needs payload.events: 1 to ${MAX_BATCH} events`;
      const out: NewEvent[] = [];
      for (let i = 0; i < list.length; i++) {
        const e = list[i];
        if (!isObject(e) || typeof e.type !== 'string' || e.type === '')
          return `payload.events[${i}] needs a type`;
        const sv = e.schemaVersion === undefined ? schema : e.schemaVersion;
        if (typeof sv !== 'number' || !Number.isInteger(sv) || sv < 1)
          return `payload.events[${i}].schemaVersion is not a version`;
        const id = typeof e.id === 'string' && e.id !== '' ? e.id : `${model.epoch}:${msg.id}:${i}`;
        out.push({
          eventId: id,
          type: e.type,
          payload: (e.payload ?? null) as JsonValue,
          schemaVersion: sv,
          correlationId: msg.correlationId,
          causationId: msg.id,
        });
      }
      return out;
    };

    return {
      start() {
        // at time 0, after anything the worker did between building the run and starting it (seeding)
        ctx.schedule(0, CATCH_UP);
      },
      onTimer(tag) {
        if (tag !== CATCH_UP) return;
        for (const s of subs) {
          if (s.catchUp)
            for (const e of model.readAll(0)) if (matches(s, e)) publish(s, model.at(e.position)!, false);
          s.active = true;
        }
      },
      onMessage(msg) {
        evalCtx.now = ctx.now();
        let id: unknown;
        try {
          id = aggregateId.evaluate(msg, evalCtx);
        } catch (e) {
          if (!(e instanceof ExpressionError)) throw e;
          fail(msg, `aggregate id: ${e.message}`);
          return;
        }
        if ((typeof id !== 'string' || id === '') && typeof id !== 'number') {
          fail(msg, `no aggregate id (${c.aggregateId} is ${id === '' ? 'empty' : typeof id})`);
          return;
        }
        const expected = parseExpectedVersion(msg.headers['expected-version']);
        if (expected === null) {
          fail(msg, `bad expected-version header "${msg.headers['expected-version']}"`);
          return;
        }
        const events = eventsOf(msg);
        if (typeof events === 'string') {
          fail(msg, events);
          return;
        }
        const streamId = c.streamPrefix + String(id);
        const r = model.append(streamId, events, expected, ctx.now());
        if (r.ok) {
          const last = r.events.length ? r.events[r.events.length - 1].position : 0;
          msg.headers = {
            ...msg.headers,
            'stream-id': streamId,
            version: String(r.version),
            position: String(last),
          };
          if (r.duplicate) msg.headers.duplicate = 'true';
          ctx.emit('appended', msg);
          return;
        }
        msg.headers = {
          ...msg.headers,
          'stream-id': streamId,
          'expected-version': String(r.expected),
          'actual-version': String(r.actual),
        };
        msg.deadLetterDetail = `concurrency conflict on ${streamId}: expected ${r.expected}, actual ${r.actual}${r.reason === 'partial-duplicate' ? ' (some event ids already stored)' : ''}`;
        ctx.emit('conflict', msg, 'error');
      },
      view: () => {
        const st = model.stats;
        const read = st.eventsRead + st.eventsSkipped;
        return {
          figures: {
            events: model.head,
            streams: model.streamCount,
            conflicts: st.conflicts,
            duplicates: st.duplicates,
            snapshots: st.snapshots,
            'load saved %': read > 0 ? Math.round((st.eventsSkipped / read) * 100) : 0,
            published,
            invalid,
          },
        };
      },
      action(name, args) {
        if (name === 'replay') {
          const n = replay(
            typeof args.streamId === 'string' ? args.streamId : null,
            typeof args.target === 'number' ? args.target : null,
          );
          return { replayed: n };
        }
        return storeActions(model, name, args, ctx.now());
      },
    };
  },
};
