import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import jsep from 'jsep';
import fc from 'fast-check';
import { EXPRESSION_LIMITS, ExpressionError, parseExpression, type MessageLike } from './index';

// Every check here asserts that a hostile expression or input is refused, and that it is refused
// promptly: the bound is generous (no tight timings), it only catches hangs.
const PROMPT_MS = 1000;

const base: MessageLike = {
  id: 'm1',
  correlationId: 'm1',
  kind: 'event',
  type: 'OrderPlaced',
  headers: { region: 'eu', k: '__proto__', c: 'constructor', p: 'prototype' },
  payload: { total: 150, items: [1, 2, 3], nested: { a: 1 } },
};

function timed<T>(f: () => T): { value: T; ms: number } {
  const t0 = performance.now();
  const value = f();
  return { value, ms: performance.now() - t0 };
}

/** Asserts that the text is refused at parse/check time, promptly; returns the problem. */
function refused(text: string): { message: string; position: number } {
  const { value: r, ms } = timed(() => parseExpression(text));
  expect(ms).toBeLessThan(PROMPT_MS);
  expect(r.ok, `expected to be refused: ${text.slice(0, 80)}`).toBe(false);
  if (r.ok) throw new Error('unreachable');
  expect(r.error.position).toBeGreaterThanOrEqual(0);
  expect(r.error.position).toBeLessThanOrEqual(text.length);
  return r.error;
}

/** Asserts that evaluating throws an ExpressionError, promptly; returns it. */
function failsAtRunTime(text: string, msg: MessageLike = base, maxSteps?: number): ExpressionError {
  const r = parseExpression(text, maxSteps === undefined ? undefined : { maxSteps });
  if (!r.ok) throw new Error(`${text}: ${r.error.message}`);
  const t0 = performance.now();
  let error: unknown;
  try {
    r.expr.evaluate(msg, { now: 0 });
  } catch (e) {
    error = e;
  }
  expect(performance.now() - t0).toBeLessThan(PROMPT_MS);
  expect(error, `expected to fail: ${text}`).toBeInstanceOf(ExpressionError);
  return error as ExpressionError;
}

function evaluate(text: string, msg: MessageLike = base): unknown {
  const r = parseExpression(text);
  if (!r.ok) throw new Error(`${text}: ${r.error.message}`);
  return r.expr.evaluate(msg, { now: 0 });
}

