/**
 * Debatcher: turns a batch back into its messages. For each item record a batcher wrote
 * (`{ id, correlationId, type, kind, createdAt, headers, payload }`) it derives a message from the batch with
 * the item's type, kind, headers, payload and correlation id — the conversation the item belonged to — and
 * its original creation time, so end-to-end latency covers the batching wait. The causation id is the batch
 * (the item's own id is gone: it was merged into the batch). Array elements that are not item records give a
 * message each with that element as payload. The batch is merged into its items. A payload that is not an
 * array is dead-lettered as `invalid`.
 */
import type { z } from 'zod';
import type { JsonValue, Message, MessageKind } from '../../model/message';
import type { debatcherConfig } from '../../model/kinds/performance';
import type { NodeBehavior, NodeContext, PatternDefinition } from '../pattern';

type Config = z.output<typeof debatcherConfig>;

const KINDS: readonly string[] = ['command', 'event', 'document'];

/** A batch item record as the batcher writes it, or null. */
export function asItemRecord(v: JsonValue): {
  id: string;
  correlationId: string;
  type: string;
  kind: MessageKind;
  createdAt: number;
  headers: Record<string, string>;
  payload: JsonValue;
} | null {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return null;
  const { id, correlationId, type, kind, createdAt, headers, payload } = v;
  if (typeof id !== 'string' || typeof correlationId !== 'string' || typeof type !== 'string') return null;
  if (typeof kind !== 'string' || !KINDS.includes(kind) || typeof createdAt !== 'number' || !Number.isFinite(createdAt)) return null;
  if (headers === null || typeof headers !== 'object' || Array.isArray(headers) || payload === undefined) return null;
  if (!Object.values(headers).every((h) => typeof h === 'string')) return null;
  return { id, correlationId, type, kind: kind as MessageKind, createdAt, headers: headers as Record<string, string>, payload };
}

export const debatcher: PatternDefinition = {
  kind: 'debatcher',
  create(ctx: NodeContext<Config>): NodeBehavior {
    let batches = 0;
    let items = 0;

    return {
      onMessage(batch) {
        const list = batch.payload;
        if (!Array.isArray(list)) {
          ctx.deadLetter(batch, 'invalid', 'the payload is not an array of items');
          return;
        }
        const out: Message[] = [];
        for (const el of list) {
          const rec = asItemRecord(el);
          if (rec === null) {
            out.push(ctx.derive(batch, { payload: el }));
            continue;
          }
          const m = ctx.derive(batch, {
            correlationId: rec.correlationId,
            type: rec.type,
            kind: rec.kind,
            headers: rec.headers,
            payload: rec.payload,
          });
          // the item's journey started when it was made, not when its batch was
          if (rec.createdAt <= ctx.now()) (m as { createdAt: number }).createdAt = rec.createdAt;
          out.push(m);
        }
        batches++;
        items += out.length;
        ctx.merge(batch);
        for (const m of out) ctx.emit('out', m);
      },
      view: () => ({ figures: { batches, items } }),
    };
  },
};
