/**
 * Checking and compiling: jsep syntax tree → a tree of closures.
 *
 * One pass does both. Every node is checked against the language (allowed node types, operators, names,
 * functions and their arity, literal property names, depth) and turned into a closure that computes its
 * value from the message and the evaluation state. Closures are specialised for the common shapes
 * (`payload.x`, `headers.x`, comparisons with a constant) so that a typical filter runs without
 * allocating. Sub-expressions whose inputs are all constants are computed once, here; a failure there is
 * reported as a check-time error. What the operators compute, and their specialised closures, is in
 * operators.ts; what the functions compute is in functions.ts.
 *
 * Nothing here ever turns text into code: no `eval`, no `new Function`. Works under a CSP without
 * `unsafe-eval`.
 */
import { ExpressionError } from './ExpressionError';
import { FUNCTIONS, type ArgumentInfo } from './functions';
import { EXPRESSION_LIMITS } from './limits';
import { binaryEvaluator, binaryWithConstant, swappedOperator, unaryEvaluator } from './operators';
import { BINARY_OPERATORS, UNARY_OPERATORS, type AstNode, type SourcePositions } from './parser';
import {
  FORBIDDEN_KEYS,
  charge,
  forbiddenKey,
  readOwn,
  stepLimit,
  typeName,
  type EvalState,
  type Evaluator,
} from './runtime';
import type { MessageLike } from './types';

/** A compiled node: its evaluator, and its value when it is a compile-time constant. */
export interface CompiledNode {
  readonly fn: Evaluator;
  readonly constant: boolean;
  readonly value: unknown;
}

/** The message fields an expression can name, and how each is read. A `Map`: no inherited names. */
const FIELDS: ReadonlyMap<string, Evaluator> = new Map<string, Evaluator>([
  ['id', (m) => m.id],
  ['correlationId', (m) => m.correlationId],
  ['kind', (m) => m.kind],
  ['type', (m) => m.type],
  ['headers', (m) => m.headers],
  ['payload', (m) => m.payload],
]);

const FIELD_LIST = [...FIELDS.keys()].join(', ');
const FUNCTION_LIST = [...FUNCTIONS.keys()].join(', ');

/** What constant folding evaluates against: it never reads it (constants do not depend on the message). */
const NO_MESSAGE: MessageLike = Object.freeze({
  id: '',
  correlationId: '',
  kind: '',
  type: '',
  headers: Object.freeze({}),
  payload: undefined,
});

function constant(value: unknown): CompiledNode {
  return { fn: () => value, constant: true, value };
}

function dynamic(fn: Evaluator): CompiledNode {
  return { fn, constant: false, value: undefined };
}

/**
 * Checks and compiles one syntax tree.
 *
 * @throws ExpressionError (with the position of the offending token) when the tree is not a valid
 *   expression of the language.
 */
export function compileAst(ast: AstNode, positions: SourcePositions): CompiledNode {
  return new Compiler(positions).node(ast, 1);
}

class Compiler {
  /** Scratch state for constant folding. */
  private readonly foldState: EvalState = {
    steps: 0,
    maxSteps: EXPRESSION_LIMITS.maxSteps,
    now: 0,
    hasNow: false,
  };

  constructor(private readonly positions: SourcePositions) {}

  private fail(message: string, node: AstNode, point = true): never {
    throw new ExpressionError(message, point ? this.positions.pointOf(node) : this.positions.startOf(node));
  }

  /** Computes a node whose inputs are all constants once, now. */
  private fold(fn: Evaluator, children: readonly CompiledNode[]): CompiledNode {
    if (!children.every((c) => c.constant)) return dynamic(fn);
    this.foldState.steps = 0;
    let value = fn(NO_MESSAGE, this.foldState);
    if (Array.isArray(value)) value = Object.freeze(value);
    return constant(value);
  }

