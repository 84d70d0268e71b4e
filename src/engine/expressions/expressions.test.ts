import { describe, it, expect } from 'vitest';
import type { Message } from '../../model/message';
import { messageId } from '../../model/ids';
import {
  EXPRESSION_LIMITS,
  ExpressionError,
  parseExpression,
  validateExpression,
  type CompiledExpression,
  type MessageLike,
} from './index';

const base: MessageLike = {
  id: 'm17',
  correlationId: 'c3',
  kind: 'command',
  type: 'PlaceOrder',
  headers: { region: 'eu', 'x-tenant': 'acme', topic: 'orders.created' },
  payload: {
    total: 150,
    zero: 0,
    empty: '',
    flag: true,
    nothing: null,
    sku: 'A-1',
    name: 'Grüße Straße',
    items: [
      { sku: 'A-1', qty: 2 },
      { sku: 'B-2', qty: 1 },
    ],
    tags: ['new', 'vip'],
    nested: { deeper: { value: 42 } },
    'odd key': 'yes',
  },
};

function compile(text: string): CompiledExpression {
  const r = parseExpression(text);
  if (!r.ok) throw new Error(`${text}: ${r.error.message} at ${r.error.position}`);
  return r.expr;
}

const ev = (text: string, msg: MessageLike = base, now?: number): unknown =>
  compile(text).evaluate(msg, now === undefined ? undefined : { now });

function problem(text: string): { message: string; position: number } {
  const r = parseExpression(text);
  if (r.ok) throw new Error(`expected ${text} to be refused`);
  return r.error;
}

function runtimeError(text: string, msg: MessageLike = base): ExpressionError {
  const expr = compile(text);
  try {
    expr.evaluate(msg);
  } catch (e) {
    expect(e).toBeInstanceOf(ExpressionError);
    return e as ExpressionError;
  }
  throw new Error(`expected ${text} to throw`);
}

describe('API', () => {
  it('returns a compiled expression with its source', () => {
    const r = parseExpression('payload.total > 100');
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.expr.source).toBe('payload.total > 100');
      expect(r.expr.evaluate(base)).toBe(true);
      expect(r.expr.test(base)).toBe(true);
    }
  });

  it('test() is truthiness', () => {
    expect(compile('payload.total').test(base)).toBe(true);
    expect(compile('payload.zero').test(base)).toBe(false);
    expect(compile('payload.empty').test(base)).toBe(false);
    expect(compile('payload.nothing').test(base)).toBe(false);
    expect(compile('payload.missing').test(base)).toBe(false);
    expect(compile('payload.tags').test(base)).toBe(true);
    expect(compile('[]').test(base)).toBe(true);
    expect(compile('0 / 0').test(base)).toBe(false);
  });

  it('validateExpression returns null or the problem', () => {
    expect(validateExpression('type == "PlaceOrder"')).toBeNull();
    expect(validateExpression('type = "PlaceOrder"')).toMatchObject({ position: expect.any(Number) });
  });

  it('accepts a Message from the model as a MessageLike', () => {
    const msg: Message = {
      id: messageId('m1'),
      seq: 1,
      correlationId: 'm1',
      causationId: null,
      kind: 'event',
      type: 'OrderPlaced',
      headers: { region: 'eu' },
      payload: { total: 5 },
      createdAt: 0,
      expiresAt: null,
      priority: 0,
      root: 1,
      hops: 0,
      arrivedAt: 0,
      deliveries: 0,
      deliveredBy: -1,
      failedAt: -1,
      deadLetterReason: null,
      deadLetterDetail: null,
      attempt: 1,
    };
    expect(compile('kind == "event" && payload.total == 5').test(msg)).toBe(true);
  });

  it('is reusable across messages and after an error', () => {
    const expr = compile('payload.total * 2');
    expect(expr.evaluate(base)).toBe(300);
    expect(() => expr.evaluate({ ...base, payload: { total: 'x' } })).toThrow(ExpressionError);
    expect(expr.evaluate({ ...base, payload: { total: 4 } })).toBe(8);
  });

  it('does not mutate the message', () => {
    const msg = structuredClone(base);
    const before = JSON.stringify(msg);
    for (const t of [
      'payload.items[0].sku',
      'len(payload)',
      'string(payload)',
      'payload.tags',
      '[payload.total]',
    ]) {
      ev(t, msg);
    }
    expect(JSON.stringify(msg)).toBe(before);
  });

  it('rejects a non-positive step budget option', () => {
    expect(() => parseExpression('1', { maxSteps: 0 })).toThrow(TypeError);
  });
});

