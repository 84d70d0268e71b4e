/**
 * Service activator: `concurrency` workers each serve one message for a drawn service time; a call fails
 * with probability `failureRate`. A failed call is retried after a backoff (the worker waits, as a thread
 * in a retry loop does); when attempts run out the message goes to the error port, to dead letter, or is
 * nacked back to the channel that delivered it. Messages that arrive while all workers are busy wait in
 * the activator's own FIFO queue. With `operations`, a message's type picks a named operation with its own
 * service time and failure rate (calls per operation show as `calls:<name>` figures).
 *
 * A crash (fault injection) loses the queue and the messages in service: the engine returns each to the
 * channel that delivered it, or drops it. The activator keeps nothing durable, so it restarts empty.
 */
import type { z } from 'zod';
import type { Message } from '../../model/message';
import type { serviceActivatorConfig } from '../../model/kinds/endpoints';
import { Deque } from '../Deque';
import { compileDistribution, type Sampler } from '../distributions';
import type { FaultAwareBehavior } from '../faults';
import type { NodeContext, PatternDefinition } from '../pattern';

type Config = z.output<typeof serviceActivatorConfig>;
// a timer's tag is `worker * 2 + DONE | RETRY`: the worker slot holds the message in service
const DONE = 0;
const RETRY = 1;

/** The backoff before retry number `attempt` (1 = first retry), with jitter drawn from `rng`. */
export function backoffDelay(retry: Config['retry'], attempt: number, draw: number): number {
  const base = retry.backoff === 'fixed' ? retry.delay : retry.delay * Math.pow(retry.multiplier, attempt - 1);
  const capped = Math.min(base, retry.maxDelay);
  // jitter spreads the delay over [capped·(1−j), capped]
  return capped * (1 - retry.jitter * draw);
}

export const serviceActivator: PatternDefinition = {
  kind: 'service-activator',
  create(ctx: NodeContext<Config>): FaultAwareBehavior {
    const c = ctx.config;
    const serviceTime = compileDistribution(c.serviceTime);
    const queue = new Deque<Message>();
    // operations by message type (the first one listed for a type wins); others use the top-level fields
    const ops = new Map<string, { name: string; serviceTime: Sampler; failureRate: number; calls: number }>();
    for (const op of c.operations) {
      if (!ops.has(op.type)) ops.set(op.type, { name: op.name, serviceTime: compileDistribution(op.serviceTime), failureRate: op.failureRate, calls: 0 });
    }
    let busy = 0;
    // the message each worker serves (null: idle), so that a crash knows what was in service
    const workers: (Message | null)[] = new Array<Message | null>(c.concurrency).fill(null);
    let nextFree = 0;
    ctx.setCapacity(c.concurrency);

    const begin = (m: Message, worker: number) => {
      m.attempt++;
      const op = ops.size ? ops.get(m.type) : undefined;
      if (op) op.calls++;
      ctx.schedule((op ? op.serviceTime : serviceTime)(ctx.rng), worker * 2 + DONE, m);
    };

    const startNext = () => {
      while (busy < c.concurrency && queue.length) {
        busy++;
        while (workers[nextFree] !== null) nextFree = nextFree + 1 === workers.length ? 0 : nextFree + 1;
        const m = queue.shift()!;
        workers[nextFree] = m;
        begin(m, nextFree);
      }
      ctx.setQueueDepth(queue.length);
      ctx.setBusy(busy);
    };

    const finish = (worker: number) => {
      workers[worker] = null;
      busy--;
      startNext();
      // busy and the queue are final here, so the channel upstream may hand over its next message at once
      ctx.notifyReadyNow();
    };

    return {
      onMessage(msg) {
        queue.push(msg);
        startNext();
      },
      onTimer(tag, msg) {
        const m = msg!;
        const worker = tag >> 1;
        if ((tag & 1) === RETRY) {
          begin(m, worker);
          return;
        }
        const failureRate = ops.size ? (ops.get(m.type)?.failureRate ?? c.failureRate) : c.failureRate;
        if (!ctx.rng.chance(failureRate)) {
          finish(worker);
          ctx.emit('out', m);
          return;
        }
        ctx.countFailed();
        if (m.attempt < c.retry.maxAttempts) {
          ctx.countRetried();
          ctx.schedule(backoffDelay(c.retry, m.attempt, ctx.rng.next()), worker * 2 + RETRY, m);
          return;
        }
        finish(worker);
        const detail = `failed after ${m.attempt} attempt${m.attempt === 1 ? '' : 's'}`;
        if (c.onFailure === 'nack' && ctx.nack(m)) return;
        if (c.onFailure === 'error') ctx.emit('error', m, 'error');
        else ctx.deadLetter(m, 'error', detail);
      },
      isIdle: (pending) => busy + queue.length + pending < c.concurrency,
      held: () => busy + queue.length,
      view: () => {
        const figures: Record<string, number> = { busy, queued: queue.length };
        for (const op of ops.values()) figures[`calls:${op.name}`] = (figures[`calls:${op.name}`] ?? 0) + op.calls;
        return { figures };
      },
      crash() {
        const lost: Message[] = [];
        for (let w = 0; w < workers.length; w++) {
          const m = workers[w];
          if (m !== null) lost.push(m);
          workers[w] = null;
        }
        for (let m = queue.shift(); m !== undefined; m = queue.shift()) lost.push(m);
        busy = 0;
        return lost;
      },
    };
  },
};
