/**
 * The syntax of `matches()` patterns: parsing and checking (the linear-time engine that runs them is
 * src/engine/expressions/safeRegex.ts). It lives in the model so that topology validation can check
 * patterns without the engine.
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

// ---- syntax tree ----

/** Assertion kinds of `assert` nodes: start of input (or line), end, word boundary, not a boundary. */
export const A_BOL = 0;
/** See {@link A_BOL}. */
export const A_EOL = 1;
/** See {@link A_BOL}. */
export const A_WORD = 2;
/** See {@link A_BOL}. */
export const A_NOT_WORD = 3;

/** A node of a parsed pattern. */
export type RNode =
  | { t: 'char'; c: number }
  | { t: 'any' }
  | { t: 'class'; ranges: number[]; neg: boolean }
  | { t: 'assert'; a: number }
  | { t: 'seq'; items: RNode[] }
  | { t: 'alt'; alts: RNode[] }
  | { t: 'rep'; body: RNode; min: number; max: number };

/** A pattern that does not parse or is refused, with the 0-based offset of the problem. */
export class RegexSyntaxError extends Error {
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

/**
 * Parses a pattern into a tree, refusing what the language does not allow (see the file comment). One
 * instance per pattern.
 *
 * @throws RegexSyntaxError from `parse()`.
 */
export class RegexParser {
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
