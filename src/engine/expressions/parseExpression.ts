/**
 * The entry points: parse, check and compile an expression; or just validate one.
 */
import { checkAst } from '../../model/expressions/check';
import { compileAst } from './compile';
import { ExpressionError } from './ExpressionError';
import { EXPRESSION_LIMITS } from './limits';
import { parseAst } from './parser';
import type { EvalState, Evaluator } from './runtime';
import type {
  CompiledExpression,
  EvaluationContext,
  ExpressionOptions,
  ExpressionProblem,
  MessageLike,
  ParseResult,
} from './types';

/** Turns whatever an evaluation threw into an `ExpressionError`. */
function asExpressionError(e: unknown): ExpressionError {
  if (e instanceof ExpressionError) return e;
  if (e instanceof RangeError) return new ExpressionError('The expression or its data nests too deeply');
  return new ExpressionError(`Evaluation failed: ${e instanceof Error ? e.message : String(e)}`);
}

class Compiled implements CompiledExpression {
  /** Reused by every evaluation: evaluating allocates nothing. */
  private readonly state: EvalState;

  constructor(
    readonly source: string,
    private readonly fn: Evaluator,
    maxSteps: number,
  ) {
    this.state = { steps: 0, maxSteps, now: 0, hasNow: false };
  }

  evaluate(msg: MessageLike, ctx?: EvaluationContext): unknown {
    const s = this.state;
    s.steps = 0;
    if (ctx === undefined) {
      s.hasNow = false;
      s.now = 0;
    } else {
      s.hasNow = true;
      s.now = ctx.now;
    }
    try {
      return this.fn(msg, s);
    } catch (e) {
      throw asExpressionError(e);
    }
  }

  test(msg: MessageLike, ctx?: EvaluationContext): boolean {
    return !!this.evaluate(msg, ctx);
  }
}

/**
 * Parses, checks and compiles an expression. Never throws for any input text; never runs it as code.
 *
 * @param text The expression, such as `payload.total > 100 && headers.region == "eu"`.
 * @param options `maxSteps`: the step budget of each evaluation (default `EXPRESSION_LIMITS.maxSteps`).
 * @returns `{ ok: true, expr }`, or `{ ok: false, error }` with the 0-based position of the problem.
 * @example
 * const r = parseExpression('lower(headers.region) in ["eu", "uk"]');
 * if (!r.ok) throw new Error(`${r.error.message} at ${r.error.position}`);
 * r.expr.test(msg); // true or false
 */
export function parseExpression(text: string, options?: ExpressionOptions): ParseResult {
  const maxSteps = options?.maxSteps ?? EXPRESSION_LIMITS.maxSteps;
  if (typeof maxSteps !== 'number' || !(maxSteps > 0)) {
    throw new TypeError('parseExpression: maxSteps must be a positive number');
  }
  const parsed = parseAst(text);
  if ('problem' in parsed) return { ok: false, error: parsed.problem };
  // the model's checker (what topology validation runs) first, so both refuse alike, with the same words
  const problem = checkAst(parsed.ast, parsed.positions);
  if (problem) return { ok: false, error: problem };
  try {
    const root = compileAst(parsed.ast, parsed.positions);
    return { ok: true, expr: new Compiled(text, root.fn, maxSteps) };
  } catch (e) {
    const err = asExpressionError(e);
    const position = err.position >= 0 ? Math.min(err.position, text.length) : 0;
    return { ok: false, error: { message: err.message, position } };
  }
}

/**
 * Checks an expression without keeping the compiled form.
 *
 * @returns null when the expression is valid, otherwise the first problem and its 0-based position.
 * @example
 * validateExpression('payload.__proto__'); // { message: 'The property "__proto__" cannot be read', position: 8 }
 */
export function validateExpression(text: string): ExpressionProblem | null {
  const r = parseExpression(text);
  return r.ok ? null : r.error;
}
