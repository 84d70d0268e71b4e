/**
 * The limits of the expression language. Expressions come from shared, untrusted files, so every way in
 * which one could take a long time or much memory is bounded: the text, its nesting, the work done per
 * evaluation, and what `matches()` accepts. They are documented in docs/expressions.md.
 *
 * @example
 * if (text.length > EXPRESSION_LIMITS.maxLength) showError('too long');
 */
export const EXPRESSION_LIMITS = {
  /** Longest expression text, in characters. */
  maxLength: 2000,
  /**
   * Deepest nesting: of the syntax tree, and (checked on the text before parsing, so that a
   * 100,000-deep `((((…` is refused without recursing) of brackets, ternaries and prefix operators.
   */
  maxDepth: 64,
  /**
   * Default step budget of one evaluation. One step is one operator, access or call; scanning data costs
   * more (see docs/expressions.md). Going over it throws an `ExpressionError`.
   */
  maxSteps: 100_000,
  /** Characters a string function processes per step (`lower`, `contains`, `number`, …). */
  charsPerStep: 64,
  /** Longest `matches()` pattern, in characters. */
  maxPatternLength: 100,
  /** Largest repetition count in a `matches()` pattern (`a{100}`). */
  maxRepeat: 100,
  /** Largest compiled `matches()` program (instructions), after repetitions are expanded. */
  maxPatternProgram: 2000,
  /** Longest string `matches()` tests; a longer input throws an `ExpressionError`. */
  maxMatchInput: 100_000,
  /** Deepest data `string()` serialises (arrays and objects inside one another). */
  maxStringifyDepth: 64,
} as const;
