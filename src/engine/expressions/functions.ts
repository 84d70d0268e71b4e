/**
 * The allow-list of functions an expression may call. Nothing else is callable: a call's callee must be
 * one of these names, written directly (`lower(x)`, never `x.lower()` or `(lower)(x)`).
 *
 * Conventions: a missing value (`null` or `undefined`) passed where text or data is expected gives a
 * "nothing" result (`undefined`, `false` or `0`) rather than an error, so that rules on optional headers
 * and fields stay simple; a value of the wrong type is an `ExpressionError`.
 */
import { ExpressionError } from './ExpressionError';
import { EXPRESSION_LIMITS } from './limits';
import { patternFromRaw } from '../../model/expressions/regexProgram';
import type { AstNode } from './parser';
import {
  arrayIncludes,
  charge,
  chargeChars,
  isArray,
  readOwn,
  stepLimit,
  typeName,
  type EvalState,
  type Evaluator,
} from './runtime';
import { compileSafeRegex, SafeRegex } from './safeRegex';

/** A compiled argument, as the compiler hands it to a function's builder. */
export interface ArgumentInfo {
  /** Computes the argument. */
  readonly fn: Evaluator;
  /** Whether the argument is a constant known at compile time, and its value if so. */
  readonly constant: boolean;
  readonly value: unknown;
  /** The argument's syntax node and the position to report problems at. */
  readonly node: AstNode;
  readonly position: number;
}

/** One allow-listed function. */
export interface FunctionSpec {
  /** Fewest and most arguments. */
  readonly minArgs: number;
  readonly maxArgs: number;
  /** Whether a call with constant arguments always gives the same result (so it can be computed once). */
  readonly pure: boolean;
  /** Signature for messages and docs, e.g. `startsWith(text, prefix)`. */
  readonly signature: string;
  /**
   * Builds the evaluator of a call.
   *
   * @throws ExpressionError for problems found at check time (such as an unsafe `matches()` pattern).
   */
  build(args: readonly ArgumentInfo[], position: number): Evaluator;
}

type Impl1 = (x: unknown, s: EvalState, position: number) => unknown;
type Impl2 = (x: unknown, y: unknown, s: EvalState, position: number) => unknown;

function wrongType(fn: string, expected: string, got: unknown, position: number): never {
  throw new ExpressionError(`${fn}() needs ${expected}, got ${typeName(got)}`, position);
}

function oneArgument(signature: string, impl: Impl1): FunctionSpec {
  return {
    minArgs: 1,
    maxArgs: 1,
    pure: true,
    signature,
    build(args, p) {
      const A = args[0].fn;
      return (m, s) => {
        if (++s.steps > s.maxSteps) stepLimit(s, p);
        return impl(A(m, s), s, p);
      };
    },
  };
}

function twoArguments(signature: string, impl: Impl2): FunctionSpec {
  return {
    minArgs: 2,
    maxArgs: 2,
    pure: true,
    signature,
    build(args, p) {
      const A = args[0].fn;
      const B = args[1].fn;
      return (m, s) => {
        if (++s.steps > s.maxSteps) stepLimit(s, p);
        return impl(A(m, s), B(m, s), s, p);
      };
    },
  };
}

/** `startsWith`/`endsWith`: both text; a missing value is false. */
function textPredicate(name: string, test: (text: string, part: string) => boolean): FunctionSpec {
  return twoArguments(`${name}(text, part)`, (x, y, s, p) => {
    if (x === null || x === undefined || y === null || y === undefined) return false;
    if (typeof x !== 'string') wrongType(name, 'text as its first argument', x, p);
    if (typeof y !== 'string') wrongType(name, 'text as its second argument', y, p);
    chargeChars(s, y.length, p);
    return test(x, y);
  });
}

/** `lower`/`upper`. */
function caseFunction(name: string, convert: (text: string) => string): FunctionSpec {
  return oneArgument(`${name}(text)`, (x, s, p) => {
    if (typeof x === 'string') {
      chargeChars(s, x.length, p);
      return convert(x);
    }
    if (x === null || x === undefined) return undefined;
    return wrongType(name, 'text', x, p);
  });
}

const keysOf = Object.keys;
const quote = JSON.stringify; // used on strings only, where it runs no user code

/** JSON text of data, reading own data properties only, with a depth limit and step charges. */
function stringify(v: unknown, depth: number, s: EvalState, p: number): string | undefined {
  switch (typeof v) {
    case 'string':
      chargeChars(s, v.length, p);
      return quote(v);
    case 'number':
      return Number.isFinite(v) ? String(v) : 'null';
    case 'boolean':
      return v ? 'true' : 'false';
    case 'undefined':
      return undefined;
    case 'object': {
      if (v === null) return 'null';
      if (depth >= EXPRESSION_LIMITS.maxStringifyDepth) {
        throw new ExpressionError(
          `string() nests deeper than ${EXPRESSION_LIMITS.maxStringifyDepth} levels`,
          p,
        );
      }
      if (isArray(v)) {
        charge(s, v.length, p);
        const parts: string[] = [];
        for (let i = 0; i < v.length; i++) parts.push(stringify(readOwn(v, i, p), depth + 1, s, p) ?? 'null');
        return `[${parts.join(',')}]`;
      }
      const keys = keysOf(v);
      charge(s, keys.length, p);
      const parts: string[] = [];
      for (const k of keys) {
        const text = stringify(readOwn(v, k, p), depth + 1, s, p);
        if (text !== undefined) parts.push(`${quote(k)}:${text}`);
      }
      return `{${parts.join(',')}}`;
    }
    default:
      throw new ExpressionError(`string() cannot convert a ${typeof v}`, p);
  }
}

