/**
 * Query handler (the read side of CQRS): a projection that builds a read model
 * (src/engine/eventsourcing/readModel.ts) from the events reaching `in`, one at a time, each taking the
 * time per event, so a slow projection falls behind and its lag (store head − position applied) grows.
 * Query messages reaching `queries` are answered after the time per query with a reply derived from the
 * query (`<QueryType>Result`, payload the answer) out of `out`, from the cache while a fresh answer is
 * there. Events and queries that cannot be evaluated are dead-lettered with the error.
 */
import type { z } from 'zod';
import type { queryHandlerConfig } from '../../model/kinds/cqrs';
import type { Message } from '../../model/message';
import { Deque } from '../Deque';
import { compileDistribution } from '../distributions';
import { ExpressionError } from '../expressions';
import type { EventStoreModel } from '../eventsourcing/EventStoreModel';
import { ReadModel } from '../eventsourcing/readModel';
import type { NodeBehavior, NodeContext, PatternDefinition } from '../pattern';
import { resolveStore } from './eventStore';

type Config = z.output<typeof queryHandlerConfig>;
const APPLIED = 1;
const ANSWER = 2;

const num = (v: unknown, dflt: number, max: number) =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.min(Math.floor(v), max) : dflt;

/** The `query-handler` kind. */
export const queryHandler: PatternDefinition = {
  kind: 'query-handler',
  create(ctx: NodeContext<Config>): NodeBehavior {
    const c = ctx.config;
    const rm = new ReadModel(`node "${ctx.id}": config`, c);
    const applyTime = compileDistribution(c.applyTime);
    const queryTime = compileDistribution(c.queryTime);
    const events = new Deque<Message>();
    let applying: Message | null = null;
    let discard = false;
    let answering = 0;
    let store: EventStoreModel | null = null;
    // without a store, the newest position seen on arriving events stands for the head
    let seen = 0;

    const head = () => (store !== null ? store.head : seen);

    const next = () => {
      if (applying !== null || events.length === 0) {
        ctx.setQueueDepth(events.length);
        return;
      }
      applying = events.shift()!;
      ctx.setQueueDepth(events.length);
      ctx.setBusy(1 + answering);
      ctx.schedule(applyTime(ctx.rng), APPLIED, applying);
    };

    return {
      start() {
        if (c.store !== undefined) store = resolveStore(ctx, c.store);
      },
      onMessage(msg, port) {
        if (port === 'queries') {
          answering++;
          ctx.setBusy((applying ? 1 : 0) + answering);
          ctx.schedule(queryTime(ctx.rng), ANSWER, msg);
          return;
        }
        const p = Number(msg.headers.position);
        if (p > seen) seen = p;
        events.push(msg);
        next();
      },
      onTimer(tag, msg) {
        const m = msg!;
        if (tag === APPLIED) {
          applying = null;
          if (discard) {
            discard = false;
            ctx.complete(m);
            ctx.setBusy(answering);
            next();
            return;
          }
          try {
            rm.apply(m, ctx.now());
            ctx.complete(m);
          } catch (e) {
            if (!(e instanceof ExpressionError)) throw e;
            ctx.deadLetter(m, 'error', `projection of ${m.type}: ${e.message}`);
          }
          ctx.setBusy(answering);
          next();
          return;
        }
        answering--;
        ctx.setBusy((applying ? 1 : 0) + answering);
        const r = rm.query(m, ctx.now());
        if (!r.ok) {
          ctx.deadLetter(m, 'error', `query ${m.type}: ${r.reason}`);
          return;
        }
        const reply = ctx.derive(m, {
          kind: 'document',
          type: `${m.type}Result`,
          payload: r.value,
          headers: { ...m.headers, cached: r.cached ? 'true' : 'false', position: String(rm.position) },
        });
        ctx.complete(m);
        ctx.emit('out', reply);
      },
      held: () => events.length + (applying ? 1 : 0) + answering,
      view: () => {
        const s = rm.stats;
        const lookups = s.hits + s.misses;
        return {
          figures: {
            rows: rm.rows.size,
            position: rm.position,
            lag: Math.max(0, head() - rm.position),
            queued: events.length,
            queries: s.queries,
            'hit %': lookups ? Math.round((s.hits / lookups) * 100) : 0,
          },
        };
      },
      action(name, args) {
        switch (name) {
          case 'rows': {
            const page = rm.page(
              num(args.offset, 0, 1e9),
              num(args.limit, 50, 1000) || 1,
              typeof args.sortBy === 'string' ? args.sortBy : null,
              args.desc === true,
            );
            return {
              ...page,
              position: rm.position,
              head: head(),
              lag: Math.max(0, head() - rm.position),
              stats: { ...rm.stats },
            };
          }
          case 'reset':
            rm.reset();
            return { reset: true };
          case 'rebuild': {
            // forget the read model and have the store send every event again; what is queued now would
            // arrive again with the replay, so it is absorbed, and the event being applied is not applied
            rm.reset();
            while (events.length) ctx.complete(events.shift()!);
            discard = applying !== null;
            ctx.setQueueDepth(0);
            if (c.store === undefined) return { replayed: 0 };
            return ctx.call(c.store, 'replay', { target: ctx.index });
          }
          default:
            throw new Error(`query handler: unknown action "${name}"`);
        }
      },
    };
  },
};
