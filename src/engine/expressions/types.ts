/**
 * The types of the expression language's public API.
 */
import type { ExpressionProblem } from '../../model/expressions/types';

/**
 * What an expression can read: a structural subset of the engine's `Message` (src/model/message.ts),
 * so a `Message` can be passed as it is.
 *
 * @example
 * const msg: MessageLike = { id: 'm1', correlationId: 'm1', kind: 'event', type: 'OrderPlaced',
 *   headers: { region: 'eu' }, payload: { total: 120 } };
 */
export interface MessageLike {
  /** The message id (`id` in expressions). */
  readonly id: string;
  /** The conversation id (`correlationId` in expressions). */
  readonly correlationId: string;
  /** Command, event or document (`kind` in expressions). */
  readonly kind: string;
  /** The message type, such as `PlaceOrder` (`type` in expressions). */
  readonly type: string;
  /** String headers (`headers.region`, `headers["x-tenant"]`). */
  readonly headers: Readonly<Record<string, string>>;
  /** The body: JSON data (`payload.total`, `payload.items[0].sku`). */
  readonly payload: unknown;
}

/**
 * What the caller passes to an evaluation besides the message.
 *
 * @example
 * expr.evaluate(msg, { now: sim.now }); // now() in the expression returns sim.now
 */
export interface EvaluationContext {
  /** The virtual time (ms) that `now()` returns. Without a context, `now()` throws an `ExpressionError`. */
  readonly now: number;
}

/**
 * Options of `parseExpression`.
 *
 * @example
 * parseExpression('len(payload.items) > 3', { maxSteps: 1000 });
 */
export interface ExpressionOptions {
  /** Step budget of one evaluation (default `EXPRESSION_LIMITS.maxSteps`). */
  readonly maxSteps?: number;
}

/** A problem found while parsing or checking an expression (defined with the parser, in the model). */
export type { ExpressionProblem };

/**
 * An expression that parsed and checked, compiled once into a tree of closures. Evaluate it as often as
 * needed; the common case allocates nothing. Not re-entrant across threads (there are none in JS) and
 * safe to share between nodes of one simulation.
 *
 * @example
 * const r = parseExpression('payload.total > 100 && headers.region == "eu"');
 * if (r.ok && r.expr.test(msg)) route(msg, 'big-eu');
 */
export interface CompiledExpression {
  /** The expression text it was compiled from. */
  readonly source: string;
  /**
   * Evaluates the expression on a message.
   *
   * @throws ExpressionError when evaluation fails (step budget, refused property, bad argument, …).
   */
  evaluate(msg: MessageLike, ctx?: EvaluationContext): unknown;
  /**
   * Evaluates the expression and returns its truthiness (`false`, `0`, `NaN`, `""`, `null` and
   * `undefined` are false; everything else, including empty arrays and objects, is true).
   *
   * @throws ExpressionError when evaluation fails.
   */
  test(msg: MessageLike, ctx?: EvaluationContext): boolean;
}

/**
 * The result of `parseExpression`: a compiled expression, or the first problem found.
 */
export type ParseResult = { ok: true; expr: CompiledExpression } | { ok: false; error: ExpressionProblem };
