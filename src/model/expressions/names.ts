/**
 * The names of the expression language: the message fields an expression can read, the property names it
 * may never read, and the signatures of the allow-listed functions. The checker (here) and the compiler
 * (src/engine/expressions) both use them; a test checks that the compiler implements exactly these.
 */

/** The message fields an expression can name, in the order error messages list them. */
export const MESSAGE_FIELDS: readonly string[] = [
  'id',
  'correlationId',
  'kind',
  'type',
  'headers',
  'payload',
];

/** Property names that are refused everywhere: reading them could reach prototypes or constructors. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** What the checker needs to know of a function. */
export interface FunctionSignature {
  /** Fewest and most arguments. */
  readonly minArgs: number;
  readonly maxArgs: number;
  /** Whether a call with constant arguments always gives the same result (so it is computed once). */
  readonly pure: boolean;
  /** Signature for messages and docs, e.g. `startsWith(text, part)`. */
  readonly signature: string;
}

const sig = (signature: string, minArgs: number, maxArgs = minArgs, pure = true): FunctionSignature => ({
  minArgs,
  maxArgs,
  pure,
  signature,
});

/** The allow-listed functions by name. A `Map`, so no inherited name can ever be looked up. */
export const FUNCTION_SIGNATURES: ReadonlyMap<string, FunctionSignature> = new Map([
  ['len', sig('len(value)', 1)],
  ['lower', sig('lower(text)', 1)],
  ['upper', sig('upper(text)', 1)],
  ['startsWith', sig('startsWith(text, part)', 2)],
  ['endsWith', sig('endsWith(text, part)', 2)],
  ['contains', sig('contains(textOrArray, value)', 2)],
  ['matches', sig('matches(text, pattern, flags?)', 2, 3)],
  ['number', sig('number(value)', 1)],
  ['string', sig('string(value)', 1)],
  ['now', sig('now()', 0, 0, false)],
]);