describe('prototype and constructor escapes', () => {
  it('refuses literal __proto__, constructor and prototype at check time, at the property', () => {
    expect(refused('payload.__proto__')).toEqual({
      message: 'The property "__proto__" cannot be read',
      position: 8,
    });
    expect(refused('payload["constructor"]').position).toBe(8);
    expect(refused('payload.items.constructor').message).toContain('constructor');
    expect(refused('payload.nested.prototype').message).toContain('prototype');
    expect(refused('headers.constructor.constructor').message).toContain('constructor');
    expect(refused("payload['__proto__'].polluted").message).toContain('__proto__');
    expect(refused('payload?.constructor').message).toContain('constructor');
  });

  it('refuses keys computed from constants at check time', () => {
    expect(refused('payload["__pro" + "to__"]').message).toContain('__proto__');
    expect(refused('payload["con" + "structor"]["con" + "structor"]').message).toContain('constructor');
    expect(refused('payload[true ? "constructor" : "x"]').message).toContain('constructor');
    expect(refused('payload[lower("__PROTO__")]').message).toContain('__proto__');
  });

  it('refuses keys computed from data at run time', () => {
    expect(failsAtRunTime('payload[headers.k]').message).toContain('"__proto__" cannot be read');
    expect(failsAtRunTime('payload[headers.c]').message).toContain('"constructor"');
    expect(failsAtRunTime('payload.items[headers.c]').message).toContain('"constructor"');
    expect(failsAtRunTime('payload.nested[headers.p]').message).toContain('"prototype"');
    expect(failsAtRunTime('headers[headers.c][headers.c]').message).toContain('"constructor"');
    const shouting = { ...base, headers: { K: '__PROTO__' } };
    expect(failsAtRunTime('payload[lower(headers.K)]', shouting).message).toContain('__proto__');
  });

  it('refuses __proto__ even when the data has it as an own key (JSON.parse creates one)', () => {
    const payload: unknown = JSON.parse('{"__proto__": {"isAdmin": true}, "constructor": {"name": "x"}}');
    const msg = { ...base, payload };
    expect(refused('payload.__proto__.isAdmin').message).toContain('__proto__');
    expect(failsAtRunTime('payload[headers.k]', msg).message).toContain('__proto__');
    expect(failsAtRunTime('payload[headers.c]', msg).message).toContain('constructor');
    expect(evaluate('payload.isAdmin', msg)).toBe(undefined);
    expect(evaluate('"__proto__" in payload', msg)).toBe(true); // a key test reads nothing
  });

  it('refuses functions used as values, and calls other than the allow-listed ones', () => {
    expect(refused('lower').message).toContain('is a function');
    expect(refused('len.constructor').message).toContain('is a function');
    expect(refused('[lower][0]').message).toContain('is a function');
    expect(refused('payload.toString()').message).toContain('Only the built-in functions');
    expect(refused('payload.items.map(len)').message).toContain('Only the built-in functions');
    expect(refused('headers.constructor("x")').message).toContain('Only the built-in functions');
    expect(refused('lower(type)(1)').message).toContain('Only the built-in functions');
    expect(refused('eval("1")').message).toContain('Unknown function "eval"');
    expect(refused('Function("return 1")()').message).toContain('Only the built-in functions');
    expect(refused('constructor').message).toContain('Unknown name');
    expect(refused('globalThis.process').message).toContain('Unknown name');
    expect(refused('this.constructor').message).toContain('this');
  });

  it('never reads inherited methods, so none can be returned or called', () => {
    for (const t of [
      'payload.toString',
      'payload.valueOf',
      'payload.items.map',
      'headers.hasOwnProperty',
      'payload.__defineGetter__',
    ]) {
      expect(evaluate(t), t).toBe(undefined);
    }
  });

  it('refuses function values found in the data', () => {
    const msg = { ...base, payload: { fn: () => 'called', list: [() => 1] } };
    expect(failsAtRunTime('payload.fn', msg).message).toContain('Functions cannot be read');
    expect(failsAtRunTime('payload.list[0]', msg).message).toContain('Functions cannot be read');
    expect(failsAtRunTime('string(payload)', msg).message).toContain('Functions cannot be read');
  });

  it('leaves prototypes untouched', () => {
    for (const t of [
      'payload.total',
      'string(payload)',
      'len(payload)',
      '"x" in payload',
      'payload.items[0]',
    ])
      evaluate(t);
    expect(({} as Record<string, unknown>).isAdmin).toBe(undefined);
    expect(({} as Record<string, unknown>).polluted).toBe(undefined);
  });
});

describe('nesting and size', () => {
  const deep = 100_000;

  it('refuses 100,000-deep parentheses without recursing', () => {
    refused('('.repeat(deep) + '1' + ')'.repeat(deep));
  });

  it('refuses 100,000-deep array literals', () => {
    refused('['.repeat(deep) + ']'.repeat(deep));
  });

  it('refuses 100,000 prefix operators', () => {
    refused('!'.repeat(deep) + 'type');
    refused('-'.repeat(deep) + '1');
    refused('- '.repeat(deep) + '1');
  });

  it('refuses 100,000-deep ternaries, calls and member chains', () => {
    refused('type ? '.repeat(deep) + '1' + ' : 2'.repeat(deep));
    refused('lower('.repeat(deep) + 'type' + ')'.repeat(deep));
    refused('payload' + '.a'.repeat(deep));
  });

  it('refuses a 1 MB expression at the length limit', () => {
    const text = 'type == "' + 'x'.repeat(1_000_000) + '"';
    expect(refused(text)).toEqual({
      message: `The expression is longer than ${EXPRESSION_LIMITS.maxLength} characters`,
      position: EXPRESSION_LIMITS.maxLength,
    });
  });

  it('refuses nesting past the depth limit even within the length limit', () => {
    const over = EXPRESSION_LIMITS.maxDepth + 1;
    refused('('.repeat(over) + '1' + ')'.repeat(over));
    refused('['.repeat(over) + ']'.repeat(over));
    refused('!'.repeat(over) + 'type');
    refused('lower('.repeat(over) + 'type' + ')'.repeat(over));
    refused('payload' + '.a'.repeat(over));
    refused(Array.from({ length: over + 1 }, () => 'payload.total').join(' + '));
    refused('type ? '.repeat(over) + '1' + ' : 2'.repeat(over));
    expect(refused('type && ' + '('.repeat(over) + '1' + ')'.repeat(over)).position).toBe(
      8 + EXPRESSION_LIMITS.maxDepth,
    );
  });

  it('accepts reasonable nesting', () => {
    const ok = 20;
    expect(evaluate('('.repeat(ok) + '1' + ')'.repeat(ok))).toBe(1);
    expect(evaluate('!'.repeat(ok) + 'type')).toBe(true);
    expect(evaluate('lower('.repeat(ok) + 'type' + ')'.repeat(ok))).toBe('orderplaced');
    expect(evaluate(Array.from({ length: 30 }, () => 'payload.total').join(' + '))).toBe(30 * 150);
    expect(evaluate('payload' + '.a'.repeat(40))).toBe(undefined);
  });

  it('accepts many sibling ternaries (they do not nest)', () => {
    const text = '[' + Array.from({ length: 80 }, (_, i) => `type ? ${i} : 0`).join(', ') + '][79]';
    expect(text.length).toBeLessThan(EXPRESSION_LIMITS.maxLength);
    expect(evaluate(text)).toBe(79);
  });
});