function literalText(arg: ArgumentInfo, what: string): string {
  if (arg.node.type === 'Literal' && typeof arg.node.value === 'string' && typeof arg.node.raw === 'string') {
    return what === 'pattern' ? patternFromRaw(arg.node.raw) : arg.node.value;
  }
  if (arg.constant && typeof arg.value === 'string') return arg.value;
  throw new ExpressionError(`The ${what} of matches() must be a string literal`, arg.position);
}

const matches: FunctionSpec = {
  minArgs: 2,
  maxArgs: 3,
  pure: true,
  signature: 'matches(text, pattern, flags?)',
  build(args, p) {
    const pattern = literalText(args[1], 'pattern');
    const flags = args.length > 2 ? literalText(args[2], 'flags') : '';
    const re = compileSafeRegex(pattern, flags);
    if (!(re instanceof SafeRegex)) {
      const at = re.part === 'flags' ? args[2] : args[1];
      // Point inside the literal when the offset maps one to one (no backslashes before it).
      const raw = typeof at.node.raw === 'string' ? at.node.raw : '';
      const exact = at.node.type === 'Literal' && !raw.slice(0, re.offset + 1).includes('\\');
      throw new ExpressionError(
        `Invalid matches() pattern: ${re.message.charAt(0).toLowerCase()}${re.message.slice(1)}`,
        exact ? at.position + 1 + Math.min(re.offset, raw.length - 2) : at.position,
      );
    }
    const A = args[0].fn;
    return (m, s) => {
      if (++s.steps > s.maxSteps) stepLimit(s, p);
      const x = A(m, s);
      if (typeof x === 'string') return re.test(x, s, p);
      if (x === null || x === undefined) return false;
      return wrongType('matches', 'text', x, p);
    };
  },
};

const now: FunctionSpec = {
  minArgs: 0,
  maxArgs: 0,
  pure: false,
  signature: 'now()',
  build(_args, p) {
    return (_m, s) => {
      if (++s.steps > s.maxSteps) stepLimit(s, p);
      if (!s.hasNow)
        throw new ExpressionError('now() needs the virtual time: pass { now } when evaluating', p);
      return s.now;
    };
  },
};

/** The allow-listed functions by name. A `Map`, so no inherited name can ever be looked up. */
export const FUNCTIONS: ReadonlyMap<string, FunctionSpec> = new Map<string, FunctionSpec>([
  [
    'len',
    oneArgument('len(value)', (x, s, p) => {
      if (typeof x === 'string' || isArray(x)) return x.length;
      if (x === null || x === undefined) return 0;
      if (typeof x === 'object') {
        const n = keysOf(x).length;
        charge(s, n, p);
        return n;
      }
      return wrongType('len', 'text, an array or an object', x, p);
    }),
  ],
  ['lower', caseFunction('lower', (t) => t.toLowerCase())],
  ['upper', caseFunction('upper', (t) => t.toUpperCase())],
  ['startsWith', textPredicate('startsWith', (t, part) => t.startsWith(part))],
  ['endsWith', textPredicate('endsWith', (t, part) => t.endsWith(part))],
  [
    'contains',
    twoArguments('contains(textOrArray, value)', (x, y, s, p) => {
      if (typeof x === 'string') {
        if (y === null || y === undefined) return false;
        if (typeof y !== 'string') wrongType('contains', 'text to look for in text', y, p);
        chargeChars(s, x.length, p);
        return x.includes(y);
      }
      if (isArray(x)) return arrayIncludes(x, y, s, p);
      if (x === null || x === undefined) return false;
      return wrongType('contains', 'text or an array as its first argument', x, p);
    }),
  ],
  ['matches', matches],
  [
    'number',
    oneArgument('number(value)', (x, s, p) => {
      switch (typeof x) {
        case 'number':
          return x;
        case 'string': {
          chargeChars(s, x.length, p);
          const t = x.trim();
          return t === '' ? NaN : Number(t);
        }
        case 'boolean':
          return x ? 1 : 0;
        case 'undefined':
          return undefined;
        default:
          if (x === null) return undefined;
          return wrongType('number', 'text, a number or a boolean', x, p);
      }
    }),
  ],
  [
    'string',
    oneArgument('string(value)', (x, s, p) => {
      switch (typeof x) {
        case 'string':
          return x;
        case 'number':
        case 'boolean':
          return String(x);
        case 'undefined':
          return undefined;
        default:
          return stringify(x, 0, s, p);
      }
    }),
  ],
  ['now', now],
]);
