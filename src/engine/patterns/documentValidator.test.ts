import { describe, expect, it } from 'vitest';
import { checkJsonSchema, unsafeRegexReason } from '../../model/kinds/jsonSchemaCheck';
import { validateTopology } from '../../model/topology';
import { buildTopology, TestSimulation } from '../testing/TestSimulation';

const SCHEMA = {
  type: 'object',
  required: ['sku', 'qty'],
  properties: {
    sku: { type: 'string', pattern: '^[A-Z]-[0-9]+$' },
    qty: { type: 'integer', minimum: 1 },
    lines: { type: 'array', items: { $ref: '#/$defs/line' } },
  },
  $defs: { line: { type: 'object', required: ['n'], properties: { n: { type: 'number' } } } },
};

function validate(payload: unknown, config: Record<string, unknown> = {}, kind = 'document') {
  const t = TestSimulation.of(
    {
      src: ['producer', { rate: 10, count: 1, message: { kind, type: 'Doc', payload } }],
      v: ['document-validator', { schema: SCHEMA, ...config }],
      out: 'sink',
      dlq: 'dead-letter',
    },
    ['src -> v', 'v -> out', 'v:dead-letter -> dlq'],
  );
  const r = t.run();
  const list = t.action('dlq', 'list') as { items: { reason: string; detail: string }[] };
  return { passed: r.totals.completed, dead: list.items, figures: t.sim.views()[t.indexOf('v')]!.figures };
}

describe('document validator', () => {
  it('valid documents pass on out', () => {
    const r = validate({ sku: 'A-12', qty: 3, lines: [{ n: 1 }] });
    expect(r.passed).toBe(1);
    expect(r.dead).toEqual([]);
    expect(r.figures).toEqual({ valid: 1, invalid: 0, unchecked: 0 });
  });

  it('invalid documents are dead-lettered as invalid with the errors and where they are', () => {
    const r = validate({ sku: 'bad', qty: 0, lines: [{ n: 'x' }] });
    expect(r.passed).toBe(0);
    expect(r.dead).toHaveLength(1);
    expect(r.dead[0].reason).toBe('invalid');
    const detail = r.dead[0].detail;
    expect(detail).toContain('/sku: ');
    expect(detail).toContain('/qty: ');
    expect(detail).toContain('/lines/0/n: ');
    // the specific errors come before the summary ones ("property does not match")
    expect(detail.split('; ')[0]).toMatch(/^\/sku: .*pattern/);
  });

  it('a missing required field is reported at the document root', () => {
    const r = validate({ sku: 'A-1' });
    expect(r.dead[0].detail).toMatch(/^\/: .*qty/);
  });

  it('keeps at most maxErrors errors and says how many more there were', () => {
    const r = validate({ sku: 1, qty: 'x', lines: [{}, {}, {}] }, { maxErrors: 2 });
    const parts = r.dead[0].detail.split('; ');
    expect(parts).toHaveLength(3);
    expect(parts[2]).toMatch(/^… and \d+ more$/);
  });

  it('only documents are checked unless told otherwise', () => {
    expect(validate({ nothing: true }, {}, 'event')).toMatchObject({ passed: 1, figures: { unchecked: 1 } });
    expect(validate({ nothing: true }, { only: 'all' }, 'event')).toMatchObject({
      passed: 0,
      figures: { invalid: 1 },
    });
  });

  it('supports older drafts', () => {
    const r = validate(
      { a: 1 },
      { schema: { type: 'object', properties: { a: { type: 'string' } } }, draft: '7' },
    );
    expect(r.dead[0].detail).toContain('/a: ');
  });

  it('validation refuses schemas with unsafe regular expressions or remote $refs, with the path', () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [
        { properties: { a: { pattern: '^(a+)+$' } } },
        'nodes[0].config.schema.properties.a.pattern',
        /exponential/,
      ],
      [
        { patternProperties: { '(x|xy)*': {} } },
        'nodes[0].config.schema.patternProperties.(x|xy)*',
        /exponential/,
      ],
      [{ $ref: 'https://example.com/s.json' }, 'nodes[0].config.schema.$ref', /outside this schema/],
      [{ items: { pattern: '(' } }, 'nodes[0].config.schema.items.pattern', /not a valid regular expression/],
    ];
    for (const [schema, path, message] of cases) {
      const v = validateTopology(buildTopology({ v: ['document-validator', { schema }] }));
      expect(v.ok).toBe(false);
      if (!v.ok) {
        expect(v.errors[0]).toMatchObject({ code: 'E122', path, nodeId: 'v' });
        expect(v.errors[0].message).toMatch(message);
      }
    }
  });
});

describe('unsafeRegexReason', () => {
  it('accepts ordinary patterns', () => {
    for (const p of [
      '^[A-Z]-\\d+$',
      '^[^@]+@[^@]+\\.[a-z]{2,}$',
      '^(ab)?c$',
      '(?:abc){3}',
      '^\\d{4}-\\d{2}-\\d{2}$',
      'x|y',
      '^(?<year>\\d{4})$',
    ]) {
      expect(unsafeRegexReason(p), p).toBeNull();
    }
  });

  it('refuses nested and alternating repetition, backreferences, lookaround and too many unbounded repeats', () => {
    expect(unsafeRegexReason('(a+)+')).toMatch(/exponential/);
    expect(unsafeRegexReason('(a|aa)*')).toMatch(/exponential/);
    expect(unsafeRegexReason('((ab)*c){2,}')).toMatch(/exponential/);
    expect(unsafeRegexReason('(a*)*')).toMatch(/exponential/);
    expect(unsafeRegexReason('(a)\\1')).toMatch(/backreferences/);
    expect(unsafeRegexReason('a(?=b)')).toMatch(/lookahead/);
    expect(unsafeRegexReason('\\d*\\d*\\d*\\d*')).toMatch(/unbounded/);
    expect(unsafeRegexReason('a'.repeat(201))).toMatch(/longer/);
  });

  it('checks keywords only where they are keywords, not property names', () => {
    expect(
      checkJsonSchema({ properties: { pattern: { type: 'string' }, $ref: { type: 'number' } } }),
    ).toBeNull();
  });
});