describe('catastrophic regular expressions', () => {
  it('refuses nested quantifiers, backreferences, lookaround and long patterns', () => {
    expect(refused('matches(payload.s, "(a+)+$")').message).toMatch(/Nested quantifiers/i);
    expect(refused('matches(payload.s, "(a*)*b")').message).toMatch(/Nested quantifiers/i);
    expect(refused('matches(payload.s, "(?:a+){2,}")').message).toMatch(/Nested quantifiers/i);
    expect(refused('matches(payload.s, "(\\\\d+,?)+")').message).toMatch(/Nested quantifiers/i);
    expect(refused('matches(payload.s, "(.*)*")').message).toMatch(/Nested quantifiers/i);
    expect(refused('matches(payload.s, "(a)\\\\1")').message).toMatch(/Backreferences/i);
    expect(refused('matches(payload.s, "(?<x>a)\\\\k<x>")').message).toMatch(/Backreferences/i);
    expect(refused('matches(payload.s, "(?=a)a")').message).toMatch(/Lookahead/i);
    expect(refused('matches(payload.s, "(?<!a)b")').message).toMatch(/Lookbehind/i);
    expect(refused(`matches(payload.s, "${'a'.repeat(101)}")`).message).toContain('100 characters');
    expect(refused('matches(payload.s, "a{1000}")').message).toContain('limited to 100');
    expect(refused('matches(payload.s, "(ab{100}){100}")').message).toMatch(/Nested quantifiers/i);
    expect(refused(`matches(payload.s, "${'(abcdefgh){90}'.repeat(3)}")`).message).toContain('too large');
  });

  it('refuses the pattern at its position in the expression', () => {
    expect(refused('matches(payload.s, "(a+)+$")').position).toBe(24);
  });

  it('runs what it accepts in linear time, even patterns that are slow for backtracking engines', () => {
    const s = 'a'.repeat(20_000) + '!';
    const msg = { ...base, payload: { s } };
    for (const pattern of [
      '(a|aa)+$',
      '(a|a)*b',
      '.*.*.*.*.*.*b',
      '^(a|b|ab)*c$',
      'a*a*a*a*a*a*a*c',
      '(x+x+)?y',
    ]) {
      // A budget large enough to let it finish: the point is how long finishing takes.
      const r = parseExpression(`matches(payload.s, "${pattern}")`, { maxSteps: 10_000_000 });
      if (!r.ok) throw new Error(`${pattern}: ${r.error.message}`);
      const { value, ms } = timed(() => r.expr.evaluate(msg));
      expect(value, pattern).toBe(false);
      expect(ms, pattern).toBeLessThan(PROMPT_MS);
    }
  });

  it('bounds the input it tests', () => {
    const msg = { ...base, payload: { s: 'a'.repeat(1_000_000) } };
    expect(failsAtRunTime('matches(payload.s, "b")', msg).message).toContain('at most');
    const long = { ...base, payload: { s: 'a'.repeat(EXPRESSION_LIMITS.maxMatchInput) } };
    expect(failsAtRunTime('matches(payload.s, "(a|b|c|d)*x")', long).message).toContain('steps');
  });
});

describe('step budget', () => {
  const big = Array.from({ length: 1_000_000 }, (_, i) => i);
  const msg = { ...base, payload: { big, s: 'x'.repeat(1_000_000) } };

  it('stops a scan of a huge array with in', () => {
    expect(failsAtRunTime('-1 in payload.big', msg).message).toContain('steps');
    expect(failsAtRunTime('contains(payload.big, -1)', msg).message).toContain('steps');
  });

  it('stops string() of huge data', () => {
    expect(failsAtRunTime('string(payload.big)', msg).message).toContain('steps');
  });

  it('stops deeply chained operators over a small budget', () => {
    const chain = Array.from({ length: 60 }, () => 'payload.total').join(' * 1 + ');
    expect(failsAtRunTime(chain, base, 100).message).toContain('took more than 100 steps');
  });

  it('stops a chain of string functions on 1 MB strings within the default budget', () => {
    const chain = 'contains(' + 'lower('.repeat(40) + 'payload.s' + ')'.repeat(40) + ', "y")';
    expect(failsAtRunTime(chain, msg).message).toContain('steps');
  });
});

