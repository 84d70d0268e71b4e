/**
 * Checking an expression without compiling it: what topology validation (in the runner and in the
 * inspector, as you type) needs to refuse an invalid expression with its position, without the engine.
 *
 * The walk makes the same checks as the compiler (src/engine/expressions/compile.ts), in the same order,
 * with the same messages and positions: node types, operators, names, functions and their arity,
 * literal property names, depth, and `matches()` patterns (parsed and compiled to their program here, so
 * the size limit is checked too). The compiler calls this checker first, so whatever is refused here is
 * refused there with the same words.
 *
 * What only the compiler can find is what needs a constant computed: a type error between constants
 * (`1 * "x"`), a forbidden key computed from constants (`payload["__pro" + "to__"]`), a `matches()`
 * pattern that is a constant expression rather than a literal. Those are refused when the run compiles
 * the expression, with the node and field.
 *
 * @example
 * checkExpression('payload.total >'); // { message: 'Expected expression after >', position: 15 }
 * checkExpression('payload.total > 100'); // null
 */
import { EXPRESSION_LIMITS } from './limits';
import { FORBIDDEN_KEYS, FUNCTION_SIGNATURES, MESSAGE_FIELDS } from './names';
import { BINARY_OPERATORS, parseAst, UNARY_OPERATORS, type AstNode, type SourcePositions } from './parser';
import { buildRegexProgram, patternFromRaw } from './regexProgram';
import type { ExpressionProblem } from './types';

const FIELD_SET: ReadonlySet<string> = new Set(MESSAGE_FIELDS);
const FIELD_LIST = MESSAGE_FIELDS.join(', ');
const FUNCTION_LIST = [...FUNCTION_SIGNATURES.keys()].join(', ');

/**
 * Whether a node's value is known before any message is seen: `const` (the compiler computes it once),
 * `dynamic` (it depends on the message or the time), or `unknown` (the compiler's choice depends on a
 * constant's value, which the checker does not compute).
 */
type Constancy = 'const' | 'dynamic' | 'unknown';

class Problem {
  constructor(readonly problem: ExpressionProblem) {}
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function combine(parts: readonly Constancy[]): Constancy {
  if (parts.includes('dynamic')) return 'dynamic';
  if (parts.includes('unknown')) return 'unknown';
  return 'const';
}

class Checker {
  constructor(private readonly positions: SourcePositions) {}

  private fail(message: string, node: AstNode, point = true): never {
    throw new Problem({
      message,
      position: point ? this.positions.pointOf(node) : this.positions.startOf(node),
    });
  }

