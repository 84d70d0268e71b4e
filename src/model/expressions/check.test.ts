import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { compileAst } from '../../engine/expressions/compile';
import { ExpressionError } from '../../engine/expressions/ExpressionError';
import { parseExpression } from '../../engine/expressions/parseExpression';
import { FUNCTIONS } from '../../engine/expressions/functions';
import { buildTopology } from '../../engine/testing/TestSimulation';
import { formatError } from '../errors';
import { validateTopology } from '../topology';
import { checkExpression, expressionSchema, FUNCTION_SIGNATURES, MESSAGE_FIELDS } from './index';
import { parseAst } from './parser';

/** What the engine's compiler says of an expression, without the model's checker in front of it. */
function compilerProblem(text: string): { message: string; position: number } | null {
  const parsed = parseAst(text);
  if ('problem' in parsed) return parsed.problem;
  try {
    compileAst(parsed.ast, parsed.positions);
    return null;
  } catch (e) {
    if (!(e instanceof ExpressionError)) throw e;
    return { message: e.message, position: e.position };
  }
}

/**
 * What only the compiler can find, because it needs a constant computed: a type error between constants,
 * a forbidden key computed from constants, a `matches()` pattern given as a constant expression, a
 * constant index of the wrong type, a constant computation over its step budget.
 */
const NEEDS_CONSTANTS = [
  /^The operator "[^"]+" needs/,
  /^\w+\(\) needs /,
  /^The property "(__proto__|constructor|prototype)" cannot be read$/,
  /^Invalid matches\(\) pattern/,
  /^An index must be text or a number/,
  /^The expression took more than/,
  /^now\(\) needs the virtual time/,
  /^string\(\) (nests|cannot)/,
  /^Functions cannot be read/,
];

type Problem = { message: string; position: number } | null;

/**
 * The checker and the compiler agree: what the checker refuses, the compiler refuses with the same words
 * and position, unless it stopped earlier at a constant it computed; what the checker accepts, the
 * compiler accepts, unless it needs a constant computed to see the problem.
 */
function agree(text: string, model: Problem, engine: Problem): void {
  const needsConstants = (p: NonNullable<Problem>) => NEEDS_CONSTANTS.some((re) => re.test(p.message));
  if (model) {
    expect(engine, `${text}: the compiler accepts what the checker refuses`).not.toBeNull();
    if (!needsConstants(engine!)) expect(engine, text).toEqual(model);
  } else if (engine) {
    expect(needsConstants(engine), `${text}: ${engine.message}`).toBe(true);
  }
}

const CORPUS = [
  'payload.total > 100 && headers.region == "eu"',
  'type == "PlaceOrder" && headers.env != "test" && payload.total >= 10',
  'payload.items[0].sku',
  'payload["odd key"]',
  'len(payload.items) > 2 ? "many" : "few"',
  'lower(headers.region) in ["eu", "uk"]',
  'matches(type, "^Place")',
  'matches(type, "(a")',
  'matches(type, "a", "g")',
  'matches(type, "a", "ii")',
  'matches(type, "(a+)+")',
  'matches(type, "a{1000}")',
  'matches(type, "\\\\d+(")',
  'matches(type, headers.p)',
  'matches(type, "a" + "(")',
  'matches(type, "a", headers.f)',
  'payload.__proto__',
  'payload["constructor"]',
  'payload["__pro" + "to__"]',
  'payload[true]',
  'payload[null]',
  'payload[1 + 1]',
  'this.x',
  'foo(1)',
  'payload(1)',
  'lower',
  'lower()',
  'matches(type)',
  'now(1)',
  'payload.x.y()',
  'totl > 1',
  '1 * "x"',
  'payload.total > 1 && -"a"',
  '1 | 2',
  '1 ** 2',
  'a = 1',
  '[1, , 2]',
  '1, 2',
  '1 2',
  '',
  '   ',
  'payload.total >',
  '(((((payload)))))',
  '('.repeat(70) + '1' + ')'.repeat(70),
  '-'.repeat(70) + '1',
  'true ? 1 : 2 ? 3 : 4',
  'undefined == payload.x',
  'number("1") + 1',
  'string(now())',
  'contains(payload.tags, "vip") || startsWith(type, "Pl") || endsWith(type, "r")',
  '"__proto__" in payload',
  'payload?.constructor',
  'x'.repeat(2001),
];