describe('large input values', () => {
  it('handles 1 MB strings without hanging', () => {
    const s = 'ab'.repeat(500_000);
    const msg = { ...base, headers: { region: s }, payload: { s, n: '1'.repeat(1_000_000) } };
    for (const t of [
      'payload.s == headers.region',
      'len(payload.s)',
      'lower(payload.s) != payload.s',
      'contains(payload.s, "abc")',
      'startsWith(payload.s, "ab")',
      'endsWith(headers.region, "b")',
      'payload.s + payload.s',
      'number(payload.n) > 0',
      '"ab" in [payload.s]',
      'payload.s < headers.region',
    ]) {
      const { ms } = timed(() => evaluate(t, msg));
      expect(ms, t).toBeLessThan(PROMPT_MS);
    }
  });
});

describe('fuzzing', () => {
  const tokens = [
    'payload',
    'headers',
    'type',
    'id',
    '.',
    '[',
    ']',
    '(',
    ')',
    '"x"',
    "'y'",
    '1',
    '0',
    '-1',
    '+',
    '-',
    '*',
    '/',
    '%',
    '!',
    '?',
    ':',
    ',',
    ';',
    ' in ',
    '__proto__',
    'constructor',
    'prototype',
    '"__proto__"',
    'lower',
    'len',
    'string',
    'matches',
    'now',
    '"(a+)+"',
    '"a*"',
    '==',
    '!=',
    '<',
    '>=',
    '&&',
    '||',
    ' ',
    "'",
    '"',
    '\\',
    '~',
    '|',
    '**',
    '=',
    'this',
    'undefined',
    'null',
    'true',
    'items',
    'a',
    '?.',
  ];
  const soup = fc.array(fc.constantFrom(...tokens), { maxLength: 40 }).map((xs) => xs.join(''));
  const msg: MessageLike = {
    ...base,
    payload: { a: { a: [1, 'x', null] }, items: ['x', 'y'], x: 'x', __proto__: null } as unknown,
  };

  it('never throws from parseExpression, and evaluation throws only ExpressionError', () => {
    fc.assert(
      fc.property(fc.oneof(soup, fc.string({ maxLength: 60 })), (text) => {
        const r = parseExpression(text);
        if (!r.ok) {
          expect(r.error.position).toBeGreaterThanOrEqual(0);
          expect(r.error.position).toBeLessThanOrEqual(text.length);
          return;
        }
        try {
          const v = r.expr.evaluate(msg, { now: 5 });
          expect(typeof v).not.toBe('function');
        } catch (e) {
          expect(e).toBeInstanceOf(ExpressionError);
        }
      }),
      { numRuns: 5000 },
    );
    expect(({} as Record<string, unknown>).x).toBe(undefined);
  });
});

describe('no code execution', () => {
  it('the implementation contains no eval, Function constructor or dynamic import', () => {
    const dir = __dirname;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))) {
      const code = readFileSync(join(dir, file), 'utf8').replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, '');
      expect(code, file).not.toMatch(/\beval\s*\(/);
      expect(code, file).not.toMatch(/\bFunction\s*\(/);
      expect(code, file).not.toMatch(/\bimport\s*\(/);
      expect(code, file).not.toMatch(/\bsetTimeout|setInterval\b/);
    }
  });
});

describe('jsep global configuration', () => {
  it('survives other code changing jsep operators', () => {
    jsep.removeBinaryOp('in');
    jsep.removeBinaryOp('&&');
    expect(evaluate('"eu" in ["eu"] && true')).toBe(true);
    jsep.addBinaryOp('|', 3);
    jsep.addBinaryOp('in', 1);
    expect(refused('1 | 2').message).toContain('not supported');
    expect(evaluate('1 + 1 in [2]')).toBe(true); // "in" is back at comparison precedence
    jsep.removeAllBinaryOps();
    expect(evaluate('payload.total > 100 && headers.region == "eu"')).toBe(true);
    jsep.addUnaryOp('typeof');
    expect(refused('typeof type').message).toContain('not supported');
  });

  it('refuses node types added by other jsep plugins', () => {
    jsep.addLiteral('evil', /x/);
    expect(refused('evil').message).toContain('Unsupported literal');
    jsep.removeLiteral('evil');
  });
});
