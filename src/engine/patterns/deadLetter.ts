/**
 * Dead-letter channel: keeps messages that failed, with their reason and the node they failed at, and
 * counts them per reason. Operator actions: `list` (newest first, paged), `reprocess` one message by id,
 * `reprocessAll`. Reprocessing sends the message back to the node where it failed, as a fresh delivery
 * (hop count, delivery count and TTL reset). When the channel is full, the oldest message is evicted and
 * counted as dropped (`overflow`).
 */
import type { z } from 'zod';
import { DEAD_LETTER_REASONS, type DeadLetterReason, type Message } from '../../model/message';
import type { deadLetterConfig } from '../../model/kinds/channels';
import { Deque } from '../Deque';
import type { NodeBehavior, NodeContext, PatternDefinition } from '../pattern';

type Config = z.output<typeof deadLetterConfig>;

/** One kept message as the `list` action returns it. */
export interface DeadLetterEntry {
  id: string;
  correlationId: string;
  type: string;
  kind: string;
  reason: DeadLetterReason;
  detail: string | null;
  /** Index of the node it failed at (the studio maps it to an id). */
  origin: number;
  /** Virtual time it arrived here. */
  at: number;
  headers: Record<string, string>;
  /** The payload as JSON text (shown as text, never as HTML). */
  payload: string;
}

export const deadLetter: PatternDefinition = {
  kind: 'dead-letter',
  create(ctx: NodeContext<Config>): NodeBehavior {
    const kept = new Deque<Message>();
    const byReason: Record<string, number> = {};
    let reprocessed = 0;

    const entry = (m: Message): DeadLetterEntry => ({
      id: m.id,
      correlationId: m.correlationId,
      type: m.type,
      kind: m.kind,
      reason: m.deadLetterReason ?? 'error',
      detail: m.deadLetterDetail,
      origin: m.failedAt,
      at: m.arrivedAt,
      headers: m.headers,
      payload: JSON.stringify(m.payload),
    });

    const release = (i: number) => {
      const m = kept.removeAt(i)!;
      reprocessed++;
      ctx.setQueueDepth(kept.length);
      ctx.reprocess(m);
    };

    return {
      onMessage(msg) {
        if (!msg.deadLetterReason) msg.deadLetterReason = 'error';
        const r = msg.deadLetterReason;
        byReason[r] = (byReason[r] ?? 0) + 1;
        ctx.store(msg);
        kept.push(msg);
        if (kept.length > ctx.config.capacity) {
          const old = kept.shift()!;
          ctx.evict(old);
        }
        ctx.setQueueDepth(kept.length);
      },
      held: () => kept.length,
      view: () => ({ figures: { held: kept.length, ...byReason } }),
      action(name, args) {
        switch (name) {
          case 'list': {
            const offset = Math.max(0, Number(args.offset ?? 0) | 0);
            const limit = Math.min(1000, Math.max(1, Number(args.limit ?? 100) | 0));
            const items: DeadLetterEntry[] = [];
            for (let i = kept.length - 1 - offset; i >= 0 && items.length < limit; i--) items.push(entry(kept.at(i)!));
            const reasons: Partial<Record<DeadLetterReason, number>> = {};
            for (const r of DEAD_LETTER_REASONS) if (byReason[r]) reasons[r] = byReason[r];
            return { total: kept.length, reprocessed, byReason: reasons, items };
          }
          case 'reprocess': {
            for (let i = 0; i < kept.length; i++) {
              if (kept.at(i)!.id === args.id) {
                release(i);
                return { reprocessed: 1 };
              }
            }
            return { reprocessed: 0 };
          }
          case 'reprocessAll': {
            const n = kept.length;
            while (kept.length) release(0);
            return { reprocessed: n };
          }
          default:
            throw new Error(`dead-letter channel: unknown action "${name}"`);
        }
      },
    };
  },
};
