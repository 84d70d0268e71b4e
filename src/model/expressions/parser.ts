/**
 * Parsing: expression text → jsep syntax tree, plus the source position of every node.
 *
 * jsep keeps its operator tables in global (static) state. They are configured here, once, at module load,
 * and re-checked (cheaply) before every parse so that another module that touches jsep cannot silently
 * change our grammar. Operators jsep knows but we do not allow (`|`, `&`, `^`, `<<`, `**`, `??`, …) are
 * not removed from jsep's global table — that could break other users — but refused by our parser
 * subclass the moment it reads them, with their position.
 *
 * jsep nodes carry no positions, so the parser is a subclass of jsep's `Jsep` class that records where
 * each token starts and where each binary operator is.
 */
import jsep from 'jsep';
import { EXPRESSION_LIMITS } from './limits';
import type { ExpressionProblem } from './types';

/** A jsep syntax-tree node. */
export type AstNode = jsep.Expression;

/** The binary operators of the language, with jsep precedences (higher binds tighter). */
const BINARY_PRECEDENCE: Readonly<Record<string, number>> = {
  '||': 1,
  '&&': 2,
  '==': 6,
  '!=': 6,
  '===': 6,
  '!==': 6,
  '<': 7,
  '>': 7,
  '<=': 7,
  '>=': 7,
  in: 7,
  '+': 9,
  '-': 9,
  '*': 10,
  '/': 10,
  '%': 10,
};

/** The binary operators the language allows. */
export const BINARY_OPERATORS: ReadonlySet<string> = new Set(Object.keys(BINARY_PRECEDENCE));

/** The unary (prefix) operators the language allows. */
export const UNARY_OPERATORS: ReadonlySet<string> = new Set(['!', '-', '+']);

const LITERALS: Readonly<Record<string, boolean | null>> = { true: true, false: false, null: null };

// ---- jsep's class, typed as much as we use it (its typings describe only the `jsep()` function) ----

interface JsepParser {
  index: number;
  readonly expr: string;
  readonly code: number;
  parse(): AstNode;
  gobbleSpaces(): void;
  gobbleToken(): AstNode | false;
  gobbleIdentifier(): AstNode;
  gobbleBinaryOp(): string | false;
  gobbleBinaryExpression(): AstNode | false;
  throwError(message: string): never;
}

interface JsepClass {
  new (expr: string): JsepParser;
  binary_ops: Record<string, number>;
  unary_ops: Record<string, unknown>;
  literals: Record<string, unknown>;
  right_associative: Set<string>;
  addBinaryOp(op: string, precedence: number, rightToLeft?: boolean): void;
  addUnaryOp(op: string): void;
  addLiteral(name: string, value: unknown): void;
}

const Jsep = (jsep as unknown as { Jsep: JsepClass }).Jsep;

/**
 * Makes jsep's global tables hold what our grammar needs (idempotent; a few property reads when nothing
 * changed). Called once at module load and before each parse.
 */
function ensureJsepConfigured(): void {
  for (const op in BINARY_PRECEDENCE) {
    const prec = BINARY_PRECEDENCE[op];
    if (Jsep.binary_ops[op] !== prec || Jsep.right_associative.has(op)) Jsep.addBinaryOp(op, prec);
  }
  for (const op of UNARY_OPERATORS) if (!Jsep.unary_ops[op]) Jsep.addUnaryOp(op);
  for (const name in LITERALS)
    if (Jsep.literals[name] !== LITERALS[name]) Jsep.addLiteral(name, LITERALS[name]);
}

ensureJsepConfigured();

// ---- positions ----

/**
 * Where the nodes of one parsed expression are in its text.
 */
export interface SourcePositions {
  /** 0-based index of the first character of a node. */
  startOf(node: AstNode): number;
  /**
   * 0-based index of the character an error about the node should point at: the operator of a binary or
   * unary expression, the property of a member access, the start of anything else.
   */
  pointOf(node: AstNode): number;
}

class Positions implements SourcePositions {
  /** Start of tokens (identifiers, literals, groups, arrays, unary expressions, member chains). */
  readonly starts = new Map<AstNode, number>();
  /** Position of the operator of binary expressions. */
  readonly operators = new Map<AstNode, number>();

  startOf(node: AstNode): number {
    const s = this.starts.get(node);
    if (s !== undefined) return s;
    switch (node.type) {
      case 'BinaryExpression':
        return this.startOf(node.left as AstNode);
      case 'MemberExpression':
        return this.startOf(node.object as AstNode);
      case 'CallExpression':
        return this.startOf(node.callee as AstNode);
      case 'ConditionalExpression':
        return this.startOf(node.test as AstNode);
      case 'Compound': {
        const body = node.body as AstNode[];
        return body.length > 0 ? this.startOf(body[0]) : 0;
      }
      case 'SequenceExpression': {
        const list = node.expressions as AstNode[];
        return list.length > 0 ? this.startOf(list[0]) : 0;
      }
      default:
        return 0;
    }
  }

  pointOf(node: AstNode): number {
    switch (node.type) {
      case 'BinaryExpression':
        return this.operators.get(node) ?? this.startOf(node);
      case 'MemberExpression':
        return this.startOf(node.property as AstNode);
      default:
        return this.startOf(node);
    }
  }
}

/**
 * jsep's parser, recording positions and refusing operators outside the language as soon as it reads them.
 * Parsing is synchronous, so each instance is used for exactly one parse.
 */
class PositionedParser extends Jsep {
  readonly positions = new Positions();
  /** Positions of the binary operators read by the innermost binary expression being parsed. */
  private readonly operatorLog: number[] = [];