describe('the model checker agrees with the engine compiler', () => {
  it.each(CORPUS.map((t) => [t.length > 60 ? t.slice(0, 57) + '…' : t, t]))('%s', (_label, text) => {
    const model = checkExpression(text);
    const engine = compilerProblem(text);
    agree(text, model, engine);
    // the engine's public entry point runs the checker first: it reports exactly what validation reports
    const r = parseExpression(text);
    if (model) expect(r).toEqual({ ok: false, error: model });
  });

  it('on random token soup, too (refusals match exactly; the rest need constants)', () => {
    const tokens = [
      'payload',
      'headers',
      'type',
      'id',
      'kind',
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
      ' in ',
      '__proto__',
      'constructor',
      '"constructor"',
      'lower',
      'len',
      'string',
      'matches',
      'now',
      'number',
      '"(a+)+"',
      '"a*"',
      '"^a"',
      '==',
      '!=',
      '<',
      '>=',
      '&&',
      '||',
      ' ',
      '"',
      '\\',
      '|',
      '=',
      'this',
      'undefined',
      'null',
      'true',
      'items',
      'a',
      '?.',
    ];
    const soup = fc.array(fc.constantFrom(...tokens), { maxLength: 30 }).map((xs) => xs.join(''));
    let refused = 0;
    fc.assert(
      fc.property(soup, (text) => {
        const model = checkExpression(text);
        const engine = compilerProblem(text);
        if (model) refused++;
        agree(text, model, engine);
      }),
      { numRuns: 4000 },
    );
    expect(refused).toBeGreaterThan(1000);
  });

  it('knows the same functions, with the same arity and signatures, and the same message fields', () => {
    const engine = [...FUNCTIONS].map(([name, s]) => [name, s.minArgs, s.maxArgs, s.pure, s.signature]);
    const model = [...FUNCTION_SIGNATURES].map(([name, s]) => [
      name,
      s.minArgs,
      s.maxArgs,
      s.pure,
      s.signature,
    ]);
    expect(model).toEqual(engine);
    for (const field of MESSAGE_FIELDS) expect(compilerProblem(field)).toBeNull();
    expect(compilerProblem('correlationid')?.message).toContain(MESSAGE_FIELDS.join(', '));
  });

  it('refuses hostile input quickly, without recursing (100,000-deep nesting, 1 MB)', () => {
    expect(checkExpression('('.repeat(100_000) + '1' + ')'.repeat(100_000))).not.toBeNull();
    expect(checkExpression('('.repeat(900) + '1' + ')'.repeat(900))?.message).toMatch(/nests deeper/);
    expect(checkExpression('!'.repeat(900) + 'true')?.message).toMatch(/nests deeper/);
    expect(checkExpression('[1,'.repeat(400) + ']'.repeat(400))?.message).toMatch(/nests deeper/);
    expect(checkExpression('type == "' + 'x'.repeat(1_000_000) + '"')?.message).toMatch(/longer than/);
  });

  it('contains no eval, Function constructor or dynamic import', () => {
    for (const file of readdirSync(__dirname).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))) {
      const code = readFileSync(join(__dirname, file), 'utf8').replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, '');
      expect(code, file).not.toMatch(/\beval\s*\(/);
      expect(code, file).not.toMatch(/\bFunction\s*\(/);
      expect(code, file).not.toMatch(/\bimport\s*\(/);
    }
  });
});

describe('expressionSchema', () => {
  const schema = z.strictObject({ when: expressionSchema('When') });

  it('accepts valid expressions and marks the field as an expression for the inspector', () => {
    expect(schema.safeParse({ when: 'payload.total > 100' }).success).toBe(true);
    expect(z.toJSONSchema(schema).properties?.when).toMatchObject({
      type: 'string',
      title: 'When',
      widget: 'expression',
    });
  });

  it('refuses invalid ones with the problem, its position and the E140 marker', () => {
    const r = schema.safeParse({ when: 'payload.total >' });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]).toMatchObject({
      code: 'custom',
      path: ['when'],
      message: 'Expected expression after > (at character 16)',
      params: { code: 'E140', position: 15 },
    });
  });
});

describe('topology validation: E140 with node id, field path and character position', () => {
  it('router rules', () => {
    const v = validateTopology(
      buildTopology({
        src: 'producer',
        router: [
          'content-based-router',
          {
            rules: [
              { name: 'ok', when: 'true' },
              { name: 'big', when: 'payload.total > > 100' },
            ],
          },
        ],
      }),
    );
    expect(v.ok).toBe(false);
    if (v.ok) return;
    expect(v.errors).toHaveLength(1);
    expect(v.errors[0]).toMatchObject({
      code: 'E140',
      path: 'nodes[1].config.rules[1].when',
      nodeId: 'router',
      position: 16,
    });
    expect(formatError(v.errors[0], 'orders.json')).toBe(
      'orders.json: nodes[1].config.rules[1].when (node "router"): E140 Expected expression after > (at character 17)',
    );
  });

  it('filters, recipient lists and translator mappings; security refusals too', () => {
    const v = validateTopology(
      buildTopology({
        f: ['message-filter', { when: 'payload.__proto__.x' }],
        rl: ['recipient-list', { dynamic: 'expression', expression: 'eval("1")' }],
        tr: ['message-translator', { mapping: [{ op: 'set', path: 'payload.x', value: 'payload.a +' }] }],
        tr2: [
          'message-translator',
          {
            upcast: {
              steps: [
                {
                  from: 'v1',
                  to: 'v2',
                  ops: [{ op: 'set', path: 'payload.y', value: 'matches(type, "(a+)+")' }],
                },
              ],
            },
          },
        ],
      }),
    );
    expect(v.ok).toBe(false);
    if (v.ok) return;
    expect(v.errors.map((e) => [e.code, e.path, e.nodeId, e.position])).toEqual([
      ['E140', 'nodes[0].config.when', 'f', 8],
      ['E140', 'nodes[1].config.expression', 'rl', 0],
      ['E140', 'nodes[2].config.mapping[0].value', 'tr', 11],
      ['E140', 'nodes[3].config.upcast.steps[0].ops[0].value', 'tr2', 19],
    ]);
    expect(v.errors[0].message).toBe('The property "__proto__" cannot be read (at character 9)');
    expect(v.errors[1].message).toMatch(/^Unknown function "eval"/);
    expect(v.errors[3].message).toMatch(/^Invalid matches\(\) pattern/);
  });

  it('an empty expression is E140 too', () => {
    const v = validateTopology(buildTopology({ f: ['message-filter', { when: '' }] }));
    expect(v.ok).toBe(false);
    if (!v.ok)
      expect(v.errors[0]).toMatchObject({
        code: 'E140',
        path: 'nodes[0].config.when',
        message: 'The expression is empty (at character 1)',
      });
  });
});