describe('literals and message fields', () => {
  it('reads numbers, strings, booleans, null and undefined', () => {
    expect(ev('42')).toBe(42);
    expect(ev('3.5e2')).toBe(350);
    expect(ev('.5')).toBe(0.5);
    expect(ev('"double"')).toBe('double');
    expect(ev("'single'")).toBe('single');
    expect(ev('"tab\\there"')).toBe('tab\there');
    expect(ev('"quote \\" inside"')).toBe('quote " inside');
    expect(ev('true')).toBe(true);
    expect(ev('false')).toBe(false);
    expect(ev('null')).toBe(null);
    expect(ev('undefined')).toBe(undefined);
  });

  it('reads the message fields', () => {
    expect(ev('id')).toBe('m17');
    expect(ev('correlationId')).toBe('c3');
    expect(ev('kind')).toBe('command');
    expect(ev('type')).toBe('PlaceOrder');
    expect(ev('headers')).toBe(base.headers);
    expect(ev('payload')).toBe(base.payload);
  });

  it('refuses unknown names, pointing at them', () => {
    expect(problem('payload.total > 1 && totl > 2')).toEqual({
      message: expect.stringContaining('Unknown name "totl"'),
      position: 21,
    });
    expect(problem('message.type').position).toBe(0);
    expect(problem('this.type').message).toContain('"this"');
  });
});

describe('member and index access', () => {
  it('reads nested properties and array elements', () => {
    expect(ev('payload.total')).toBe(150);
    expect(ev('payload.nested.deeper.value')).toBe(42);
    expect(ev('payload.items[1].sku')).toBe('B-2');
    expect(ev('payload["odd key"]')).toBe('yes');
    expect(ev('headers["x-tenant"]')).toBe('acme');
    expect(ev('payload.tags[0]')).toBe('new');
    expect(ev('payload["items"][0]["qty"]')).toBe(2);
    expect(ev('[10, 20, 30][2]')).toBe(30);
  });

  it('reads computed keys', () => {
    const msg = {
      ...base,
      headers: { ...base.headers, field: 'total' },
      payload: { total: 7, i: 1, list: ['a', 'b'] },
    };
    expect(ev('payload[headers.field]', msg)).toBe(7);
    expect(ev('payload.list[payload.i]', msg)).toBe('b');
    expect(ev('payload.list[payload.i - 1]', msg)).toBe('a');
    expect(ev('payload[payload.missing]', msg)).toBe(undefined);
    expect(ev('payload[payload.missing == undefined]', msg)).toBe(undefined); // not text or a number: nothing
  });

  it('yields undefined for anything missing, like optional chaining', () => {
    expect(ev('payload.missing')).toBe(undefined);
    expect(ev('payload.missing.deeper.still')).toBe(undefined);
    expect(ev('payload.nothing.x')).toBe(undefined);
    expect(ev('payload.total.x')).toBe(undefined);
    expect(ev('payload.sku.length')).toBe(undefined); // strings have no readable properties; use len()
    expect(ev('payload.items[5]')).toBe(undefined);
    expect(ev('payload.items[-1]')).toBe(undefined);
    expect(ev('headers.absent')).toBe(undefined);
    expect(ev('payload?.items?.[0]?.sku')).toBe('A-1');
  });

  it('reads only own properties', () => {
    expect(ev('payload.toString')).toBe(undefined);
    expect(ev('payload.hasOwnProperty')).toBe(undefined);
    expect(ev('payload.tags.map')).toBe(undefined);
    expect(ev('payload.tags.length')).toBe(2); // an own data property of arrays
    const inherited = Object.create({ secret: 's' }) as Record<string, unknown>;
    inherited.own = 'o';
    expect(ev('payload.own', { ...base, payload: inherited })).toBe('o');
    expect(ev('payload.secret', { ...base, payload: inherited })).toBe(undefined);
  });

  it('never calls getters', () => {
    let called = false;
    const payload = Object.defineProperty({}, 'sneaky', {
      get() {
        called = true;
        return 1;
      },
      enumerable: true,
    });
    expect(ev('payload.sneaky', { ...base, payload })).toBe(undefined);
    expect(called).toBe(false);
  });

  it('refuses literal index values that are not text or numbers', () => {
    expect(problem('payload[null]').message).toContain('index');
    expect(problem('payload[[1]]').message).toContain('index');
    expect(problem('payload[true == true]').message).toContain('index');
  });
});