  private mark(node: AstNode, start: number): void {
    if (!this.positions.starts.has(node)) this.positions.starts.set(node, start);
  }

  override gobbleToken(): AstNode | false {
    this.gobbleSpaces();
    const start = this.index;
    const node = super.gobbleToken();
    if (node) this.mark(node, start);
    return node;
  }

  override gobbleIdentifier(): AstNode {
    const start = this.index;
    const node = super.gobbleIdentifier();
    this.mark(node, start);
    return node;
  }

  override gobbleBinaryOp(): string | false {
    this.gobbleSpaces();
    const start = this.index;
    const op = super.gobbleBinaryOp();
    if (op === false) return op;
    if (!BINARY_OPERATORS.has(op)) {
      this.index = start;
      this.throwError(`The operator "${op}" is not supported`);
    }
    this.operatorLog.push(start);
    return op;
  }

  override gobbleBinaryExpression(): AstNode | false {
    const before = this.operatorLog.length;
    const node = super.gobbleBinaryExpression();
    // Operators of nested expressions (in groups, calls, arrays) were removed by their own call, so the
    // log now holds this expression's operators in source order; an in-order walk of the binary nodes it
    // built meets them in the same order.
    const ops = this.operatorLog.splice(before);
    if (node && ops.length > 0) {
      let i = 0;
      const walk = (n: AstNode): void => {
        if (n.type !== 'BinaryExpression' || this.positions.starts.has(n) || this.positions.operators.has(n))
          return;
        walk(n.left as AstNode);
        if (i < ops.length) this.positions.operators.set(n, ops[i++]);
        walk(n.right as AstNode);
      };
      walk(node);
    }
    return node;
  }
}

// ---- pre-scan ----

/**
 * Refuses text that is too long or nests too deeply, before jsep (which is recursive) sees it. Nesting is
 * counted conservatively on the raw text: open brackets, `?` of ternaries, and runs of prefix operators.
 */
function prescan(text: string): ExpressionProblem | null {
  const { maxLength, maxDepth } = EXPRESSION_LIMITS;
  if (text.length > maxLength) {
    return { message: `The expression is longer than ${maxLength} characters`, position: maxLength };
  }
  const tooDeep = (position: number): ExpressionProblem => ({
    message: `The expression nests deeper than ${maxDepth} levels`,
    position,
  });
  let brackets = 0;
  let ternaries = 0; // open ternaries in this and the enclosing bracket levels
  let levelTernaries = 0; // open ternaries at this bracket level
  const saved: number[] = [];
  let prefixRun = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    switch (ch) {
      case 0x22: // "
      case 0x27: {
        // '
        i++;
        while (i < text.length && text.charCodeAt(i) !== ch) {
          if (text.charCodeAt(i) === 0x5c) i++; // backslash escapes the next character
          i++;
        }
        prefixRun = 0;
        break;
      }
      case 0x28: // (
      case 0x5b: // [
        brackets++;
        saved.push(levelTernaries);
        levelTernaries = 0;
        prefixRun = 0;
        if (brackets + ternaries > maxDepth) return tooDeep(i);
        break;
      case 0x29: // )
      case 0x5d: // ]
        if (brackets > 0) {
          brackets--;
          ternaries -= levelTernaries;
          levelTernaries = saved.pop() ?? 0;
        }
        prefixRun = 0;
        break;
      case 0x2c: // , separates arguments and elements: their ternaries do not nest
        ternaries -= levelTernaries;
        levelTernaries = 0;
        prefixRun = 0;
        break;
      case 0x3f: // ?
        if (text.charCodeAt(i + 1) !== 0x2e) {
          levelTernaries++;
          ternaries++;
          if (brackets + ternaries > maxDepth) return tooDeep(i);
        }
        prefixRun = 0;
        break;
      case 0x21: // ! (but not != and !==)
        prefixRun = text.charCodeAt(i + 1) === 0x3d ? 0 : prefixRun + 1;
        if (brackets + ternaries + prefixRun > maxDepth) return tooDeep(i);
        break;
      case 0x2d: // -
      case 0x2b: // +
      case 0x7e: // ~
        prefixRun++;
        if (brackets + ternaries + prefixRun > maxDepth) return tooDeep(i);
        break;
      case 0x20:
      case 0x09:
      case 0x0a:
      case 0x0d:
        break;
      default:
        prefixRun = 0;
    }
  }
  return null;
}

// ---- entry point ----

/** A parsed expression: its syntax tree and where its nodes are. */
export interface ParsedAst {
  readonly ast: AstNode;
  readonly positions: SourcePositions;
}

/**
 * Parses expression text with jsep, after the length and nesting pre-scan.
 *
 * @example
 * const r = parseAst('payload.total > 100');
 * if ('problem' in r) console.log(r.problem.position);
 */
export function parseAst(text: string): ParsedAst | { problem: ExpressionProblem } {
  if (typeof text !== 'string') return { problem: { message: 'The expression is not text', position: 0 } };
  const problem = prescan(text);
  if (problem) return { problem };
  ensureJsepConfigured();
  const parser = new PositionedParser(text);
  try {
    const ast = parser.parse();
    return { ast, positions: parser.positions };
  } catch (e) {
    if (e instanceof RangeError) {
      // Stack overflow: the pre-scan should make this unreachable, but never let it escape.
      return { problem: { message: 'The expression nests too deeply', position: 0 } };
    }
    const err = e as { description?: unknown; index?: unknown; message?: unknown };
    const message = typeof err.description === 'string' ? err.description : String(err.message ?? e);
    const position = typeof err.index === 'number' ? Math.min(Math.max(err.index, 0), text.length) : 0;
    return { problem: { message, position } };
  }
}
