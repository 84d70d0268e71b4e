/**
 * Types shared by the expression parser and checker (here, in the model) and the compiler (in the engine).
 */

/**
 * A problem found while parsing or checking an expression: what, and where.
 *
 * @example
 * { message: 'Unknown name "totl"', position: 8 }
 */
export interface ExpressionProblem {
  /** What is wrong, in a sentence. */
  readonly message: string;
  /** 0-based index of the offending character or token in the expression text. */
  readonly position: number;
}
