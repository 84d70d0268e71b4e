import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { compileSafeRegex, SafeRegex } from './safeRegex';
import type { EvalState } from './runtime';

const state = (): EvalState => ({ steps: 0, maxSteps: 10_000_000, now: 0, hasNow: false });

function safe(pattern: string, flags = ''): SafeRegex {
  const r = compileSafeRegex(pattern, flags);
  if (!(r instanceof SafeRegex)) throw new Error(`${pattern}: ${r.message}`);
  return r;
}

const matches = (pattern: string, input: string, flags = ''): boolean =>
  safe(pattern, flags).test(input, state(), 0);

describe('safe regex: agrees with RegExp', () => {
  const cases: [string, string, string[]][] = [
    ['abc', '', ['abc', 'xabcx', 'ab', 'ABC', '']],
    ['^abc$', '', ['abc', 'abcd', ' abc']],
    ['a.c', '', ['abc', 'a\nc', 'ac']],
    ['a.c', 's', ['a\nc']],
    ['^a|b$', '', ['ax', 'xb', 'xa', 'bx']],
    ['colou?r', '', ['color', 'colour', 'colouur']],
    ['^\\d{3}-\\d{4}$', '', ['555-1234', '55-1234', '5555-1234', 'abc-defg']],
    ['^[A-Z][a-z]+$', '', ['Hello', 'hello', 'H', 'HeLLo']],
    ['[^aeiou]{3}', '', ['str', 'sea', 'rhythm']],
    ['^\\w+@\\w+\\.com$', '', ['a@b.com', 'a@b.org', '@b.com', 'a.b@c.com']],
    ['\\bcat\\b', '', ['cat', 'a cat!', 'concat', 'cats']],
    ['\\Bcat', '', ['concat', 'cat']],
    ['^\\s*$', '', ['', '   ', ' \t\n', ' x ']],
    ['^(ab|cd){2,3}$', '', ['abab', 'abcdab', 'ab', 'abababab', 'cdcdcd']],
    ['^a{2,}$', '', ['a', 'aa', 'aaaa']],
    ['^a{0}b$', '', ['b', 'ab']],
    ['hello', 'i', ['HeLLo world', 'help']],
    ['[a-f]+', 'i', ['ABC', 'xyz', 'eF']],
    ['^b', 'm', ['a\nb', 'ab']],
    ['a$', 'm', ['a\nb', 'ba', 'ab']],
    ['^(?:order|invoice)s?\\.(created|updated)$', '', ['orders.created', 'invoice.updated', 'order.deleted']],
    ['^(?<year>\\d{4})-\\d\\d$', '', ['2024-05', '24-05']],
    ['[\\d.]+', '', ['1.5', 'abc']],
    ['[a\\-z]', '', ['-', 'b', 'z']],
    ['[]', '', ['', 'a']],
    ['[^]', '', ['', 'a', '\n']],
    ['\\x41\\u0042', '', ['AB', 'ab']],
    ['a+?b*?', '', ['a', 'b']],
    ['\\.\\*\\+\\?\\(\\)\\[\\]\\{\\}\\|\\^\\$\\/', '', ['.*+?()[]{}|^$/', 'x']],
    ['{', '', ['{', 'a']],
    ['a{,2}', '', ['a{,2}', 'aa']],
    ['é', 'i', ['É', 'e']],
    ['', '', ['', 'anything']],
    ['(|a)b', '', ['b', 'ab']],
    ['()*x', '', ['x', 'y']],
  ];
  for (const [pattern, flags, inputs] of cases) {
    it(`/${pattern}/${flags}`, () => {
      const native = new RegExp(pattern, flags);
      for (const input of inputs)
        expect(matches(pattern, input, flags), JSON.stringify(input)).toBe(native.test(input));
    });
  }

  it('agrees on random patterns and inputs (property)', () => {
    const chars = ['a', 'b', 'c', 'A', '1', ' ', '.', '-', '\n', '_'];
    const atom: fc.Arbitrary<string> = fc.constantFrom(
      'a',
      'b',
      'c',
      '.',
      '\\d',
      '\\w',
      '\\s',
      '\\W',
      '[ab]',
      '[^a]',
      '[a-c]',
      '[.-]',
      '\\.',
      'A',
      '^',
      '$',
      '\\b',
      '\\B',
    );
    const { pattern } = fc.letrec<{ pattern: string; term: string; piece: string }>((tie) => ({
      pattern: fc.oneof(
        { depthSize: 'small' },
        tie('term'),
        fc.tuple(tie('term'), tie('term')).map(([x, y]) => `${x}|${y}`),
      ),
      term: fc.array(tie('piece'), { minLength: 1, maxLength: 4 }).map((xs) => xs.join('')),
      piece: fc
        .tuple(
          fc.oneof(
            { depthSize: 'small' },
            atom,
            tie('pattern').map((p) => `(?:${p})`),
          ),
          fc.constantFrom('', '', '*', '+', '?', '{2}', '{1,3}', '{2,}', '??', '*?'),
        )
        .map(([a, q]) => (/^[\^$]|^\\[bB]$/.test(a) ? a : a + q)),
    }));
    fc.assert(
      fc.property(
        pattern,
        fc.array(fc.constantFrom(...chars), { maxLength: 12 }).map((xs) => xs.join('')),
        fc.subarray(['i', 'm', 's']).map((xs) => xs.join('')),
        (p, input, flags) => {
          const r = compileSafeRegex(p, flags);
          if (!(r instanceof SafeRegex)) {
            // The only refusals expected from this grammar: nested quantifiers.
            expect(r.message).toMatch(/Nested quantifiers|limited to 100 characters|too large/);
            return;
          }
          expect(r.test(input, state(), 0)).toBe(new RegExp(p, flags).test(input));
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('safe regex: refusals', () => {
  const refused: [string, RegExp][] = [
    ['(a+)+', /Nested quantifiers/],
    ['(a|b*)*', /Nested quantifiers/],
    ['(?:a?){2}', /Nested quantifiers/],
    ['(a)\\1', /Backreferences/],
    ['\\k<x>', /Backreferences/],
    ['(?=a)', /Lookahead/],
    ['(?!a)', /Lookahead/],
    ['(?<=a)', /Lookbehind/],
    ['(?<!a)', /Lookbehind/],
    ['a**', /Nothing to repeat/],
    ['*a', /Nothing to repeat/],
    ['^*', /Nothing to repeat/],
    ['{2}', /Nothing to repeat/],
    ['a{3,2}', /out of order/],
    ['a{101}', /limited to 100/],
    ['(a', /Unterminated group/],
    ['a)', /Unmatched/],
    ['[a', /Unterminated character class/],
    ['[z-a]', /out of order/],
    ['\\q', /Unknown escape/],
    ['\\', /at end of pattern/],
    ['\\01', /Octal/],
    ['(?x)', /Invalid group/],
  ];
  for (const [pattern, message] of refused) {
    it(pattern, () => {
      const r = compileSafeRegex(pattern);
      expect(r instanceof SafeRegex).toBe(false);
      if (!(r instanceof SafeRegex)) expect(r.message).toMatch(message);
    });
  }

  it('refuses unknown and repeated flags', () => {
    expect(compileSafeRegex('a', 'g')).toMatchObject({ part: 'flags', offset: 0 });
    expect(compileSafeRegex('a', 'ii')).toMatchObject({ part: 'flags', offset: 1 });
    expect(compileSafeRegex('a', 'u')).toMatchObject({ part: 'flags' });
  });

  it('reports where in the pattern', () => {
    expect(compileSafeRegex('ab(c+)+')).toMatchObject({ offset: 6 });
    expect(compileSafeRegex('abc\\1')).toMatchObject({ offset: 3 });
  });
});

describe('safe regex: cost', () => {
  it('charges steps proportional to input length and stops at the budget', () => {
    const re = safe('(a|b)*c');
    const s = state();
    re.test('ab'.repeat(1000), s, 0);
    expect(s.steps).toBeGreaterThan(2000);
    expect(s.steps).toBeLessThan(2000 * 20);
    const small: EvalState = { ...state(), maxSteps: 100 };
    expect(() => re.test('ab'.repeat(1000), small, 0)).toThrow(/steps/);
  });

  it('stops early for anchored patterns', () => {
    const s = state();
    expect(safe('^x').test('y'.repeat(50_000), s, 0)).toBe(false);
    expect(s.steps).toBeLessThan(10);
  });
});
