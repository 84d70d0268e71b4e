/**
 * Command handler (the write side of CQRS): a declarative aggregate (src/engine/eventsourcing/aggregate.ts)
 * over an event store. For each command a worker loads the aggregate (newest snapshot + tail), decides
 * (guards, events to emit), waits the decide time and appends with the version it loaded as the expected
 * version. If another writer appended meanwhile, the append is a conflict: the worker reloads and decides
 * again, up to `maxRetries` times, then rejects. Nothing is ever appended on a stale state, so no update
 * is lost. Accepted commands complete here and their events leave by `out` (derived, same correlation);
 * rejected commands leave by `rejected` with the reason as their dead-letter detail.
 */
import type { z } from 'zod';
import type { commandHandlerConfig } from '../../model/kinds/cqrs';
import type { DeadLetterReason, Message } from '../../model/message';
import { Deque } from '../Deque';
import { compileDistribution } from '../distributions';
import { ExpressionError } from '../expressions';
import { compileAggregate, type DecidedEvent } from '../eventsourcing/aggregate';
import type { EventStoreModel } from '../eventsourcing/EventStoreModel';
import { compileExpr } from '../eventsourcing/expr';
import type { NodeBehavior, NodeContext, PatternDefinition } from '../pattern';
import { resolveStore } from './eventStore';

type Config = z.output<typeof commandHandlerConfig>;
const APPEND = 1;

/** A decision waiting for its append. */
interface Decided {
  streamId: string;
  expected: number;
  events: DecidedEvent[];
}

/** The `command-handler` kind. */
export const commandHandler: PatternDefinition = {
  kind: 'command-handler',
  create(ctx: NodeContext<Config>): NodeBehavior {
    const c = ctx.config;
    const where = `node "${ctx.id}": config`;
    const agg = compileAggregate(where, c);
    const idExpr = compileExpr(`${where}.aggregateId`, c.aggregateId);
    const decideTime = compileDistribution(c.decideTime);
    const queue = new Deque<Message>();
    const evalCtx = { now: 0 };
    let store: EventStoreModel | null = null;
    let busy = 0;
    const n = {
      accepted: 0,
      rejected: 0,
      conflicts: 0,
      duplicates: 0,
      loads: 0,
      eventsRead: 0,
      eventsSkipped: 0,
    };
    ctx.setCapacity(c.concurrency);

    const finish = () => {
      busy--;
      startNext();
      ctx.notifyReady();
    };

    const reject = (cmd: Message, reason: string, why: DeadLetterReason) => {
      n.rejected++;
      cmd.deadLetterDetail = reason;
      ctx.emit('rejected', cmd, why);
    };

    /** Loads, decides, and schedules the append (or rejects). */
    const attempt = (cmd: Message) => {
      cmd.attempt++;
      const s = store!;
      const now = ctx.now();
      evalCtx.now = now;
      let id: unknown;
      try {
        id = idExpr.evaluate(cmd, evalCtx);
      } catch (e) {
        if (!(e instanceof ExpressionError)) throw e;
        id = e;
      }
      if ((typeof id !== 'string' || id === '') && typeof id !== 'number') {
        finish();
        reject(
          cmd,
          `no aggregate id: ${id instanceof Error ? id.message : `${c.aggregateId} is ${typeof id}`}`,
          'invalid',
        );
        return;
      }
      const streamId = c.streamPrefix + String(id);
      const loaded = s.load(streamId, agg.reducer, Infinity, now);
      n.loads++;
      n.eventsRead += loaded.eventsRead;
      n.eventsSkipped += loaded.eventsSkipped;
      const d = agg.decide(loaded.state, cmd, now);
      if (!d.ok) {
        finish();
        reject(cmd, d.reason, 'denied');
        return;
      }
      if (d.events.length === 0) {
        n.accepted++;
        finish();
        ctx.complete(cmd);
        return;
      }
      const data: Decided = { streamId, expected: loaded.version, events: d.events };
      ctx.schedule(decideTime(ctx.rng), APPEND, cmd, data);
    };

    const startNext = () => {
      while (busy < c.concurrency && queue.length) {
        busy++;
        attempt(queue.shift()!);
      }
      ctx.setQueueDepth(queue.length);
      ctx.setBusy(busy);
    };

    return {
      start() {
        store = resolveStore(ctx, c.store);
        store.registerReducer(c.streamPrefix, agg.reducer);
      },
      onMessage(msg) {
        queue.push(msg);
        startNext();
      },
      onTimer(tag, msg, data) {
        if (tag !== APPEND) return;
        const cmd = msg!;
        const d = data as Decided;
        const s = store!;
        const events = d.events.map((e, i) => ({
          eventId: `${s.epoch}:${cmd.id}:${i}`,
          type: e.type,
          payload: e.payload,
          schemaVersion: e.schemaVersion,
          correlationId: cmd.correlationId,
          causationId: cmd.id as string,
        }));
        const r = s.append(d.streamId, events, d.expected, ctx.now());
        if (r.ok) {
          n.accepted++;
          if (r.duplicate) n.duplicates++;
          finish();
          for (const e of r.events) {
            const headers = {
              'stream-id': e.streamId,
              version: String(e.version),
              position: String(e.position),
              'event-id': e.eventId,
            };
            ctx.emit('out', ctx.derive(cmd, { kind: 'event', type: e.type, payload: e.payload, headers }));
          }
          ctx.complete(cmd);
          return;
        }
        n.conflicts++;
        if (cmd.attempt <= c.maxRetries) {
          // reload and decide again on the state that won
          ctx.countRetried();
          attempt(cmd);
          return;
        }
        ctx.countFailed();
        finish();
        reject(
          cmd,
          `concurrency conflict on ${d.streamId}: expected version ${d.expected}, actual ${r.actual}, after ${cmd.attempt} attempt${cmd.attempt === 1 ? '' : 's'}`,
          'error',
        );
      },
      isIdle: (pending) => busy + queue.length + pending < c.concurrency,
      held: () => busy + queue.length,
      view: () => ({
        figures: {
          accepted: n.accepted,
          rejected: n.rejected,
          conflicts: n.conflicts,
          busy,
          queued: queue.length,
          'events read/load': n.loads ? Math.round((n.eventsRead / n.loads) * 10) / 10 : 0,
          'skipped by snapshots': n.eventsSkipped,
        },
      }),
      action(name) {
        if (name === 'stats') return { ...n, applyErrors: agg.applyErrors, busy, queued: queue.length };
        throw new Error(`command handler: unknown action "${name}"`);
      },
    };
  },
};