describe('arithmetic', () => {
  it('computes + - * / % with precedence', () => {
    expect(ev('1 + 2 * 3')).toBe(7);
    expect(ev('(1 + 2) * 3')).toBe(9);
    expect(ev('10 - 4 - 3')).toBe(3);
    expect(ev('2 * 3 % 4')).toBe(2);
    expect(ev('7 / 2')).toBe(3.5);
    expect(ev('7 % 3')).toBe(1);
    expect(ev('-7 % 3')).toBe(-1);
    expect(ev('1 / 0')).toBe(Infinity);
    expect(ev('payload.total * 1.2')).toBeCloseTo(180);
    expect(ev('-payload.total')).toBe(-150);
    expect(ev('+payload.total')).toBe(150);
    expect(ev('- -1')).toBe(1);
  });

  it('joins text with +', () => {
    expect(ev('"a" + "b"')).toBe('ab');
    expect(ev('type + "/" + payload.total')).toBe('PlaceOrder/150');
    expect(ev('1 + "x"')).toBe('1x');
  });

  it('does not coerce: other operand types are errors, at the operator', () => {
    const e = runtimeError('payload.total * payload.sku');
    expect(e.message).toContain('"*" needs numbers, got number and string');
    expect(e.position).toBe(14);
    expect(runtimeError('payload.total - payload.missing').message).toContain('number and undefined');
    expect(runtimeError('payload.flag + 1').message).toContain('"+"');
    expect(runtimeError('"a" + payload.nothing').message).toContain('"+"');
    expect(runtimeError('payload.tags + "x"').message).toContain('array');
    expect(runtimeError('-payload.sku').message).toContain('"-" needs a number');
    expect(runtimeError('+payload.sku').message).toContain('"+" needs a number');
  });

  it('reports type errors between constants at check time', () => {
    expect(problem('1 * "x"')).toEqual({ message: expect.stringContaining('"*"'), position: 2 });
    expect(problem('payload.total > 1 && -"a"').position).toBe(21);
  });
});

describe('comparison', () => {
  it('== and != are strict (===)', () => {
    expect(ev('payload.total == 150')).toBe(true);
    expect(ev('payload.total == "150"')).toBe(false);
    expect(ev('payload.total != "150"')).toBe(true);
    expect(ev('payload.zero == false')).toBe(false);
    expect(ev('payload.nothing == null')).toBe(true);
    expect(ev('payload.missing == null')).toBe(false);
    expect(ev('payload.missing == undefined')).toBe(true);
    expect(ev('payload.total === 150 && payload.total !== 151')).toBe(true);
    expect(ev('headers.region == "eu"')).toBe(true);
    expect(ev('"eu" == headers.region')).toBe(true);
    expect(ev('payload.tags == payload.tags')).toBe(true);
    expect(ev('[1] == [1]')).toBe(false); // by identity, like JavaScript
    expect(ev('0 / 0 == 0 / 0')).toBe(false);
  });

  it('orders numbers with numbers and text with text; anything else is false', () => {
    expect(ev('payload.total > 100')).toBe(true);
    expect(ev('payload.total >= 150')).toBe(true);
    expect(ev('payload.total < 150')).toBe(false);
    expect(ev('payload.total <= 150')).toBe(true);
    expect(ev('100 < payload.total')).toBe(true);
    expect(ev('200 <= payload.total')).toBe(false);
    expect(ev('"abc" < "abd"')).toBe(true);
    expect(ev('type > "A"')).toBe(true);
    expect(ev('"Z" >= type')).toBe(true);
    expect(ev('payload.total > "100"')).toBe(false);
    expect(ev('payload.total < "100"')).toBe(false);
    expect(ev('payload.missing > 1')).toBe(false);
    expect(ev('payload.missing <= 1')).toBe(false);
    expect(ev('payload.nothing < 1')).toBe(false);
    expect(ev('payload.total > payload.zero')).toBe(true);
    expect(ev('payload.sku < payload.name')).toBe(true);
    expect(ev('payload.sku < payload.total')).toBe(false);
    expect(ev('payload.sku >= payload.total')).toBe(false);
  });
});

