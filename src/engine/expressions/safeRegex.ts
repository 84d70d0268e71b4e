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
 *
 * Parsing and checking patterns, and compiling them into programs, live in the model
 * (src/model/expressions/regexSyntax.ts, regexProgram.ts) so that topology validation can check them;
 * this file runs programs.
 */
import { EXPRESSION_LIMITS } from './limits';
import { ExpressionError } from './ExpressionError';
import { charge, type EvalState } from './runtime';
import {
  buildRegexProgram,
  inRanges,
  isLineTerminator,
  isWordChar,
  OP_ANY,
  OP_ANY_BUT_NEWLINE,
  OP_ASSERT,
  OP_CHAR,
  OP_JMP,
  OP_MATCH,
  OP_SPLIT,
  toLower,
  toUpper,
  type ProgramBuilder,
  type RegexProblem,
} from '../../model/expressions/regexProgram';
import { A_BOL, A_EOL, A_WORD, type RNode } from '../../model/expressions/regexSyntax';

export type { RegexProblem };

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

/**
 * Parses, checks and compiles a `matches()` pattern.
 *
 * @returns the compiled pattern, or a problem with its 0-based offset in the pattern.
 * @example
 * const r = compileSafeRegex('^ord(er)?-\\d+$', 'i');
 * if (r instanceof SafeRegex) r.test('ORDER-17', state, 0); // true
 */
export function compileSafeRegex(pattern: string, flags = ''): SafeRegex | RegexProblem {
  const p = buildRegexProgram(pattern, flags);
  return 'message' in p ? p : new SafeRegex(pattern, flags, p.builder, p.first);
}
