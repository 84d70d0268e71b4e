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

const FIELDS: Record<string, KeyOf> = {
  id: (m) => m.id,
  correlationId: (m) => m.correlationId,
  type: (m) => m.type,
  kind: (m) => m.kind,
};

/** `payload.a.b`, `headers.x`, `headers["x-y"]`: plain paths, read without the interpreter. */
const PATH = /^(payload|headers)((?:\.[A-Za-z_$][A-Za-z0-9_$]*|\["[^"\\]*"\])+)$/;
const SEGMENT = /\.([A-Za-z_$][A-Za-z0-9_$]*)|\["([^"\\]*)"\]/g;
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);
const hasOwn = Object.hasOwn;
const getPrototypeOf = Object.getPrototypeOf;
const OBJECT_PROTOTYPE = Object.prototype;

/**
 * A reader for a plain path, or null when the text is not one. It reads own properties only and gives
 * what the interpreter gives for data (JSON payloads and string headers): the value, or none when a
 * step is missing or not an object. Forbidden names are left to the parser, which refuses them.
 */
function plainPath(text: string): KeyOf | null {
  const m = PATH.exec(text);
  if (!m) return null;
  const names: string[] = [];
  for (const s of m[2].matchAll(SEGMENT)) names.push(s[1] ?? s[2]);
  if (names.some((n) => FORBIDDEN.has(n))) return null;
  const fromPayload = m[1] === 'payload';
  return (msg) => {
    let o: unknown = fromPayload ? msg.payload : msg.headers;
    for (let i = 0; i < names.length; i++) {
      if (typeof o !== 'object' || o === null) return null;
      const v = (o as Record<string, unknown>)[names[i]];
      if (v === undefined || typeof v === 'function') return null;
      // own properties only; on a plain object the only inherited values that are not functions are
      // behind forbidden names, so the (slower) own-property test is for other objects
      if (getPrototypeOf(o) !== OBJECT_PROTOTYPE && !hasOwn(o, names[i])) return null;
      o = v;
    }
    return asKey(o);
  };
}

/** Turns an evaluated value into a key: numbers and strings as they are, null/undefined as none. */
function asKey(v: unknown): MessageKey | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return JSON.stringify(v);
}

/**
 * Compiled keys by text, shared by every run in the process (a key reads nothing but the message). One
 * function per text rather than a new one per run: the call sites that read keys on every hop (an
 * invariant, an idempotent consumer) then keep seeing the same function, which the compiler can inline.
 */
const COMPILED = new Map<string, KeyOf>();
const COMPILED_MAX = 512;

/**
 * Compiles a key expression. `what` names the owner in the error thrown when the text does not parse.
 * Message fields and plain paths (`payload.orderId`, `headers["outbox-id"]`) are read directly, other
 * expressions by the interpreter (`shortcuts: false` forces the interpreter, for tests).
 *
 * @throws Error with the problem and its position when the expression is invalid.
 */
export function compileKey(text: string, what: string, options: { shortcuts?: boolean } = {}): KeyOf {
  const t = text.trim();
  const shortcuts = options.shortcuts !== false;
  const cacheKey = (shortcuts ? 's ' : 'i ') + t;
  const known = COMPILED.get(cacheKey);
  if (known !== undefined) return known;
  let keyOf: KeyOf | null = null;
  if (shortcuts) keyOf = (hasOwn(FIELDS, t) ? FIELDS[t] : undefined) ?? plainPath(t);
  if (keyOf === null) {
    const r = parseExpression(t);
    if (!r.ok) throw new Error(`${what}: the key "${text}" is not a valid expression: ${r.error.message} (at ${r.error.position})`);
    const expr = r.expr;
    keyOf = (m) => {
      try {
        return asKey(expr.evaluate(m));
      } catch {
        return null;
      }
    };
  }
  if (COMPILED.size >= COMPILED_MAX) COMPILED.delete(COMPILED.keys().next().value!);
  COMPILED.set(cacheKey, keyOf);
  return keyOf;
}

