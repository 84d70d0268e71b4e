/**
 * What compiled expressions use while they run: the per-evaluation state, step accounting, and the one
 * way data is read (own data properties only).
 */
import { ExpressionError } from './ExpressionError';
import { EXPRESSION_LIMITS } from './limits';
import type { MessageLike } from './types';

/**
 * Mutable state of one evaluation. One object per compiled expression, reset at the start of each
 * evaluation, so evaluating allocates nothing.
 */
export interface EvalState {
  /** Steps taken so far in this evaluation. */
  steps: number;
  /** The step budget. */
  maxSteps: number;
  /** The virtual time `now()` returns, when `hasNow`. */
  now: number;
  /** Whether the caller passed an evaluation context. */
  hasNow: boolean;
}

/** A compiled node: computes its value for a message. */
export type Evaluator = (msg: MessageLike, s: EvalState) => unknown;

/**
 * Throws the step-budget error. Kept out of line so the hot closures stay small.
 *
 * @throws ExpressionError always.
 */
export function stepLimit(s: EvalState, position: number): never {
  throw new ExpressionError(`The expression took more than ${s.maxSteps} steps`, position);
}

/**
 * Charges `n` steps for work proportional to data size (scanning an array, a long string).
 *
 * @throws ExpressionError when the budget is exceeded.
 */
export function charge(s: EvalState, n: number, position: number): void {
  s.steps += n;
  if (s.steps > s.maxSteps) stepLimit(s, position);
}

/** Charges the steps for processing `chars` characters of a string. */
export function chargeChars(s: EvalState, chars: number, position: number): void {
  if (chars > EXPRESSION_LIMITS.charsPerStep)
    charge(s, Math.ceil(chars / EXPRESSION_LIMITS.charsPerStep), position);
}

/** Property names that are refused everywhere (defined with the checker, in the model). */
export { FORBIDDEN_KEYS } from '../../model/expressions/names';

/**
 * Throws the error for a refused property name.
 *
 * @throws ExpressionError always.
 */
export function forbiddenKey(key: string, position: number): never {
  throw new ExpressionError(`The property "${key}" cannot be read`, position);
}

// Captured once: later changes to the global Object cannot redirect how we read data.
const getOwnDescriptor = Object.getOwnPropertyDescriptor;
const hasOwn = Object.hasOwn;

/** `Array.isArray`, captured at module load. */
export const isArray: (v: unknown) => v is readonly unknown[] = Array.isArray;

/**
 * Reads an own data property of an object or array. Anything else — a primitive, null, a missing or
 * inherited property, an accessor (never called) — reads as `undefined`. A function value is refused.
 *
 * @throws ExpressionError when the value is a function.
 */
export function readOwn(o: unknown, key: string | number, position: number): unknown {
  if (typeof o !== 'object' || o === null) return undefined;
  const d = getOwnDescriptor(o, key);
  if (d === undefined) return undefined;
  const v: unknown = d.value;
  if (typeof v === 'function') throw new ExpressionError('Functions cannot be read as values', position);
  return v;
}

/** The type of a value as the language names it in errors: `number`, `string`, `array`, `null`, …. */
export function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (isArray(v)) return 'array';
  return typeof v;
}

/**
 * Membership of a value in an array, with strict equality (`==` of the language). Costs one step per
 * element.
 */
export function arrayIncludes(arr: readonly unknown[], v: unknown, s: EvalState, position: number): boolean {
  const n = arr.length;
  charge(s, n, position);
  for (let i = 0; i < n; i++) if (arr[i] === v) return true;
  return false;
}

/**
 * The `in` operator: membership in an array, or an own key of an object. Anything else on the right
 * (null, undefined, a string, a number) contains nothing.
 */
export function inOperator(key: unknown, container: unknown, s: EvalState, position: number): boolean {
  if (typeof container !== 'object' || container === null) return false;
  if (isArray(container)) return arrayIncludes(container, key, s, position);
  if (typeof key !== 'string' && typeof key !== 'number') return false;
  return hasOwn(container, key);
}