describe('logic and ternary', () => {
  it('&& and || short-circuit and return an operand', () => {
    expect(ev('payload.total > 100 && headers.region == "eu" && type != "Cancel"')).toBe(true);
    expect(ev('payload.total > 100 && type == "Cancel"')).toBe(false);
    expect(ev('headers.missing || "default"')).toBe('default');
    expect(ev('headers.region || "default"')).toBe('eu');
    expect(ev('payload.zero && payload.total')).toBe(0);
    expect(ev('true || payload.total * "x"')).toBe(true); // the right side is not evaluated
    expect(ev('false && payload.total * "x"')).toBe(false);
    expect(ev('true || false && false')).toBe(true); // && binds tighter
  });

  it('! negates truthiness', () => {
    expect(ev('!payload.flag')).toBe(false);
    expect(ev('!payload.missing')).toBe(true);
    expect(ev('!!payload.total')).toBe(true);
    expect(ev('!(payload.total > 100)')).toBe(false);
  });

  it('evaluates ternaries, only the branch taken', () => {
    expect(ev('payload.total > 100 ? "big" : "small"')).toBe('big');
    expect(ev('payload.total > 200 ? "big" : payload.total > 100 ? "medium" : "small"')).toBe('medium');
    expect(ev('payload.flag ? 1 : payload.total * "x"')).toBe(1);
    expect(ev('true ? 1 : 2')).toBe(1);
    expect(ev('(payload.total > 1 ? "a" : "b") + "!"')).toBe('a!');
  });
});

describe('in', () => {
  it('tests membership in an array, strictly', () => {
    expect(ev('"eu" in ["eu", "us"]')).toBe(true);
    expect(ev('headers.region in ["eu", "us"]')).toBe(true);
    expect(ev('headers.region in ["us"]')).toBe(false);
    expect(ev('"vip" in payload.tags')).toBe(true);
    expect(ev('"VIP" in payload.tags')).toBe(false);
    expect(ev('150 in [payload.total, 1]')).toBe(true);
    expect(ev('"150" in [150]')).toBe(false);
    expect(ev('payload.total in ["150"]')).toBe(false);
    expect(ev('0 / 0 in [0 / 0]')).toBe(false);
  });

  it('uses a set for long constant arrays with the same answers', () => {
    const list = Array.from({ length: 40 }, (_, i) => `"r${i}"`).join(', ');
    expect(ev(`"r39" in [${list}]`)).toBe(true);
    expect(ev(`headers.region in [${list}]`)).toBe(false);
    expect(ev(`headers.region in [${list}, "eu"]`)).toBe(true);
    expect(ev(`(0 / 0) in [${list}, 0 / 0]`)).toBe(false);
    expect(ev(`payload.zero in [${list}, 0]`)).toBe(true);
  });

  it('tests own keys of an object', () => {
    expect(ev('"region" in headers')).toBe(true);
    expect(ev('"nope" in headers')).toBe(false);
    expect(ev('"total" in payload')).toBe(true);
    expect(ev('"toString" in payload')).toBe(false);
    expect(ev('"constructor" in payload')).toBe(false);
    expect(ev('"__proto__" in payload')).toBe(false);
    expect(ev('0 in payload.items')).toBe(false); // arrays: membership, not indices
  });

  it('finds nothing in anything else', () => {
    expect(ev('"a" in payload.missing')).toBe(false);
    expect(ev('"a" in payload.nothing')).toBe(false);
    expect(ev('"P" in type')).toBe(false);
    expect(ev('1 in payload.total')).toBe(false);
    expect(ev('true in headers')).toBe(false);
  });

  it('has the precedence of a comparison', () => {
    expect(ev('"eu" in ["eu"] && "us" in ["us"]')).toBe(true);
    expect(ev('1 + 1 in [2]')).toBe(true);
  });

  it('is not confused with names that start with "in"', () => {
    const msg = { ...base, payload: { index: 3, inner: [3] } };
    expect(ev('payload.index in payload.inner', msg)).toBe(true);
  });
});

describe('arrays', () => {
  it('builds arrays', () => {
    expect(ev('[1, "a", null, true]')).toEqual([1, 'a', null, true]);
    expect(ev('[payload.total, payload.sku]')).toEqual([150, 'A-1']);
    expect(ev('[]')).toEqual([]);
    expect(ev('[[1, 2], [3]]')).toEqual([[1, 2], [3]]);
  });

  it('returns constant arrays frozen', () => {
    const arr = ev('[1, 2]') as number[];
    expect(Object.isFrozen(arr)).toBe(true);
  });

  it('refuses holes', () => {
    expect(problem('[1, , 2]').message).toContain('Empty array slots');
  });
});

