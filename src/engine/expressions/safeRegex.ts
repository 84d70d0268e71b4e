/**
 * The regular expressions of `matches()`: a small, linear-time engine of our own.
 *
 * JavaScript's `RegExp` backtracks, so a pattern such as `(a+)+$` can take exponential time, and even
 * patterns without nesting (`.*a.*b.*c`) can take polynomial time on long inputs. Patterns come from
 * untrusted files, so they are instead parsed here, checked, and compiled to a program for a Pike VM
 * (Thompson NFA simulation): the time to test an input is at most proportional to
 * input length × program size, and it is charged to the evaluation's step budget.
 *
 * The syntax is the usual subset of JavaScript's: literals, `.`, classes `[a-z]` `[^…]`, escapes
 * `\d \w \s \D \W \S \b \B \n \r \t \f \v \0 \xhh \uhhhh` and escaped punctuation, groups `( )`,
 * `(?: )` and `(?<name> )` (they only group: nothing is captured), alternation `|`, quantifiers
 * `* + ? {n} {n,} {n,m}` (lazy `?` suffixes are accepted; they do not change whether a string
 * matches), anchors `^ $`, and flags `i`, `m`, `s`. Refused: backreferences (`\1`, `\k<name>`),
 * lookaround (`(?=`, `(?!`, `(?<=`, `(?<!`), nested quantifiers such as `(a+)+` (never needed, and
 * catastrophic in backtracking engines), patterns over `maxPatternLength` characters and counts over
 * `maxRepeat`.
 */
import { EXPRESSION_LIMITS } from './limits';
import { ExpressionError } from './ExpressionError';
import { charge, type EvalState } from './runtime';

// ---- syntax tree ----

const A_BOL = 0;
const A_EOL = 1;
const A_WORD = 2;
const A_NOT_WORD = 3;

type RNode =
  | { t: 'char'; c: number }
  | { t: 'any' }
  | { t: 'class'; ranges: number[]; neg: boolean }
  | { t: 'assert'; a: number }
  | { t: 'seq'; items: RNode[] }
  | { t: 'alt'; alts: RNode[] }
  | { t: 'rep'; body: RNode; min: number; max: number };

class RegexSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

const MAX_CODE = 0xffff;
const DIGIT = [0x30, 0x39];
const WORD = [0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a];
const SPACE = [
  0x09, 0x0d, 0x20, 0x20, 0xa0, 0xa0, 0x1680, 0x1680, 0x2000, 0x200a, 0x2028, 0x2029, 0x202f, 0x202f, 0x205f,
  0x205f, 0x3000, 0x3000, 0xfeff, 0xfeff,
];

/** Sorts and merges [lo, hi, lo, hi, …] ranges. */
function normalize(ranges: number[]): number[] {
  const pairs: [number, number][] = [];
  for (let i = 0; i < ranges.length; i += 2) pairs.push([ranges[i], ranges[i + 1]]);
  pairs.sort((x, y) => x[0] - y[0]);
  const out: number[] = [];
  for (const [lo, hi] of pairs) {
    const n = out.length;
    if (n > 0 && lo <= out[n - 1] + 1) out[n - 1] = Math.max(out[n - 1], hi);
    else out.push(lo, hi);
  }
  return out;
}

/** The complement of normalized ranges within [0, 0xFFFF]. */
function complement(ranges: number[]): number[] {
  const r = normalize(ranges);
  const out: number[] = [];
  let next = 0;
  for (let i = 0; i < r.length; i += 2) {
    if (r[i] > next) out.push(next, r[i] - 1);
    next = r[i + 1] + 1;
  }
  if (next <= MAX_CODE) out.push(next, MAX_CODE);
  return out;
}

function isQuantifierBrace(src: string, i: number): RegExpExecArray | null {
  // A native regex on a ≤100-character slice with a fixed, linear pattern: safe.
  return /^\{(\d+)(?:(,)(\d*))?\}/.exec(src.slice(i, i + 24));
}

