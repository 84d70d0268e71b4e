/**
 * Batcher (an aggregator for throughput). Messages wait in an open batch — one per value of the `key`
 * expression, or a single one — until it holds `maxCount` messages, or `maxBytes` bytes on the wire
 * (`messageBytes`), or `window` ms have passed since its first message. The closed batch is sent as one
 * bulk call (`call.time` per batch + `call.perItem` per item; `call.concurrency` calls in flight, the rest
 * queue). In the call each item fails with `call.itemFailureRate` (transient: drawn per call) and poison items
 * (`call.poisonRate`, drawn once per item) fail every call. A call where nothing failed emits one batch
 * message; otherwise `onFailure` decides:
 *
 * - `retry-batch`: call again with the whole batch after a backoff, up to `retry.maxAttempts`; then every
 *   item is dead-lettered (one poison item sinks the whole batch).
 * - `split`: call again with each half (no backoff); a single item that still fails is retried with
 *   backoff up to `retry.maxAttempts`, then dead-lettered — isolates poison items in O(k·log n) calls.
 * - `dead-letter-failed`: the bulk API reports per item: the items that succeeded are emitted as a batch,
 *   the failed ones are dead-lettered at once.
 *
 * The batch message is derived from its first item (same correlation, causation = first item); its payload
 * lists every item as `{ id, correlationId, type, kind, createdAt, headers, payload }`, its headers are the
 * headers all items share plus `batch-size` and `batch-key`, and its arrival time here is the oldest item's,
 * so its span covers the collection. The items are merged into it; each item's time here (the node's latency
 * histogram) is its wait in the batch plus the call. Actions: `flush` closes every open batch now.
 */
import type { z } from 'zod';
import type { JsonValue, Message } from '../../model/message';
import type { batcherConfig } from '../../model/kinds/performance';
import { Deque } from '../Deque';
import { compileDistribution } from '../distributions';
import { parseExpression } from '../expressions';
import { messageBytes } from '../links';
import type { NodeBehavior, NodeContext, PatternDefinition } from '../pattern';
import { backoffDelay } from './serviceActivator';

type Config = z.output<typeof batcherConfig>;

const WINDOW = 0;
const CALL = 1;
const RETRY = 2;

/** An open batch, or a call's share of one. */
interface Batch {
  key: string;
  items: Message[];
  /** Per item: fails every call. */
  poison: boolean[];
  bytes: number;
  /** Calls made with exactly these items (for retries). */
  attempt: number;
}

/** The record of one item in a batch payload. */
export function itemRecord(m: Message): JsonValue {
  return { id: m.id, correlationId: m.correlationId, type: m.type, kind: m.kind, createdAt: m.createdAt, headers: m.headers, payload: m.payload };
}

/** Headers every item has with the same value. */
function sharedHeaders(items: readonly Message[]): Record<string, string> {
  const out: Record<string, string> = {};
  const first = items[0].headers;
  for (const k of Object.keys(first)) if (items.every((m) => m.headers[k] === first[k])) out[k] = first[k];
  return out;
}

