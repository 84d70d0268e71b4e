/**
 * The operators of the expression language: what `! - +` (prefix) and `&& || == != < <= > >= in + - * / %`
 * mean, as evaluator closures the compiler (compile.ts) plugs its operands into.
 *
 * Semantics: `==`/`!=` (and `===`/`!==`) are strict equality; `< <= > >=` compare numbers with numbers
 * and text with text, and are false for anything else; `+` adds numbers or joins text with text or a
 * number; `- * / %` and prefix `-`/`+` need numbers. A type error throws an `ExpressionError` at the
 * operator's position. Every closure costs one step.
 *
 * The closures for `x op constant` (the shape of most filters) are specialised so that they compare
 * without calling a helper and without allocating.
 */
import { ExpressionError } from './ExpressionError';
import { inOperator, stepLimit, typeName, type Evaluator } from './runtime';

/** Larger constant arrays on the right of `in` are looked up through a `Set`. */
const SMALL_ARRAY = 16;

function arithmeticError(op: string, a: unknown, b: unknown, position: number): never {
  throw new ExpressionError(
    `The operator "${op}" needs numbers, got ${typeName(a)} and ${typeName(b)}`,
    position,
  );
}

/** `+` for anything but two numbers: text joined with text or a number; anything else is an error. */
function plusSlow(a: unknown, b: unknown, position: number): string {
  const ta = typeof a;
  const tb = typeof b;
  if ((ta === 'string' && (tb === 'string' || tb === 'number')) || (ta === 'number' && tb === 'string')) {
    return String(a) + String(b);
  }
  throw new ExpressionError(
    `The operator "+" needs two numbers, or text and text or a number, got ${typeName(a)} and ${typeName(b)}`,
    position,
  );
}

/** `< <= > >=` of two values: only numbers with numbers and text with text compare; else false. */
function comparable(a: unknown, b: unknown): boolean {
  const ta = typeof a;
  return (ta === 'number' || ta === 'string') && ta === typeof b;
}

/**
 * The operator to use when the operands of `op` are swapped, to move a constant to the right where the
 * specialised closures want it (`1 < x` is `x > 1`, `1 == x` is `x == 1`); undefined when `op` is not a
 * comparison.
 */
export function swappedOperator(op: string): string | undefined {
  switch (op) {
    case '<':
      return '>';
    case '>':
      return '<';
    case '<=':
      return '>=';
    case '>=':
      return '<=';
    case '==':
    case '!=':
    case '===':
    case '!==':
      return op;
    default:
      return undefined;
  }
}

/**
 * The evaluator of a prefix operator (`!`, `-` or `+`; the caller has checked it is one of them) applied
 * to `A`. `p` is the position reported on errors.
 */
export function unaryEvaluator(op: string, A: Evaluator, p: number): Evaluator {
  switch (op) {
    case '!':
      return (m, s) => {
        if (++s.steps > s.maxSteps) stepLimit(s, p);
        return !A(m, s);
      };
    case '-':
      return (m, s) => {
        if (++s.steps > s.maxSteps) stepLimit(s, p);
        const a = A(m, s);
        if (typeof a !== 'number')
          throw new ExpressionError(`The operator "-" needs a number, got ${typeName(a)}`, p);
        return -a;
      };
    default:
      return (m, s) => {
        if (++s.steps > s.maxSteps) stepLimit(s, p);
        const a = A(m, s);
        if (typeof a !== 'number')
          throw new ExpressionError(`The operator "+" needs a number, got ${typeName(a)}`, p);
        return a;
      };
  }
}

/**
 * A specialised evaluator for `L op c` where `c` is a constant: equality, `in` a constant array, and
 * `< <= > >=` against a constant number or text. Undefined when there is no special closure for the
 * operator and constant (then use {@link binaryEvaluator}).
 */