function containsRepetition(n: RNode): boolean {
  switch (n.t) {
    case 'rep':
      return true;
    case 'seq':
      return n.items.some(containsRepetition);
    case 'alt':
      return n.alts.some(containsRepetition);
    default:
      return false;
  }
}

class RegexParser {
  private i = 0;
  constructor(private readonly src: string) {}

  parse(): RNode {
    const node = this.parseAlternation();
    if (this.i < this.src.length) this.fail('Unmatched ")"');
    return node;
  }

  private fail(message: string, offset = this.i): never {
    throw new RegexSyntaxError(message, offset);
  }

  private parseAlternation(): RNode {
    const alts = [this.parseSequence()];
    while (this.src[this.i] === '|') {
      this.i++;
      alts.push(this.parseSequence());
    }
    return alts.length === 1 ? alts[0] : { t: 'alt', alts };
  }

  private parseSequence(): RNode {
    const items: RNode[] = [];
    const src = this.src;
    while (this.i < src.length && src[this.i] !== '|' && src[this.i] !== ')') {
      const atomStart = this.i;
      let node = this.parseAtom();
      const q = this.parseQuantifier();
      if (q) {
        // Like JavaScript: a bare assertion cannot be repeated (a group holding one can, uselessly).
        if (node.t === 'assert' && src[atomStart] !== '(') this.fail('Nothing to repeat', atomStart);
        const { maxRepeat } = EXPRESSION_LIMITS;
        if (q.min > maxRepeat || (q.max !== Infinity && q.max > maxRepeat)) {
          this.fail(`Repetition counts are limited to ${maxRepeat}`, q.start);
        }
        if (q.min > q.max) this.fail('Numbers out of order in {} quantifier', q.start);
        if (q.max > 1 && containsRepetition(node)) {
          this.fail('Nested quantifiers such as (a+)+ are not allowed', q.start);
        }
        node = { t: 'rep', body: node, min: q.min, max: q.max };
        if (this.peekQuantifier()) this.fail('Nothing to repeat');
      }
      items.push(node);
    }
    return items.length === 1 ? items[0] : { t: 'seq', items };
  }

  private peekQuantifier(): boolean {
    const ch = this.src[this.i];
    return (
      ch === '*' || ch === '+' || ch === '?' || (ch === '{' && isQuantifierBrace(this.src, this.i) !== null)
    );
  }

  private parseQuantifier(): { min: number; max: number; start: number } | null {
    const src = this.src;
    const start = this.i;
    let min: number;
    let max: number;
    switch (src[this.i]) {
      case '*':
        [min, max] = [0, Infinity];
        this.i++;
        break;
      case '+':
        [min, max] = [1, Infinity];
        this.i++;
        break;
      case '?':
        [min, max] = [0, 1];
        this.i++;
        break;
      case '{': {
        const m = isQuantifierBrace(src, this.i);
        if (!m) return null;
        min = Number(m[1]);
        max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
        this.i += m[0].length;
        break;
      }
      default:
        return null;
    }
    if (src[this.i] === '?') this.i++; // lazy: same set of matching strings
    return { min, max, start };
  }

  private parseAtom(): RNode {
    const src = this.src;
    const ch = src[this.i];
    switch (ch) {
      case '(': {
        const open = this.i;
        this.i++;
        if (src[this.i] === '?') {
          const next = src[this.i + 1];
          if (next === ':') this.i += 2;
          else if (next === '=' || next === '!') this.fail('Lookahead is not allowed', open);
          else if (next === '<') {
            if (src[this.i + 2] === '=' || src[this.i + 2] === '!')
              this.fail('Lookbehind is not allowed', open);
            const m = /^<([A-Za-z_$][A-Za-z0-9_$]*)>/.exec(
              src.slice(this.i + 1, this.i + 1 + EXPRESSION_LIMITS.maxPatternLength),
            );
            if (!m) this.fail('Invalid group name', open);
            this.i += 1 + m[0].length;
          } else this.fail('Invalid group', open);
        }
        const body = this.parseAlternation();
        if (src[this.i] !== ')') this.fail('Unterminated group', open);
        this.i++;
        return body;
      }
      case '[':
        return this.parseClass();
      case '.':
        this.i++;
        return { t: 'any' };
      case '^':
        this.i++;
        return { t: 'assert', a: A_BOL };
      case '$':
        this.i++;
        return { t: 'assert', a: A_EOL };
      case '\\':
        return this.parseEscape(false);
      case '*':
      case '+':
      case '?':
        return this.fail('Nothing to repeat');
      case '{':
        if (isQuantifierBrace(src, this.i)) this.fail('Nothing to repeat');
        this.i++;
        return { t: 'char', c: 0x7b };
      default:
        this.i++;
        return { t: 'char', c: ch.charCodeAt(0) };
    }
  }

