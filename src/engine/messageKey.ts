/**
 * Keys of messages: what identifies a unit of work for the idempotent consumer, the outbox's aggregates and
 * the invariants. A key is an expression in the safe expression language (docs/expressions.md) evaluated
 * on the message — `id`, `correlationId`, `payload.orderId`, `headers["outbox-id"]` — compiled once.
 *
 * @example
 * const keyOf = compileKey('payload.orderId', 'idempotent consumer "dedupe"');
 * keyOf(msg); // 42, or null when the message has no such field
 */
import type { Message } from '../model/message';
import { parseExpression } from './expressions/index';

/** A key: a string or a number; null when the message has none. */
export type MessageKey = string | number;

/** Computes the key of a message, or null when it has none (missing field, or an evaluation error). */
export type KeyOf = (m: Message) => MessageKey | null;

const byId: KeyOf = (m) => m.id;
const byCorrelation: KeyOf = (m) => m.correlationId;

/** Turns an evaluated value into a key: numbers and strings as they are, null/undefined as none. */
function asKey(v: unknown): MessageKey | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return JSON.stringify(v);
}

/**
 * Compiles a key expression. `what` names the owner in the error thrown when the text does not parse.
 *
 * @throws Error with the problem and its position when the expression is invalid.
 */
export function compileKey(text: string, what: string): KeyOf {
  const t = text.trim();
  if (t === 'id') return byId;
  if (t === 'correlationId') return byCorrelation;
  const r = parseExpression(t);
  if (!r.ok) throw new Error(`${what}: the key "${text}" is not a valid expression: ${r.error.message} (at ${r.error.position})`);
  const expr = r.expr;
  return (m) => {
    try {
      return asKey(expr.evaluate(m));
    } catch {
      return null;
    }
  };
}
