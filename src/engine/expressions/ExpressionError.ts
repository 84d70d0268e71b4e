/**
 * An expression failed: it did not parse or check (`parseExpression` reports those as a result, not a
 * throw), or it failed while evaluating a message (step budget exceeded, a refused property such as
 * `__proto__`, a function argument of the wrong type, …).
 *
 * @example
 * try {
 *   expr.evaluate(msg);
 * } catch (e) {
 *   if (e instanceof ExpressionError) deadLetter(msg, 'error', e.message);
 *   else throw e;
 * }
 */
export class ExpressionError extends Error {
  /** 0-based index, in the expression text, of the part that failed; -1 when not known. */
  readonly position: number;

  /**
   * @param message What went wrong, in a sentence.
   * @param position 0-based index in the expression text of the part that failed, or -1.
   */
  constructor(message: string, position = -1) {
    super(message);
    this.name = 'ExpressionError';
    this.position = position;
  }
}