  /** Reads an escape at `\`; in a class, `\b` is a backspace and assertions are not allowed. */
  private parseEscape(inClass: boolean): RNode {
    const src = this.src;
    const start = this.i;
    this.i++;
    if (this.i >= src.length) this.fail('\\ at end of pattern', start);
    const ch = src[this.i++];
    switch (ch) {
      case 'd':
        return { t: 'class', ranges: DIGIT, neg: false };
      case 'D':
        return { t: 'class', ranges: DIGIT, neg: true };
      case 'w':
        return { t: 'class', ranges: WORD, neg: false };
      case 'W':
        return { t: 'class', ranges: WORD, neg: true };
      case 's':
        return { t: 'class', ranges: SPACE, neg: false };
      case 'S':
        return { t: 'class', ranges: SPACE, neg: true };
      case 'b':
        return inClass ? { t: 'char', c: 8 } : { t: 'assert', a: A_WORD };
      case 'B':
        if (inClass) this.fail('Invalid escape \\B in a class', start);
        return { t: 'assert', a: A_NOT_WORD };
      case 'n':
        return { t: 'char', c: 10 };
      case 'r':
        return { t: 'char', c: 13 };
      case 't':
        return { t: 'char', c: 9 };
      case 'f':
        return { t: 'char', c: 12 };
      case 'v':
        return { t: 'char', c: 11 };
      case '0':
        if (/[0-9]/.test(src[this.i] ?? '')) this.fail('Octal escapes are not allowed', start);
        return { t: 'char', c: 0 };
      case 'x':
      case 'u': {
        const len = ch === 'x' ? 2 : 4;
        const hex = src.slice(this.i, this.i + len);
        if (hex.length !== len || !/^[0-9A-Fa-f]+$/.test(hex)) this.fail(`Invalid escape \\${ch}`, start);
        this.i += len;
        return { t: 'char', c: parseInt(hex, 16) };
      }
      case 'c': {
        const letter = src[this.i];
        if (!letter || !/[A-Za-z]/.test(letter)) this.fail('Invalid escape \\c', start);
        this.i++;
        return { t: 'char', c: letter.charCodeAt(0) % 32 };
      }
      case 'k':
        return this.fail('Backreferences are not allowed', start);
      default:
        if (ch >= '1' && ch <= '9') this.fail('Backreferences are not allowed', start);
        if (/[A-Za-z]/.test(ch)) this.fail(`Unknown escape \\${ch}`, start);
        return { t: 'char', c: ch.charCodeAt(0) };
    }
  }