  node(n: AstNode, depth: number): Constancy {
    if (depth > EXPRESSION_LIMITS.maxDepth) {
      this.fail(`The expression nests deeper than ${EXPRESSION_LIMITS.maxDepth} levels`, n, false);
    }
    switch (n.type) {
      case 'Literal': {
        const v = n.value;
        if (
          v === null ||
          typeof v === 'string' ||
          typeof v === 'boolean' ||
          (typeof v === 'number' && !Number.isNaN(v))
        )
          return 'const';
        return this.fail('Unsupported literal', n);
      }
      case 'Identifier': {
        const name = n.name as string;
        if (FIELD_SET.has(name)) return 'dynamic';
        if (name === 'undefined') return 'const';
        if (FUNCTION_SIGNATURES.has(name))
          return this.fail(`"${name}" is a function: call it, as in ${name}(…)`, n);
        return this.fail(`Unknown name "${name}". A message has: ${FIELD_LIST}`, n);
      }
      case 'MemberExpression':
        return this.member(n, depth);
      case 'CallExpression':
        return this.call(n, depth);
      case 'UnaryExpression': {
        const op = n.operator as string;
        if (!UNARY_OPERATORS.has(op)) this.fail(`The operator "${op}" is not supported`, n);
        return this.node(n.argument as AstNode, depth + 1);
      }
      case 'BinaryExpression': {
        const op = n.operator as string;
        if (!BINARY_OPERATORS.has(op)) this.fail(`The operator "${op}" is not supported`, n);
        const left = this.node(n.left as AstNode, depth + 1);
        const right = this.node(n.right as AstNode, depth + 1);
        return combine([left, right]);
      }
      case 'ConditionalExpression': {
        const test = this.node(n.test as AstNode, depth + 1);
        const yes = this.node(n.consequent as AstNode, depth + 1);
        const no = this.node(n.alternate as AstNode, depth + 1);
        if (test === 'dynamic') return 'dynamic';
        // a constant test picks one branch; which one, the checker does not compute
        return test === 'const' && yes === no ? yes : 'unknown';
      }
      case 'ArrayExpression': {
        const elements = n.elements as (AstNode | null)[];
        const parts = elements.map((e) =>
          e === null ? this.fail('Empty array slots are not allowed', n) : this.node(e, depth + 1),
        );
        return combine(parts);
      }
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

  private member(n: AstNode, depth: number): Constancy {
    const objectNode = n.object as AstNode;
    const obj = this.node(objectNode, depth + 1);
    let key: unknown;
    let keyKnown = false;
    let keyConstancy: Constancy = 'const';
    if (!n.computed) {
      key = (n.property as AstNode).name;
      keyKnown = true;
    } else {
      const property = n.property as AstNode;
      keyConstancy = this.node(property, depth + 1);
      if (property.type === 'Literal') {
        key = property.value;
        keyKnown = true;
        if (typeof key !== 'string' && typeof key !== 'number')
          this.fail(`An index must be text or a number, got ${typeName(key)}`, n);
      }
    }
    if (keyKnown && typeof key === 'string' && FORBIDDEN_KEYS.has(key))
      this.fail(`The property "${key}" cannot be read`, n);
    if (objectNode.type === 'Identifier' && (objectNode.name === 'payload' || objectNode.name === 'headers'))
      return 'dynamic';
    return combine([obj, keyConstancy]);
  }

  private call(n: AstNode, depth: number): Constancy {
    const callee = n.callee as AstNode;
    if (callee.type !== 'Identifier')
      return this.fail(`Only the built-in functions can be called: ${FUNCTION_LIST}`, callee);
    const name = callee.name as string;
    const spec = FUNCTION_SIGNATURES.get(name);
    if (!spec) {
      const hint = FIELD_SET.has(name)
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
    const args = argNodes.map((a) => this.node(a, depth + 1));
    if (name === 'matches') this.matches(argNodes, args);
    return spec.pure ? combine(args) : 'dynamic';
  }

  /** The text of a literal argument of `matches()`; undefined when it is a constant the compiler computes. */
  private literalText(node: AstNode, constancy: Constancy, what: 'pattern' | 'flags'): string | undefined {
    if (node.type === 'Literal' && typeof node.value === 'string' && typeof node.raw === 'string') {
      return what === 'pattern' ? patternFromRaw(node.raw) : node.value;
    }
    if (constancy !== 'dynamic') return undefined;
    return this.fail(`The ${what} of matches() must be a string literal`, node, false);
  }

  private matches(argNodes: readonly AstNode[], args: readonly Constancy[]): void {
    const pattern = this.literalText(argNodes[1], args[1], 'pattern');
    const flags = argNodes.length > 2 ? this.literalText(argNodes[2], args[2], 'flags') : '';
    if (pattern === undefined) return;
    const re = buildRegexProgram(pattern, flags ?? '');
    if (!('message' in re)) return;
    if (re.part === 'flags' && flags === undefined) return;
    const at = re.part === 'flags' ? argNodes[2] : argNodes[1];
    const start = this.positions.startOf(at);
    // point inside the literal when the offset maps one to one (no backslashes before it)
    const raw = typeof at.raw === 'string' ? at.raw : '';
    const exact = at.type === 'Literal' && !raw.slice(0, re.offset + 1).includes('\\');
    throw new Problem({
      message: `Invalid matches() pattern: ${re.message.charAt(0).toLowerCase()}${re.message.slice(1)}`,
      position: exact ? start + 1 + Math.min(re.offset, raw.length - 2) : start,
    });
  }
}

/**
 * Checks a parsed expression. Returns the first problem (with its 0-based position), or null.
 *
 * @example
 * const parsed = parseAst(text);
 * const problem = 'problem' in parsed ? parsed.problem : checkAst(parsed.ast, parsed.positions);
 */
export function checkAst(ast: AstNode, positions: SourcePositions): ExpressionProblem | null {
  try {
    new Checker(positions).node(ast, 1);
    return null;
  } catch (e) {
    if (e instanceof Problem) return e.problem;
    if (e instanceof RangeError) return { message: 'The expression nests too deeply', position: 0 };
    throw e;
  }
}

/**
 * Parses and checks expression text. Never throws for any input; never runs it.
 *
 * @returns null when the expression is valid as far as can be known without computing constants,
 *   otherwise the first problem and its 0-based position in the text.
 * @example
 * checkExpression('payload.__proto__'); // { message: 'The property "__proto__" cannot be read', position: 8 }
 */
export function checkExpression(text: string): ExpressionProblem | null {
  const parsed = parseAst(text);
  if ('problem' in parsed) return parsed.problem;
  return checkAst(parsed.ast, parsed.positions);
}
