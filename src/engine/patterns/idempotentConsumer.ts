/**
 * Idempotent consumer (as Apache Camel's, with an in-memory or durable repository): wraps the processing of
 * each message — `concurrency` workers, a drawn processing time, a failure rate — and remembers the key of
 * every message it processed in a bounded store. When a worker takes a message whose key is in the store,
 * the message is a duplicate: counted and dropped (`duplicate`). Processing that succeeds leaves by `out`;
 * with a processing time of 0, forwarding is the processing.
 *
 * - `mark: on-receipt` (eager): the key goes into the store, "in progress", when processing starts, so a
 *   duplicate arriving meanwhile is dropped. `on-completion`: only when processing succeeds — two copies
 *   processed at the same time by two workers both pass (a lesson, not a bug).
 * - Processing that fails releases the key (nothing is stored), so a redelivery is processed; the message
 *   is nacked back to the channel that delivered it, or dead-lettered.
 * - The store keeps at most `capacity` keys (the oldest are evicted) for at most `ttl` ms; evictions and
 *   expiries are counted — a duplicate that comes after its key was evicted is processed again.
 * - A crash loses the queue and the messages in service (the engine returns them to their channel) and the
 *   in-progress marks; completed keys survive when the store is `durable`.
 */
import type { z } from 'zod';
import type { idempotentConsumerConfig } from '../../model/kinds/reliability';
import type { Message } from '../../model/message';
import { Deque } from '../Deque';
import { compileDistribution } from '../distributions';
import { NO_NODE_FAULTS, type FaultAwareBehavior, type NodeFaultState } from '../faults';
import { compileKey, type MessageKey } from '../messageKey';
import type { NodeContext, PatternDefinition } from '../pattern';

type Config = z.output<typeof idempotentConsumerConfig>;

const OK = 0;
const FAILED = 1;
const IN_PROGRESS = 0;
const DONE = 1;

interface Entry {
  state: number;
  expiresAt: number;
}

export const idempotentConsumer: PatternDefinition = {
  kind: 'idempotent-consumer',
  create(ctx: NodeContext<Config>): FaultAwareBehavior {
    const c = ctx.config;
    const keyOf = compileKey(c.key, `idempotent consumer "${ctx.id}"`);
    const serviceTime = compileDistribution(c.serviceTime);
    const ttl = c.store.ttl ?? Infinity;
    const eager = c.mark === 'on-receipt';
    // insertion order is marking order, so the oldest key (and the first to expire) is always first
    const store = new Map<MessageKey, Entry>();
    const queue = new Deque<Message>();
    const inService = new Set<Message>();
    let injected: NodeFaultState = NO_NODE_FAULTS;
    let busy = 0;
    let processed = 0;
    let duplicates = 0;
    let failed = 0;
    let evicted = 0;
    let expired = 0;
    let unkeyed = 0;
    ctx.setCapacity(c.concurrency);

    const sweep = (now: number) => {
      if (ttl === Infinity) return;
      for (const [k, e] of store) {
        if (e.expiresAt > now) break;
        store.delete(k);
        expired++;
      }
    };

    const mark = (k: MessageKey, state: number) => {
      store.delete(k);
      store.set(k, { state, expiresAt: ctx.now() + ttl });
      while (store.size > c.store.capacity) {
        store.delete(store.keys().next().value!);
        evicted++;
      }
    };

    const startNext = () => {
      let dropped = false;
      while (busy < c.concurrency && queue.length) {
        const m = queue.shift()!;
        const k = keyOf(m);
        if (k === null) unkeyed++;
        else {
          sweep(ctx.now());
          if (store.has(k)) {
            duplicates++;
            m.deadLetterDetail = `key ${JSON.stringify(k)} already ${store.get(k)!.state === DONE ? 'processed' : 'in progress'}`;
            ctx.drop(m, 'duplicate');
            dropped = true;
            continue;
          }
          if (eager) mark(k, IN_PROGRESS);
        }
        busy++;
        inService.add(m);
        const failed = ctx.rng.chance(c.failureRate);
        const outcome = injected.fail() || failed ? FAILED : OK;
        ctx.schedule(serviceTime(ctx.rng) * injected.slowdown, outcome, m, k);
      }
      ctx.setQueueDepth(queue.length);
      ctx.setBusy(busy);
      // a dropped duplicate frees its worker at once: tell the channel, which waits for idle workers
      if (dropped && busy < c.concurrency) ctx.notifyReady();
    };

    return {
      onMessage(msg) {
        queue.push(msg);
        startNext();
      },
      onTimer(tag, msg, data) {
        const m = msg!;
        const k = data as MessageKey | null;
        busy--;
        inService.delete(m);
        if (tag === OK) {
          processed++;
          if (k !== null) mark(k, DONE);
          ctx.emit('out', m);
        } else {
          failed++;
          ctx.countFailed();
          if (k !== null && store.get(k)?.state === IN_PROGRESS) store.delete(k);
          if (c.onFailure !== 'nack' || !ctx.nack(m)) ctx.deadLetter(m, 'error', 'processing failed');
        }
        startNext();
        ctx.notifyReady();
      },
      isIdle: (pending) => busy + queue.length + pending < c.concurrency,
      held: () => busy + queue.length,
      view: () => ({ figures: { keys: store.size, duplicates, evicted, expired, busy, queued: queue.length } }),
      action(name, args) {
        switch (name) {
          case 'stats':
            return { keys: store.size, processed, duplicates, failed, evicted, expired, unkeyed };
          case 'keys': {
            const limit = Math.min(1000, Math.max(1, Number(args.limit ?? 100) | 0));
            const items: { key: MessageKey; state: string; expiresAt: number | null }[] = [];
            for (const [key, e] of store) {
              if (items.length >= limit) break;
              items.push({ key, state: e.state === DONE ? 'done' : 'in-progress', expiresAt: e.expiresAt === Infinity ? null : e.expiresAt });
            }
            return { total: store.size, items };
          }
          default:
            throw new Error(`idempotent consumer: unknown action "${name}"`);
        }
      },
      crash() {
        const lost: Message[] = [...inService];
        for (let m = queue.shift(); m !== undefined; m = queue.shift()) lost.push(m);
        inService.clear();
        busy = 0;
        if (!c.store.durable) store.clear();
        else for (const [k, e] of store) if (e.state === IN_PROGRESS) store.delete(k);
        return lost;
      },
      faultsChanged(s) {
        injected = s;
      },
    };
  },
};
