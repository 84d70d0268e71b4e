/**
 * `matches()` patterns compiled into programs for a Pike VM (Thompson NFA simulation), whose size is
 * limited (`maxPatternProgram`). Building the program is part of checking a pattern, so it lives in the
 * model with the parser; the VM that runs programs is src/engine/expressions/safeRegex.ts.
 *
 * @example
 * const p = buildRegexProgram('^ord(er)?-\\d+$', 'i');
 * if ('message' in p) report(p.message, p.offset);
 */
import { EXPRESSION_LIMITS } from './limits';
import { RegexParser, RegexSyntaxError, type RNode } from './regexSyntax';

/** Instruction codes of a pattern program. */
export const OP_CHAR = 0;
/** Any code unit (flag s). */
export const OP_ANY = 1;
/** Any code unit but a line terminator. */
export const OP_ANY_BUT_NEWLINE = 2;
/** A character class (`a` indexes `classes`). */
export const OP_CLASS = 3;
/** Fork to `a` and `b`. */
export const OP_SPLIT = 4;
/** Jump to `a`. */
export const OP_JMP = 5;
/** An assertion (`a` is an `A_…` kind). */
export const OP_ASSERT = 6;
/** The pattern matched. */
export const OP_MATCH = 7;

/** Whether a code unit ends a line. */
export function isLineTerminator(c: number): boolean {
  return c === 10 || c === 13 || c === 0x2028 || c === 0x2029;
}

/** Whether a code unit is a word character (`\w`). */
export function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/** Lower case of a code unit (itself when it has no one-unit lower case). */
export function toLower(c: number): number {
  if (c < 128) return c >= 65 && c <= 90 ? c + 32 : c;
  const s = String.fromCharCode(c).toLowerCase();
  return s.length === 1 ? s.charCodeAt(0) : c;
}

/** Upper case of a code unit (itself when it has no one-unit upper case). */
export function toUpper(c: number): number {
  if (c < 128) return c >= 97 && c <= 122 ? c - 32 : c;
  const s = String.fromCharCode(c).toUpperCase();
  return s.length === 1 ? s.charCodeAt(0) : c;
}

/** Whether a code unit is in normalized [lo, hi, …] ranges. */
export function inRanges(ranges: readonly number[], c: number): boolean {
  for (let i = 0; i < ranges.length; i += 2) {
    if (c < ranges[i]) return false;
    if (c <= ranges[i + 1]) return true;
  }
  return false;
}

/** Compiles a pattern tree into a program: parallel arrays of instructions and operands. */
export class ProgramBuilder {
  readonly op: number[] = [];
  readonly a: number[] = [];
  readonly b: number[] = [];
  readonly classes: { ranges: number[]; neg: boolean }[] = [];

  constructor(
    private readonly icase: boolean,
    private readonly dotAll: boolean,
  ) {}

  emit(op: number, a = 0, b = 0): number {
    if (this.op.length >= EXPRESSION_LIMITS.maxPatternProgram) {
      throw new RegexSyntaxError('The pattern is too large once its repetitions are expanded', 0);
    }
    this.op.push(op);
    this.a.push(a);
    this.b.push(b);
    return this.op.length - 1;
  }

  compile(n: RNode): void {
    switch (n.t) {
      case 'char':
        this.emit(OP_CHAR, this.icase ? toLower(n.c) : n.c);
        break;
      case 'any':
        this.emit(this.dotAll ? OP_ANY : OP_ANY_BUT_NEWLINE);
        break;
      case 'class':
        this.classes.push({ ranges: n.ranges, neg: n.neg });
        this.emit(OP_CLASS, this.classes.length - 1);
        break;
      case 'assert':
        this.emit(OP_ASSERT, n.a);
        break;
      case 'seq':
        for (const item of n.items) this.compile(item);
        break;
      case 'alt': {
        const jumps: number[] = [];
        n.alts.forEach((alt, k) => {
          if (k < n.alts.length - 1) {
            const split = this.emit(OP_SPLIT);
            this.a[split] = split + 1;
            this.compile(alt);
            jumps.push(this.emit(OP_JMP));
            this.b[split] = this.op.length;
          } else this.compile(alt);
        });
        for (const j of jumps) this.a[j] = this.op.length;
        break;
      }
      case 'rep': {
        for (let k = 0; k < n.min; k++) this.compile(n.body);
        if (n.max === Infinity) {
          const split = this.emit(OP_SPLIT);
          this.a[split] = split + 1;
          this.compile(n.body);
          this.emit(OP_JMP, split);
          this.b[split] = this.op.length;
        } else {
          const splits: number[] = [];
          for (let k = n.min; k < n.max; k++) {
            const split = this.emit(OP_SPLIT);
            this.a[split] = split + 1;
            splits.push(split);
            this.compile(n.body);
          }
          for (const s of splits) this.b[s] = this.op.length;
        }
        break;
      }
    }
  }
}

/** Why a pattern was refused: a message, and where (0-based offset in the pattern or in the flags). */
export interface RegexProblem {
  readonly message: string;
  readonly offset: number;
  readonly part: 'pattern' | 'flags';
}

/** A checked pattern: its program and the first node of its tree (to know whether it is anchored). */
export interface RegexProgram {
  readonly builder: ProgramBuilder;
  readonly first: RNode;
}

/**
 * Parses, checks and compiles a `matches()` pattern into a program.
 *
 * @returns the program, or a problem with its 0-based offset in the pattern or the flags.
 */
export function buildRegexProgram(pattern: string, flags = ''): RegexProgram | RegexProblem {
  if (pattern.length > EXPRESSION_LIMITS.maxPatternLength) {
    return {
      message: `patterns are limited to ${EXPRESSION_LIMITS.maxPatternLength} characters`,
      offset: EXPRESSION_LIMITS.maxPatternLength,
      part: 'pattern',
    };
  }
  const seen = new Set<string>();
  for (let i = 0; i < flags.length; i++) {
    const f = flags[i];
    if (f !== 'i' && f !== 'm' && f !== 's') {
      return { message: `unknown flag "${f}" (use i, m, s)`, offset: i, part: 'flags' };
    }
    if (seen.has(f)) return { message: `flag "${f}" given twice`, offset: i, part: 'flags' };
    seen.add(f);
  }
  try {
    const ast = new RegexParser(pattern).parse();
    const builder = new ProgramBuilder(seen.has('i'), seen.has('s'));
    builder.compile(ast);
    builder.emit(OP_MATCH);
    const first = ast.t === 'seq' ? (ast.items[0] ?? ast) : ast;
    return { builder, first };
  } catch (e) {
    if (e instanceof RegexSyntaxError) return { message: e.message, offset: e.offset, part: 'pattern' };
    throw e;
  }
}

/**
 * Gets the source of a `matches()` pattern from a string literal as written (its `raw` text, quotes
 * included). Backslashes are kept (so `"\d+"` and `"\\d+"` both mean the regex `\d+`), except that `\\`
 * is one backslash and `\"`/`\'` is a quote. The checker and the engine's `matches()` both read patterns
 * this way.
 *
 * @example
 * patternFromRaw(String.raw`"\d+\\.\"q"`); // the pattern \d+\."q
 */
export function patternFromRaw(raw: string): string {
  const body = raw.slice(1, -1);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch === '\\' && i + 1 < body.length) {
      const next = body[i + 1];
      if (next === '\\' || next === '"' || next === "'") {
        out += next;
        i++;
        continue;
      }
    }
    out += ch;
  }
  return out;
}