describe('functions', () => {
  it('len', () => {
    expect(ev('len(payload.sku)')).toBe(3);
    expect(ev('len(payload.items)')).toBe(2);
    expect(ev('len(payload.nested)')).toBe(1);
    expect(ev('len(headers)')).toBe(3);
    expect(ev('len("")')).toBe(0);
    expect(ev('len(payload.missing)')).toBe(0);
    expect(ev('len(payload.nothing)')).toBe(0);
    expect(runtimeError('len(payload.total)').message).toContain('len() needs');
  });

  it('lower and upper', () => {
    expect(ev('lower("EU")')).toBe('eu');
    expect(ev('upper(headers.region)')).toBe('EU');
    expect(ev('upper(payload.name)')).toBe('GRÜSSE STRASSE');
    expect(ev('lower(headers.missing)')).toBe(undefined);
    expect(ev('lower(headers.missing) == "eu"')).toBe(false);
    expect(runtimeError('lower(payload.total)').message).toContain('lower() needs text, got number');
  });

  it('startsWith, endsWith', () => {
    expect(ev('startsWith(headers.topic, "orders.")')).toBe(true);
    expect(ev('startsWith(headers.topic, "payments.")')).toBe(false);
    expect(ev('endsWith(headers.topic, ".created")')).toBe(true);
    expect(ev('endsWith(type, "")')).toBe(true);
    expect(ev('startsWith(headers.missing, "x")')).toBe(false);
    expect(ev('endsWith(type, headers.missing)')).toBe(false);
    expect(runtimeError('startsWith(payload.total, "1")').message).toContain('startsWith() needs text');
    expect(runtimeError('endsWith(type, 1)').message).toContain('endsWith() needs text');
  });

  it('contains, on text and arrays', () => {
    expect(ev('contains(headers.topic, "created")')).toBe(true);
    expect(ev('contains(type, "order")')).toBe(false);
    expect(ev('contains(payload.tags, "vip")')).toBe(true);
    expect(ev('contains(payload.tags, "x")')).toBe(false);
    expect(ev('contains(payload.missing, "x")')).toBe(false);
    expect(ev('contains(type, payload.missing)')).toBe(false);
    expect(runtimeError('contains(payload.total, 1)').message).toContain('contains() needs');
    expect(runtimeError('contains(type, 1)').message).toContain('contains() needs');
  });

  it('matches', () => {
    expect(ev('matches(type, "^Place")')).toBe(true);
    expect(ev('matches(type, "order$")')).toBe(false);
    expect(ev('matches(type, "order$", "i")')).toBe(true);
    expect(ev('matches(payload.sku, "^[A-Z]-\\\\d+$")')).toBe(true);
    expect(ev('matches(payload.sku, "^[A-Z]-\\d+$")')).toBe(true); // a single backslash is kept in patterns
    expect(ev('matches(headers.missing, "x")')).toBe(false);
    expect(runtimeError('matches(payload.total, "1")').message).toContain('matches() needs text');
  });

  it('matches() wants literal patterns and flags, and checks them at compile time', () => {
    expect(problem('matches(type, headers.region)').message).toContain('must be a string literal');
    expect(problem('matches(type, "a", headers.region)').message).toContain('must be a string literal');
    expect(problem('matches(type, "a", "g")')).toEqual({
      message: expect.stringContaining('unknown flag "g"'),
      position: 20,
    });
    expect(problem('matches(type, "(a")').message).toContain('unterminated group');
    expect(problem('matches(type, "a" + "(")').message).toContain('unterminated group'); // a constant is fine
  });

  it('number', () => {
    expect(ev('number("42")')).toBe(42);
    expect(ev('number(" 4.5 ")')).toBe(4.5);
    expect(ev('number("1e3")')).toBe(1000);
    expect(ev('number("abc")')).toBeNaN();
    expect(ev('number("")')).toBeNaN();
    expect(ev('number(payload.total)')).toBe(150);
    expect(ev('number(true)')).toBe(1);
    expect(ev('number(payload.missing)')).toBe(undefined);
    expect(ev('number(null)')).toBe(undefined);
    expect(runtimeError('number(payload.tags)').message).toContain('number() needs');
  });

  it('string', () => {
    expect(ev('string(payload.total)')).toBe('150');
    expect(ev('string("x")')).toBe('x');
    expect(ev('string(false)')).toBe('false');
    expect(ev('string(null)')).toBe('null');
    expect(ev('string(payload.missing)')).toBe(undefined);
    expect(ev('string(payload.items)')).toBe('[{"sku":"A-1","qty":2},{"sku":"B-2","qty":1}]');
    expect(ev('string(headers)')).toBe(JSON.stringify(base.headers));
    expect(ev('string(payload)')).toBe(JSON.stringify(base.payload));
  });

  it('now returns the virtual time of the context', () => {
    expect(ev('now()', base, 1250)).toBe(1250);
    expect(ev('now() - 250', base, 1250)).toBe(1000);
    const expr = compile('now() > 100');
    expect(expr.test(base, { now: 50 })).toBe(false);
    expect(expr.test(base, { now: 150 })).toBe(true);
    expect(runtimeError('now()').message).toContain('now() needs the virtual time');
  });

  it('checks names and arity at compile time', () => {
    expect(problem('lower()')).toEqual({
      message: expect.stringContaining('lower() takes 1 argument'),
      position: 0,
    });
    expect(problem('startsWith(type)').message).toContain('takes 2 arguments');
    expect(problem('now(1)').message).toContain('takes 0 arguments');
    expect(problem('matches(type)').message).toContain('takes 2 to 3 arguments');
    expect(problem('type == "x" && foo(type)')).toEqual({
      message: expect.stringContaining('Unknown function "foo"'),
      position: 15,
    });
    expect(problem('type(1)').message).toContain('message field, not a function');
  });
});

