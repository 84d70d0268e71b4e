/**
 * Point-to-point channel: a FIFO queue (by priority, then FIFO, when configured) whose messages each go to
 * exactly one consumer. Consumers compete: the channel hands a message to a consumer only when that
 * consumer can start on it (round-robin among the idle ones, or always the first idle one). Delivery is
 * at-least-once: a nacked message goes back to the head of the queue and is redelivered, up to
 * `maxDeliveries`, then dead-lettered as `max-redeliveries`. A bounded channel that is full blocks its
 * producers (they wait for room), drops, or dead-letters new messages as `overflow`. A message whose TTL
 * has passed while it waited is dead-lettered as `expired`.
 */
import type { z } from 'zod';
import type { Message } from '../../model/message';
import type { pointToPointConfig } from '../../model/kinds/channels';
import { Deque } from '../Deque';
import type { NodeBehavior, NodeContext, PatternDefinition } from '../pattern';

type Config = z.output<typeof pointToPointConfig>;

export const pointToPoint: PatternDefinition = {
  kind: 'point-to-point',
  create(ctx: NodeContext<Config>): NodeBehavior {
    const c = ctx.config;
    const capacity = c.capacity ?? Infinity;
    // one FIFO per priority level (0–9) when priority is honoured, else a single FIFO
    const levels = c.priority ? 10 : 1;
    const queues = Array.from({ length: levels }, () => new Deque<Message>());
    let depth = 0;
    let rr = 0;
    let wasFull = false;

    const level = (m: Message) => (levels === 1 ? 0 : Math.min(9, Math.max(0, m.priority | 0)));
    const take = (): Message | undefined => {
      for (let l = levels - 1; l >= 0; l--) if (queues[l].length) return queues[l].shift();
      return undefined;
    };
    const putBack = (m: Message) => queues[level(m)].unshift(m);

    const consumers = ctx.outEdges('out'); // fixed for the run
    const pickConsumer = () => {
      const n = consumers.length;
      const startAt = c.dispatch === 'round-robin' ? rr : 0;
      for (let k = 0; k < n; k++) {
        const i = (startAt + k) % n;
        if (ctx.isIdle(consumers[i])) {
          rr = (i + 1) % n;
          return consumers[i];
        }
      }
      return undefined;
    };

    const dispatch = () => {
      while (depth > 0) {
        const consumer = pickConsumer();
        if (!consumer) break;
        const m = take()!;
        depth--;
        if (m.expiresAt !== null && ctx.now() > m.expiresAt) {
          ctx.deadLetter(m, 'expired');
          continue;
        }
        m.deliveries++;
        m.deliveredBy = ctx.index;
        ctx.send(consumer, m);
      }
      ctx.setQueueDepth(depth);
      if (wasFull && depth < capacity) {
        wasFull = false;
        ctx.notifyReady();
      }
    };

    return {
      onMessage(msg) {
        msg.deliveries = 0; // a new arrival (not a nack): deliveries by an earlier channel do not count here
        if (depth >= capacity) {
          wasFull = true;
          if (c.overflow === 'drop') ctx.drop(msg, 'overflow');
          else if (c.overflow === 'dead-letter') ctx.deadLetter(msg, 'overflow', `channel full (${capacity})`);
          else {
            // block: senders checked hasRoom, so only a message already on its way gets here; keep it
            queues[level(msg)].push(msg);
            depth++;
            ctx.setQueueDepth(depth);
          }
          return;
        }
        queues[level(msg)].push(msg);
        depth++;
        dispatch();
      },
      onNack(msg) {
        if (msg.deliveries >= c.maxDeliveries) {
          ctx.deadLetter(msg, 'max-redeliveries', `delivered ${msg.deliveries} times`);
          return;
        }
        putBack(msg);
        depth++;
        dispatch();
      },
      onReady: dispatch,
      hasRoom(pending) {
        const room = c.overflow !== 'block' || depth + pending < capacity;
        if (!room) wasFull = true; // someone waits: tell upstream when room frees
        return room;
      },
      wantsReady: () => depth > 0,
      held: () => depth,
      view: () => ({ figures: { depth } }),
    };
  },
};
