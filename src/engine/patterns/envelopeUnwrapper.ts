/**
 * Envelope unwrapper: restores the original message from an envelope made by an envelope wrapper — its
 * kind, type, correlation id, headers and payload, and (unless `restoreQos` is off) its priority and
 * expiry. The restored message is derived from the envelope (causation = envelope id); the envelope ends
 * here, merged into it. A message that is not a well-formed envelope is dead-lettered as `invalid`.
 */
import type { z } from 'zod';
import { MESSAGE_KINDS, type JsonValue, type MessageKind } from '../../model/message';
import type { envelopeUnwrapperConfig } from '../../model/kinds/construction';
import type { NodeBehavior, NodeContext, PatternDefinition } from '../pattern';

type Config = z.output<typeof envelopeUnwrapperConfig>;

/** What the unwrapper reads back from an envelope's `original` block. */
export interface EnvelopeOriginal {
  correlationId: string;
  kind: MessageKind;
  type: string;
  headers: Record<string, string>;
  priority: number;
  expiresAt: number | null;
  body: JsonValue;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** Reads an envelope payload; returns the original's fields, or a sentence saying what is wrong. */
export function readEnvelope(payload: JsonValue): EnvelopeOriginal | string {
  if (!isRecord(payload) || !isRecord(payload.envelope))
    return 'not an envelope: the payload has no "envelope" object';
  if (!Object.hasOwn(payload, 'body')) return 'not an envelope: the payload has no "body"';
  const o = payload.envelope.original;
  if (!isRecord(o)) return 'not an envelope: "envelope.original" is missing';
  if (typeof o.type !== 'string' || o.type.length === 0) return 'envelope.original.type must be text';
  if (!MESSAGE_KINDS.includes(o.kind as MessageKind))
    return 'envelope.original.kind must be command, event or document';
  if (typeof o.correlationId !== 'string') return 'envelope.original.correlationId must be text';
  if (!isRecord(o.headers) || !Object.values(o.headers).every((v) => typeof v === 'string')) {
    return 'envelope.original.headers must map names to text';
  }
  const priority =
    typeof o.priority === 'number' && Number.isInteger(o.priority) && o.priority >= 0 && o.priority <= 9
      ? o.priority
      : 4;
  const expiresAt = typeof o.expiresAt === 'number' && Number.isFinite(o.expiresAt) ? o.expiresAt : null;
  return {
    correlationId: o.correlationId,
    kind: o.kind as MessageKind,
    type: o.type,
    headers: o.headers as Record<string, string>,
    priority,
    expiresAt,
    body: payload.body as JsonValue,
  };
}

/** The envelope unwrapper (see the file comment). */
export const envelopeUnwrapper: PatternDefinition = {
  kind: 'envelope-unwrapper',
  create(ctx: NodeContext<Config>): NodeBehavior {
    const c = ctx.config;
    let unwrapped = 0;
    let invalid = 0;
    return {
      onMessage(msg) {
        const o = readEnvelope(msg.payload);
        if (typeof o === 'string') {
          invalid++;
          ctx.deadLetter(msg, 'invalid', o);
          return;
        }
        const out = ctx.derive(msg, {
          kind: o.kind,
          type: o.type,
          headers: o.headers,
          payload: o.body,
          correlationId: o.correlationId,
        });
        if (c.restoreQos) {
          out.priority = o.priority;
          out.expiresAt = o.expiresAt;
        }
        unwrapped++;
        ctx.merge(msg);
        ctx.emit('out', out);
      },
      view: () => ({ figures: { unwrapped, invalid } }),
    };
  },
};