export function binaryWithConstant(op: string, L: Evaluator, c: unknown, p: number): Evaluator | undefined {
  switch (op) {
    case '==':
    case '===':
      return (m, s) => {
        if (++s.steps > s.maxSteps) stepLimit(s, p);
        return L(m, s) === c;
      };
    case '!=':
    case '!==':
      return (m, s) => {
        if (++s.steps > s.maxSteps) stepLimit(s, p);
        return L(m, s) !== c;
      };
    case 'in': {
      if (!Array.isArray(c)) return undefined;
      const list: readonly unknown[] = c;
      if (list.length <= SMALL_ARRAY) {
        return (m, s) => {
          if (++s.steps > s.maxSteps) stepLimit(s, p);
          const k = L(m, s);
          for (let i = 0; i < list.length; i++) if (list[i] === k) return true;
          return false;
        };
      }
      const set = new Set(list);
      return (m, s) => {
        if (++s.steps > s.maxSteps) stepLimit(s, p);
        const k = L(m, s);
        return k === k && set.has(k); // k === k: NaN is in no array under ===
      };
    }
  }
  if (typeof c === 'number') {
    switch (op) {
      case '<':
        return (m, s) => {
          if (++s.steps > s.maxSteps) stepLimit(s, p);
          const a = L(m, s);
          return typeof a === 'number' && a < c;
        };
      case '<=':
        return (m, s) => {
          if (++s.steps > s.maxSteps) stepLimit(s, p);
          const a = L(m, s);
          return typeof a === 'number' && a <= c;
        };
      case '>':
        return (m, s) => {
          if (++s.steps > s.maxSteps) stepLimit(s, p);
          const a = L(m, s);
          return typeof a === 'number' && a > c;
        };
      case '>=':
        return (m, s) => {
          if (++s.steps > s.maxSteps) stepLimit(s, p);
          const a = L(m, s);
          return typeof a === 'number' && a >= c;
        };
    }
  }
  if (typeof c === 'string') {
    switch (op) {
      case '<':
        return (m, s) => {
          if (++s.steps > s.maxSteps) stepLimit(s, p);
          const a = L(m, s);
          return typeof a === 'string' && a < c;
        };
      case '<=':
        return (m, s) => {
          if (++s.steps > s.maxSteps) stepLimit(s, p);
          const a = L(m, s);
          return typeof a === 'string' && a <= c;
        };
      case '>':
        return (m, s) => {
          if (++s.steps > s.maxSteps) stepLimit(s, p);
          const a = L(m, s);
          return typeof a === 'string' && a > c;
        };
      case '>=':
        return (m, s) => {
          if (++s.steps > s.maxSteps) stepLimit(s, p);
          const a = L(m, s);
          return typeof a === 'string' && a >= c;
        };
    }
  }
  return undefined;
}

/**
 * The evaluator of `L op R` for any binary operator of the language. `&&` and `||` short-circuit and
 * give one of their operands, as in JavaScript.
 *
 * @throws ExpressionError when `op` is not an operator of the language.
 */
export function binaryEvaluator(op: string, L: Evaluator, R: Evaluator, p: number): Evaluator {
  switch (op) {
    case '&&':
      return (m, s) => {
        if (++s.steps > s.maxSteps) stepLimit(s, p);
        const a = L(m, s);
        return a ? R(m, s) : a;
      };
    case '||':
      return (m, s) => {
        if (++s.steps > s.maxSteps) stepLimit(s, p);
        const a = L(m, s);
        return a ? a : R(m, s);
      };
    case '==':
    case '===':
      return (m, s) => {
        if (++s.steps > s.maxSteps) stepLimit(s, p);
        return L(m, s) === R(m, s);
      };
    case '!=':
    case '!==':
      return (m, s) => {
        if (++s.steps > s.maxSteps) stepLimit(s, p);
        return L(m, s) !== R(m, s);
      };
    case '<':
      return (m, s) => {
        if (++s.steps > s.maxSteps) stepLimit(s, p);
        const a = L(m, s);
        const b = R(m, s);
        return comparable(a, b) && (a as number) < (b as number);
      };
    case '<=':
      return (m, s) => {
        if (++s.steps > s.maxSteps) stepLimit(s, p);
        const a = L(m, s);
        const b = R(m, s);
        return comparable(a, b) && (a as number) <= (b as number);
      };
    case '>':
      return (m, s) => {
        if (++s.steps > s.maxSteps) stepLimit(s, p);
        const a = L(m, s);
        const b = R(m, s);
        return comparable(a, b) && (a as number) > (b as number);
      };
    case '>=':
      return (m, s) => {
        if (++s.steps > s.maxSteps) stepLimit(s, p);
        const a = L(m, s);
        const b = R(m, s);
        return comparable(a, b) && (a as number) >= (b as number);
      };
    case 'in':
      return (m, s) => {
        if (++s.steps > s.maxSteps) stepLimit(s, p);
        return inOperator(L(m, s), R(m, s), s, p);
      };
    case '+':
      return (m, s) => {
        if (++s.steps > s.maxSteps) stepLimit(s, p);
        const a = L(m, s);
        const b = R(m, s);
        return typeof a === 'number' && typeof b === 'number' ? a + b : plusSlow(a, b, p);
      };
    case '-':
      return (m, s) => {
        if (++s.steps > s.maxSteps) stepLimit(s, p);
        const a = L(m, s);
        const b = R(m, s);
        if (typeof a !== 'number' || typeof b !== 'number') arithmeticError('-', a, b, p);
        return a - b;
      };
    case '*':
      return (m, s) => {
        if (++s.steps > s.maxSteps) stepLimit(s, p);
        const a = L(m, s);
        const b = R(m, s);
        if (typeof a !== 'number' || typeof b !== 'number') arithmeticError('*', a, b, p);
        return a * b;
      };
    case '/':
      return (m, s) => {
        if (++s.steps > s.maxSteps) stepLimit(s, p);
        const a = L(m, s);
        const b = R(m, s);
        if (typeof a !== 'number' || typeof b !== 'number') arithmeticError('/', a, b, p);
        return a / b;
      };
    case '%':
      return (m, s) => {
        if (++s.steps > s.maxSteps) stepLimit(s, p);
        const a = L(m, s);
        const b = R(m, s);
        if (typeof a !== 'number' || typeof b !== 'number') arithmeticError('%', a, b, p);
        return a % b;
      };
    default:
      throw new ExpressionError(`The operator "${op}" is not supported`, p);
  }
}