  private parseClass(): RNode {
    const src = this.src;
    const open = this.i;
    this.i++;
    let neg = false;
    if (src[this.i] === '^') {
      neg = true;
      this.i++;
    }
    const ranges: number[] = [];
    // One class item: a single character (number) or a set such as \d (ranges).
    const item = (): number | number[] => {
      if (src[this.i] !== '\\') return src.charCodeAt(this.i++);
      const start = this.i;
      const e = this.parseEscape(true);
      if (e.t === 'char') return e.c;
      if (e.t === 'class') return e.neg ? complement(e.ranges) : e.ranges;
      return this.fail('Invalid escape in a class', start);
    };
    while (src[this.i] !== ']') {
      if (this.i >= src.length) this.fail('Unterminated character class', open);
      const itemStart = this.i;
      const lo = item();
      if (src[this.i] === '-' && this.i + 1 < src.length && src[this.i + 1] !== ']') {
        this.i++;
        const hi = item();
        if (typeof lo !== 'number' || typeof hi !== 'number')
          this.fail('Invalid range in a class', itemStart);
        if (lo > hi) this.fail('Range out of order in a class', itemStart);
        ranges.push(lo, hi);
      } else if (typeof lo === 'number') ranges.push(lo, lo);
      else ranges.push(...lo);
    }
    this.i++;
    return { t: 'class', ranges: normalize(ranges), neg };
  }
}

// ---- program ----

const OP_CHAR = 0;
const OP_ANY = 1; // any code unit (flag s)
const OP_ANY_BUT_NEWLINE = 2;
const OP_CLASS = 3;
const OP_SPLIT = 4;
const OP_JMP = 5;
const OP_ASSERT = 6;
const OP_MATCH = 7;

function isLineTerminator(c: number): boolean {
  return c === 10 || c === 13 || c === 0x2028 || c === 0x2029;
}

function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

function toLower(c: number): number {
  if (c < 128) return c >= 65 && c <= 90 ? c + 32 : c;
  const s = String.fromCharCode(c).toLowerCase();
  return s.length === 1 ? s.charCodeAt(0) : c;
}

function toUpper(c: number): number {
  if (c < 128) return c >= 97 && c <= 122 ? c - 32 : c;
  const s = String.fromCharCode(c).toUpperCase();
  return s.length === 1 ? s.charCodeAt(0) : c;
}

function inRanges(ranges: readonly number[], c: number): boolean {
  for (let i = 0; i < ranges.length; i += 2) {
    if (c < ranges[i]) return false;
    if (c <= ranges[i + 1]) return true;
  }
  return false;
}

class ProgramBuilder {
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

/**
 * A compiled `matches()` pattern. `test` is linear in the input length and charges its work to the step
 * budget. Reuses its buffers, so it allocates nothing per test (it is not re-entrant, and needs not be).
 */
export class SafeRegex {
  private readonly op: Uint8Array;
  private readonly a: Int32Array;
  private readonly b: Int32Array;
  private readonly classes: { ranges: number[]; neg: boolean }[];
  private readonly icase: boolean;
  private readonly multiline: boolean;
  /** True when the pattern starts with `^` (without flag m): only position 0 can start a match. */
  private readonly anchored: boolean;
  private clist: Int32Array;
  private nlist: Int32Array;
  private readonly mark: Int32Array;
  private readonly stack: Int32Array;
  private listLength = 0;
  private matched = false;

  /**
   * Made by `compileSafeRegex` (use that).
   *
   * @param source The pattern text.
   * @param flags Any of `i`, `m`, `s`.
   * @param builder The compiled program.
   * @param firstNode The first node of the pattern (to know whether it is anchored at the start).
   */
  constructor(
    readonly source: string,
    readonly flags: string,
    builder: ProgramBuilder,
    firstNode: RNode,
  ) {
    this.op = Uint8Array.from(builder.op);
    this.a = Int32Array.from(builder.a);
    this.b = Int32Array.from(builder.b);
    this.classes = builder.classes;
    this.icase = flags.includes('i');
    this.multiline = flags.includes('m');
    this.anchored = !this.multiline && firstNode.t === 'assert' && firstNode.a === A_BOL;
    const n = this.op.length;
    this.clist = new Int32Array(n);
    this.nlist = new Int32Array(n);
    this.mark = new Int32Array(n);
    this.stack = new Int32Array(2 * n + 2);
  }

