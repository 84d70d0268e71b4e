/**
 * Expressions of the event-sourcing, CQRS and saga kinds. The expression language reads a message; for
 * expressions over a state and an event (or a command, or a read-model row) they are evaluated on a
 * synthetic message whose `payload` holds both parts, such as `{ state, event }`. One holder object is
 * reused per compiled map, so evaluating allocates only the parts object.
 *
 * @example
 * const set = compileExpressionMap('apply', { balance: 'payload.state.balance + payload.event.amount' });
 * set.evaluate({ state: { balance: 1 }, event: { amount: 2 } }, 'Deposited', 0); // { balance: 3 }
 */
import type { JsonValue } from '../../model/message';
import { ExpressionError, parseExpression, type CompiledExpression, type MessageLike } from '../expressions';

/** Compiles one config expression; throws an Error naming the node, the field and the position. */
export function compileExpr(where: string, text: string): CompiledExpression {
  const r = parseExpression(text);
  if (!r.ok) throw new Error(`${where}: ${r.error.message} at character ${r.error.position}`);
  return r.expr;
}

/** A mutable message-like record reused for synthetic evaluations. */
export interface Holder {
  id: string;
  correlationId: string;
  kind: string;
  type: string;
  headers: Record<string, string>;
  payload: unknown;
}

/** A new holder. */
export function newHolder(kind = 'event'): Holder {
  return { id: '', correlationId: '', kind, type: '', headers: {}, payload: null };
}

/** Turns an evaluation result into JSON data: undefined stays undefined (the field is removed). */
export function toJson(v: unknown): JsonValue | undefined {
  if (v === undefined) return undefined;
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  // arrays and objects come from the data the expression read: JSON already
  return v as JsonValue;
}

/** Field → compiled expression. */
export class ExpressionMap {
  readonly fields: string[];
  readonly exprs: CompiledExpression[];
  private readonly holder: Holder = newHolder();

  constructor(where: string, map: Record<string, string>) {
    this.fields = Object.keys(map);
    this.exprs = this.fields.map((f) => compileExpr(`${where}.${f}`, map[f]));
  }

  /** Evaluates every field on `payload` (and `type`), writing the results into `into`. */
  evaluateInto(
    into: Record<string, JsonValue>,
    payload: unknown,
    type: string,
    now: number,
    msg?: MessageLike,
  ): void {
    const h = this.holder;
    h.type = type;
    h.payload = payload;
    h.id = msg?.id ?? '';
    h.correlationId = msg?.correlationId ?? '';
    h.headers = (msg?.headers as Record<string, string> | undefined) ?? {};
    const ctx = { now };
    // every field sees the same inputs: results are collected first, then written
    const values: (JsonValue | undefined)[] = new Array(this.exprs.length);
    for (let i = 0; i < this.exprs.length; i++) values[i] = toJson(this.exprs[i].evaluate(h, ctx));
    for (let i = 0; i < this.fields.length; i++) {
      const v = values[i];
      if (v === undefined) delete into[this.fields[i]];
      else into[this.fields[i]] = v;
    }
  }

  /** Evaluates into a new object. */
  evaluate(payload: unknown, type: string, now: number, msg?: MessageLike): Record<string, JsonValue> {
    const out: Record<string, JsonValue> = {};
    this.evaluateInto(out, payload, type, now, msg);
    return out;
  }
}

/** Evaluates `expr` on a synthetic message; returns the value or an ExpressionError. */
export function evaluateOn(
  expr: CompiledExpression,
  holder: Holder,
  type: string,
  payload: unknown,
  now: number,
): unknown {
  holder.type = type;
  holder.payload = payload;
  try {
    return expr.evaluate(holder, { now });
  } catch (e) {
    if (e instanceof ExpressionError) return e;
    throw e;
  }
}

/** Whether `v` is a plain JSON object (not an array, not null). */
export function isObject(v: unknown): v is Record<string, JsonValue> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