export const batcher: PatternDefinition = {
  kind: 'batcher',
  create(ctx: NodeContext<Config>): NodeBehavior {
    const c = ctx.config;
    const call = c.call;
    const callTime = compileDistribution(call.time);
    let keyExpr = null;
    if (c.key !== undefined) {
      const r = parseExpression(c.key);
      if (!r.ok) throw new Error(`node "${ctx.id}": config.key: ${r.error.message}`);
      keyExpr = r.expr;
    }
    const open = new Map<string, Batch>();
    const calls = new Deque<Batch>();
    let openItems = 0;
    let queuedItems = 0;
    let inFlight = 0;
    let inFlightItems = 0;
    let waitingItems = 0; // in retry backoff
    let batches = 0;
    let emittedItems = 0;
    let failedItems = 0;
    let splits = 0;
    let retries = 0;
    const flushedBy = { count: 0, bytes: 0, time: 0, manual: 0 };

    const keyOf = (m: Message): string => {
      if (!keyExpr) return '';
      try {
        const v = keyExpr.evaluate(m, { now: ctx.now() });
        return v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v);
      } catch {
        return '';
      }
    };

    const pump = () => {
      while (inFlight < call.concurrency && calls.length) {
        const b = calls.shift()!;
        queuedItems -= b.items.length;
        inFlight++;
        inFlightItems += b.items.length;
        b.attempt++;
        ctx.schedule(callTime(ctx.rng) + call.perItem * b.items.length, CALL, null, b);
      }
      ctx.setQueueDepth(openItems + queuedItems);
      ctx.setBusy(inFlight);
    };

    const enqueue = (b: Batch, front: boolean) => {
      if (front) calls.unshift(b);
      else calls.push(b);
      queuedItems += b.items.length;
      pump();
    };

    const flush = (b: Batch, why: keyof typeof flushedBy) => {
      open.delete(b.key);
      openItems -= b.items.length;
      flushedBy[why]++;
      enqueue(b, false);
    };

    const emitBatch = (key: string, items: Message[]) => {
      if (!items.length) return;
      const headers = sharedHeaders(items);
      headers['batch-size'] = String(items.length);
      headers['batch-key'] = key;
      const batch = ctx.derive(items[0], { type: c.type, headers, payload: items.map(itemRecord) });
      let oldest = items[0].arrivedAt;
      for (const m of items) if (m.arrivedAt < oldest) oldest = m.arrivedAt;
      batch.arrivedAt = oldest;
      for (const m of items) ctx.merge(m);
      batches++;
      emittedItems += items.length;
      ctx.emit('out', batch);
    };

    const deadLetterAll = (items: readonly Message[], detail: string) => {
      for (const m of items) {
        failedItems++;
        ctx.deadLetter(m, 'error', detail);
      }
    };

    const callDone = (b: Batch) => {
      inFlight--;
      inFlightItems -= b.items.length;
      const n = b.items.length;
      const failed: boolean[] = new Array<boolean>(n);
      let anyFailed = false;
      for (let i = 0; i < n; i++) {
        // draw for every item, poison or not, so the stream does not depend on which items are poison
        const transient = ctx.rng.chance(call.itemFailureRate);
        failed[i] = b.poison[i] || transient;
        if (failed[i]) anyFailed = true;
      }
      if (!anyFailed) emitBatch(b.key, b.items);
      else if (c.onFailure === 'dead-letter-failed') {
        ctx.countFailed(failed.filter(Boolean).length);
        emitBatch(
          b.key,
          b.items.filter((_, i) => !failed[i]),
        );
        deadLetterAll(
          b.items.filter((_, i) => failed[i]),
          'failed in the bulk call',
        );
      } else if (c.onFailure === 'split' && n > 1) {
        ctx.countFailed();
        splits++;
        const h = n >> 1;
        const part = (from: number, to: number): Batch => ({
          key: b.key,
          items: b.items.slice(from, to),
          poison: b.poison.slice(from, to),
          bytes: 0,
          attempt: 0,
        });
        enqueue(part(h, n), true);
        enqueue(part(0, h), true);
      } else if (b.attempt < c.retry.maxAttempts) {
        ctx.countFailed();
        ctx.countRetried();
        retries++;
        waitingItems += n;
        ctx.schedule(backoffDelay(c.retry, b.attempt, ctx.rng.next()), RETRY, null, b);
      } else {
        ctx.countFailed();
        deadLetterAll(b.items, `bulk call failed ${b.attempt} time${b.attempt === 1 ? '' : 's'}`);
      }
      pump();
      ctx.notifyReady();
    };

    const flushAll = (why: keyof typeof flushedBy) => {
      for (const b of [...open.values()]) flush(b, why);
    };

    return {
      onMessage(m) {
        const key = keyOf(m);
        let b = open.get(key);
        if (!b) {
          b = { key, items: [], poison: [], bytes: 0, attempt: 0 };
          open.set(key, b);
          if (c.window > 0) ctx.schedule(c.window, WINDOW, null, b);
        }
        b.items.push(m);
        b.poison.push(ctx.rng.chance(call.poisonRate));
        b.bytes += messageBytes(m);
        openItems++;
        if (b.items.length >= c.maxCount) flush(b, 'count');
        else if (c.maxBytes !== undefined && b.bytes >= c.maxBytes) flush(b, 'bytes');
        else ctx.setQueueDepth(openItems + queuedItems);
      },
      onTimer(tag, _msg, data) {
        const b = data as Batch;
        if (tag === WINDOW) {
          if (open.get(b.key) === b) flush(b, 'time');
        } else if (tag === CALL) callDone(b);
        else if (tag === RETRY) {
          waitingItems -= b.items.length;
          enqueue(b, true);
        }
      },
      held: () => openItems + queuedItems + inFlightItems + waitingItems,
      view: () => ({
        figures: {
          open: openItems,
          batches,
          meanSize: batches ? Math.round((emittedItems / batches) * 10) / 10 : 0,
          queued: queuedItems,
          inFlight,
          failedItems,
          splits,
          retries,
          byCount: flushedBy.count,
          byBytes: flushedBy.bytes,
          byTime: flushedBy.time,
        },
      }),
      action(name) {
        if (name === 'flush') {
          const n = open.size;
          flushAll('manual');
          return { flushed: n };
        }
        throw new Error(`batcher has no action "${name}"`);
      },
    };
  },
};