  /**
   * Whether the pattern matches somewhere in `input`.
   *
   * @throws ExpressionError when the input is longer than `maxMatchInput` or the step budget runs out.
   */
  test(input: string, s: EvalState, position: number): boolean {
    const n = input.length;
    if (n > EXPRESSION_LIMITS.maxMatchInput) {
      throw new ExpressionError(
        `matches() tests strings of at most ${EXPRESSION_LIMITS.maxMatchInput} characters (got ${n})`,
        position,
      );
    }
    this.mark.fill(0);
    let gen = 1;
    this.listLength = 0;
    this.matched = false;
    this.addThread(this.clist, 0, 0, input, gen);
    if (this.matched) return true;
    const { op, a, icase } = this;
    for (let i = 0; i < n; i++) {
      const clen = this.listLength;
      if (clen === 0 && this.anchored) return false;
      charge(s, clen + 1, position);
      const c = input.charCodeAt(i);
      const lc = icase ? toLower(c) : c;
      gen++;
      this.listLength = 0;
      const clist = this.clist;
      const nlist = this.nlist;
      for (let k = 0; k < clen; k++) {
        const pc = clist[k];
        let ok: boolean;
        switch (op[pc]) {
          case OP_CHAR:
            ok = lc === a[pc];
            break;
          case OP_ANY:
            ok = true;
            break;
          case OP_ANY_BUT_NEWLINE:
            ok = !isLineTerminator(c);
            break;
          default: {
            const cls = this.classes[a[pc]];
            let hit = inRanges(cls.ranges, c);
            if (!hit && icase) hit = inRanges(cls.ranges, lc) || inRanges(cls.ranges, toUpper(c));
            ok = hit !== cls.neg;
          }
        }
        if (ok) {
          this.addThread(nlist, pc + 1, i + 1, input, gen);
          if (this.matched) return true;
        }
      }
      if (!this.anchored) {
        this.addThread(nlist, 0, i + 1, input, gen);
        if (this.matched) return true;
      }
      this.clist = nlist;
      this.nlist = clist;
    }
    return false;
  }

  /** Adds `pc` and everything reachable from it without consuming input to `list`. */
  private addThread(list: Int32Array, pc0: number, pos: number, input: string, gen: number): void {
    const { op, a, b, mark, stack } = this;
    let sp = 0;
    stack[sp++] = pc0;
    while (sp > 0) {
      const pc = stack[--sp];
      if (mark[pc] === gen) continue;
      mark[pc] = gen;
      switch (op[pc]) {
        case OP_JMP:
          stack[sp++] = a[pc];
          break;
        case OP_SPLIT:
          stack[sp++] = b[pc];
          stack[sp++] = a[pc];
          break;
        case OP_ASSERT:
          if (this.assertionHolds(a[pc], pos, input)) stack[sp++] = pc + 1;
          break;
        case OP_MATCH:
          this.matched = true;
          return;
        default:
          list[this.listLength++] = pc;
      }
    }
  }

  private assertionHolds(kind: number, pos: number, input: string): boolean {
    const n = input.length;
    switch (kind) {
      case A_BOL:
        return pos === 0 || (this.multiline && isLineTerminator(input.charCodeAt(pos - 1)));
      case A_EOL:
        return pos === n || (this.multiline && isLineTerminator(input.charCodeAt(pos)));
      default: {
        const before = pos > 0 && isWordChar(input.charCodeAt(pos - 1));
        const after = pos < n && isWordChar(input.charCodeAt(pos));
        return (before !== after) === (kind === A_WORD);
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

/**
 * Parses, checks and compiles a `matches()` pattern.
 *
 * @returns the compiled pattern, or a problem with its 0-based offset in the pattern.
 * @example
 * const r = compileSafeRegex('^ord(er)?-\\d+$', 'i');
 * if (r instanceof SafeRegex) r.test('ORDER-17', state, 0); // true
 */
export function compileSafeRegex(pattern: string, flags = ''): SafeRegex | RegexProblem {
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
    return new SafeRegex(pattern, flags, builder, first);
  } catch (e) {
    if (e instanceof RegexSyntaxError) return { message: e.message, offset: e.offset, part: 'pattern' };
    throw e;
  }
}