  node(n: AstNode, depth: number): CompiledNode {
    if (depth > EXPRESSION_LIMITS.maxDepth) {
      this.fail(`The expression nests deeper than ${EXPRESSION_LIMITS.maxDepth} levels`, n, false);
    }
    switch (n.type) {
      case 'Literal':
        return this.literal(n);
      case 'Identifier':
        return this.identifier(n);
      case 'MemberExpression':
        return this.member(n, depth);
      case 'CallExpression':
        return this.call(n, depth);
      case 'UnaryExpression':
        return this.unary(n, depth);
      case 'BinaryExpression':
        return this.binary(n, depth);
      case 'ConditionalExpression':
        return this.conditional(n, depth);
      case 'ArrayExpression':
        return this.array(n, depth);
      case 'Compound': {
        const body = n.body as AstNode[];
        if (body.length === 0) this.fail('The expression is empty', n);
        return this.fail('Unexpected text: an expression is a single expression', body[1], false);
      }
      case 'SequenceExpression': {
        const list = n.expressions as AstNode[];
        return this.fail(
          'Unexpected ",": commas only separate function arguments and array elements',
          list[1] ?? n,
          false,
        );
      }
      case 'ThisExpression':
        return this.fail('"this" is not available; use the message fields: ' + FIELD_LIST, n);
      default:
        return this.fail(`Unsupported syntax (${n.type})`, n);
    }
  }

  private literal(n: AstNode): CompiledNode {
    const v = n.value;
    if (
      v === null ||
      typeof v === 'string' ||
      typeof v === 'boolean' ||
      (typeof v === 'number' && !Number.isNaN(v))
    ) {
      return constant(v);
    }
    return this.fail('Unsupported literal', n);
  }

  private identifier(n: AstNode): CompiledNode {
    const name = n.name as string;
    const read = FIELDS.get(name);
    if (read) return dynamic(read);
    if (name === 'undefined') return constant(undefined);
    if (FUNCTIONS.has(name)) return this.fail(`"${name}" is a function: call it, as in ${name}(…)`, n);
    return this.fail(`Unknown name "${name}". A message has: ${FIELD_LIST}`, n);
  }

  private member(n: AstNode, depth: number): CompiledNode {
    const objectNode = n.object as AstNode;
    const obj = this.node(objectNode, depth + 1);
    const p = this.positions.pointOf(n);
    const O = obj.fn;
    let key: string | number | undefined;
    let keyNode: CompiledNode | undefined;
    if (!n.computed) {
      key = (n.property as AstNode).name as string;
    } else {
      keyNode = this.node(n.property as AstNode, depth + 1);
      if (keyNode.constant) {
        const v = keyNode.value;
        if (typeof v !== 'string' && typeof v !== 'number') {
          this.fail(`An index must be text or a number, got ${typeName(v)}`, n);
        }
        key = v;
      }
    }
    if (typeof key === 'string' && FORBIDDEN_KEYS.has(key))
      this.fail(`The property "${key}" cannot be read`, n);

    if (key !== undefined) {
      const k = key;
      if (objectNode.type === 'Identifier' && objectNode.name === 'payload') {
        return dynamic((m, s) => {
          if (++s.steps > s.maxSteps) stepLimit(s, p);
          return readOwn(m.payload, k, p);
        });
      }
      if (objectNode.type === 'Identifier' && objectNode.name === 'headers') {
        return dynamic((m, s) => {
          if (++s.steps > s.maxSteps) stepLimit(s, p);
          return readOwn(m.headers, k, p);
        });
      }
      return this.fold(
        (m, s) => {
          if (++s.steps > s.maxSteps) stepLimit(s, p);
          return readOwn(O(m, s), k, p);
        },
        [obj],
      );
    }
    const K = (keyNode as CompiledNode).fn;
    return dynamic((m, s) => {
      if (++s.steps > s.maxSteps) stepLimit(s, p);
      const o = O(m, s);
      const k = K(m, s);
      if (typeof k === 'string') {
        if (FORBIDDEN_KEYS.has(k)) forbiddenKey(k, p);
        return readOwn(o, k, p);
      }
      if (typeof k === 'number') return readOwn(o, k, p);
      return undefined;
    });
  }