describe('syntax errors and positions', () => {
  it('reports jsep errors with their index', () => {
    expect(problem('payload.total >')).toEqual({ message: expect.any(String), position: 15 });
    expect(problem('(payload.total').message).toContain('Unclosed');
    expect(problem('"open').message).toContain('Unclosed quote');
    expect(problem('')).toEqual({ message: 'The expression is empty', position: 0 });
    expect(problem('   ').message).toBe('The expression is empty');
  });

  it('refuses operators outside the language where they are', () => {
    for (const [text, position] of [
      ['payload.total | 1', 14],
      ['payload.total & 1', 14],
      ['payload.total ^ 1', 14],
      ['payload.total << 1', 14],
      ['payload.total >> 1', 14],
      ['payload.total >>> 1', 14],
      ['payload.total ** 2', 14],
      ['payload.total ?? 2', 14],
    ] as const) {
      expect(problem(text), text).toEqual({ message: expect.stringContaining('is not supported'), position });
    }
    expect(problem('~payload.total')).toEqual({ message: expect.stringContaining('"~"'), position: 0 });
  });

  it('refuses assignment, sequences and several expressions', () => {
    expect(problem('type = "x"').position).toBeGreaterThanOrEqual(5);
    expect(problem('(type, kind)').message).toContain('commas');
    expect(problem('type kind')).toEqual({
      message: expect.stringContaining('single expression'),
      position: 5,
    });
    expect(problem('type; kind').position).toBe(6);
  });

  it('points at the operator of a failing binary expression even when nested', () => {
    expect(runtimeError('(payload.total + 1) * (2 - payload.sku)').position).toBe(25);
    expect(runtimeError('[1, payload.total % payload.sku][0]').position).toBe(18);
  });

  it('points at a run-time failure inside a function argument', () => {
    expect(runtimeError('lower(type) == "x" || len(payload.total) > 0').position).toBe(22);
  });
});

describe('step budget', () => {
  it('counts operators and throws past the budget', () => {
    const chain = Array.from({ length: 40 }, () => 'payload.total').join(' + ');
    const r = parseExpression(chain, { maxSteps: 50 });
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(() => r.expr.evaluate(base)).toThrow(/took more than 50 steps/);
      const again = parseExpression(chain, { maxSteps: 1000 });
      expect(again.ok && again.expr.evaluate(base)).toBe(40 * 150);
    }
  });

  it('resets for every evaluation', () => {
    const r = parseExpression('payload.total > 1 && payload.total < 1000', { maxSteps: 10 });
    expect(r.ok).toBe(true);
    if (r.ok) for (let i = 0; i < 100; i++) expect(r.expr.test(base)).toBe(true);
  });

  it('has a documented default', () => {
    expect(EXPRESSION_LIMITS.maxSteps).toBeGreaterThan(1000);
  });
});
