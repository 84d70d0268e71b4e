/**
 * The safe expression language of routers, filters, translators and other patterns: user-written
 * expressions on messages, such as `payload.total > 100 && headers.region == "eu"`.
 *
 * Expressions come from shared, untrusted files. They are parsed with jsep, checked, and compiled into
 * closures that this module's interpreter owns — never run as code (no `eval`, no `new Function`), so
 * they work under a CSP without `unsafe-eval`. They read only own data properties of the message, call
 * only the allow-listed functions, and every evaluation runs within a step budget. See docs/expressions.md.
 *
 * @example
 * import { parseExpression } from '../expressions';
 * const r = parseExpression('payload.total > 100 && type != "Cancel"');
 * if (r.ok && r.expr.test(message, { now })) forward(message);
 */
export { parseExpression, validateExpression } from './parseExpression';
export { ExpressionError } from './ExpressionError';
export { EXPRESSION_LIMITS } from './limits';
export type {
  CompiledExpression,
  EvaluationContext,
  ExpressionOptions,
  ExpressionProblem,
  MessageLike,
  ParseResult,
} from './types';