  private call(n: AstNode, depth: number): CompiledNode {
    const callee = n.callee as AstNode;
    if (callee.type !== 'Identifier') {
      return this.fail(`Only the built-in functions can be called: ${FUNCTION_LIST}`, callee);
    }
    const name = callee.name as string;
    const spec = FUNCTIONS.get(name);
    if (!spec) {
      const hint = FIELDS.has(name)
        ? `"${name}" is a message field, not a function`
        : `Unknown function "${name}"`;
      return this.fail(`${hint}. The functions are: ${FUNCTION_LIST}`, callee);
    }
    const argNodes = n.arguments as AstNode[];
    if (argNodes.length < spec.minArgs || argNodes.length > spec.maxArgs) {
      const count = spec.minArgs === spec.maxArgs ? `${spec.minArgs}` : `${spec.minArgs} to ${spec.maxArgs}`;
      this.fail(
        `${name}() takes ${count} argument${spec.maxArgs === 1 ? '' : 's'}: ${spec.signature}`,
        callee,
      );
    }
    const args: ArgumentInfo[] = argNodes.map((a) => {
      const c = this.node(a, depth + 1);
      return { ...c, node: a, position: this.positions.startOf(a) };
    });
    const fn = spec.build(args, this.positions.startOf(callee));
    return spec.pure ? this.fold(fn, args) : dynamic(fn);
  }

  private unary(n: AstNode, depth: number): CompiledNode {
    const op = n.operator as string;
    if (!UNARY_OPERATORS.has(op)) this.fail(`The operator "${op}" is not supported`, n);
    const arg = this.node(n.argument as AstNode, depth + 1);
    const A = arg.fn;
    const p = this.positions.pointOf(n);
    return this.fold(unaryEvaluator(op, A, p), [arg]);
  }

  private conditional(n: AstNode, depth: number): CompiledNode {
    const test = this.node(n.test as AstNode, depth + 1);
    const yes = this.node(n.consequent as AstNode, depth + 1);
    const no = this.node(n.alternate as AstNode, depth + 1);
    if (test.constant) return test.value ? yes : no;
    const [T, Y, N] = [test.fn, yes.fn, no.fn];
    const p = this.positions.startOf(n);
    return dynamic((m, s) => {
      if (++s.steps > s.maxSteps) stepLimit(s, p);
      return T(m, s) ? Y(m, s) : N(m, s);
    });
  }

  private array(n: AstNode, depth: number): CompiledNode {
    const elementNodes = n.elements as (AstNode | null)[];
    const elements = elementNodes.map((e) => {
      if (e === null) return this.fail('Empty array slots are not allowed', n);
      return this.node(e, depth + 1);
    });
    if (elements.every((e) => e.constant)) return constant(Object.freeze(elements.map((e) => e.value)));
    const fns = elements.map((e) => e.fn);
    const count = fns.length;
    const p = this.positions.startOf(n);
    return dynamic((m, s) => {
      charge(s, count + 1, p);
      const out: unknown[] = new Array<unknown>(count);
      for (let i = 0; i < count; i++) out[i] = fns[i](m, s);
      return out;
    });
  }

  private binary(n: AstNode, depth: number): CompiledNode {
    let op = n.operator as string;
    if (!BINARY_OPERATORS.has(op)) this.fail(`The operator "${op}" is not supported`, n);
    let left = this.node(n.left as AstNode, depth + 1);
    let right = this.node(n.right as AstNode, depth + 1);
    const p = this.positions.pointOf(n);

    // Comparisons with a constant on the left: move it to the right, where the specialised closures want it.
    if (left.constant && !right.constant) {
      const swapped = swappedOperator(op);
      if (swapped !== undefined) {
        [left, right] = [right, left];
        op = swapped;
      }
    }
    const L = left.fn;
    const R = right.fn;
    const fn = right.constant && !left.constant ? binaryWithConstant(op, L, right.value, p) : undefined;
    if (fn) return dynamic(fn);
    return this.fold(binaryEvaluator(op, L, R, p), [left, right]);
  }
}
