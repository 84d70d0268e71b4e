import { describe, expect, it } from 'vitest';
import { getCatalogEntry, outputPortsOf } from '../../model/catalog';
import { validateTopology } from '../../model/topology';
import { buildTopology, TestSimulation } from '../testing/TestSimulation';
import { Outcome } from '../trace';

/** 60 orders whose total is their sequence number 1‥60, one every 10 ms. */
const orders = (count = 60) =>
  [
    'producer',
    { rate: 100, arrival: 'constant', count, message: { type: 'Order', payload: { total: '{{seq}}' } } },
  ] as const;

const RULES = [
  { name: 'three', when: 'payload.total % 3 == 0' },
  { name: 'two', when: 'payload.total % 2 == 0' },
];

describe('content-based router', () => {
  it('first-match: each message takes the port of the first rule it matches, the rest take otherwise', () => {
    const t = TestSimulation.of(
      { src: orders(), router: ['content-based-router', { rules: RULES }], a: 'sink', b: 'sink', c: 'sink' },
      ['src -> router', 'router:three -> a', 'router:two -> b', 'router:otherwise -> c'],
    );
    const r = t.run();
    // multiples of 3: 20; even but not multiples of 3: 30 − 10 = 20; the rest: 20
    expect(r.edges.e2.messages).toBe(20);
    expect(r.edges.e3.messages).toBe(20);
    expect(r.edges.e4.messages).toBe(20);
    expect(r.totals.completed).toBe(60);
    expect(r.totals.derived).toBe(0);
    expect(t.sim.views()[t.indexOf('router')]?.figures).toMatchObject({
      three: 20,
      two: 20,
      otherwise: 20,
      'no-route': 0,
      errors: 0,
    });
  });

  it('first-match: rule order decides (6 goes to the first rule, not the second)', () => {
    const t = TestSimulation.of(
      { src: orders(6), router: ['content-based-router', { rules: RULES }], a: 'sink', b: 'sink', c: 'sink' },
      ['src -> router', 'router:three -> a', 'router:two -> b', 'router:otherwise -> c'],
      { keepTrace: true },
    );
    t.run();
    const spans = t.spans();
    const routerIdx = t.indexOf('router');
    const portOf = new Map<number, string>();
    for (let i = 0; i < spans.count; i++) {
      if (spans.node[i] !== routerIdx) continue;
      const m = t.sim.trace.findMessage(spans.msg[i])!;
      portOf.set((m.payload as { total: number }).total, t.sim.trace.strings.values[spans.port[i]]);
    }
    expect(Object.fromEntries(portOf)).toEqual({
      1: 'otherwise',
      2: 'two',
      3: 'three',
      4: 'two',
      5: 'otherwise',
      6: 'three',
    });
  });

  it('all-matches: every matching port gets the message (copies for all but the first), accounted for', () => {
    const t = TestSimulation.of(
      {
        src: orders(),
        router: ['content-based-router', { rules: RULES, mode: 'all-matches' }],
        a: 'sink',
        b: 'sink',
        c: 'sink',
      },
      ['src -> router', 'router:three -> a', 'router:two -> b', 'router:otherwise -> c'],
      { keepTrace: true },
    );
    const r = t.run();
    expect(r.edges.e2.messages).toBe(20); // multiples of 3
    expect(r.edges.e3.messages).toBe(30); // even numbers
    expect(r.edges.e4.messages).toBe(20); // neither
    expect(r.totals.derived).toBe(10); // multiples of 6 go to both
    expect(r.totals.completed).toBe(70);
    const a = t.accounting();
    expect(a.produced + a.derived).toBe(a.completed + a.dropped + a.deadLettered + a.merged + a.inFlight);
    // a copy keeps the conversation and the original's cause: it is a sibling, not a reply
    const spans = t.spans();
    const copies: number[] = [];
    for (let i = 0; i < spans.count; i++) {
      if (
        spans.node[i] === t.indexOf('router') &&
        spans.port[i] >= 0 &&
        t.sim.trace.strings.values[spans.port[i]] === 'two'
      ) {
        const m = t.sim.trace.findMessage(spans.msg[i])!;
        if ((m.payload as { total: number }).total % 6 === 0) copies.push(spans.msg[i]);
      }
    }
    expect(copies).toHaveLength(10);
    for (const seq of copies) {
      const copy = t.sim.trace.findMessage(seq)!;
      expect(copy.causationId).toBeNull();
      expect(copy.correlationId).not.toBe(copy.id);
    }
  });

  it('no rule and no otherwise edge: dead letter with reason no-route', () => {
    const t = TestSimulation.of(
      {
        src: orders(),
        router: ['content-based-router', { rules: RULES }],
        a: 'sink',
        b: 'sink',
        dlq: 'dead-letter',
      },
      ['src -> router', 'router:three -> a', 'router:two -> b', 'router:dead-letter -> dlq'],
    );
    const r = t.run();
    expect(r.totals.deadLettered).toBe(20);
    const list = t.action('dlq', 'list', { limit: 1 }) as {
      byReason: Record<string, number>;
      items: { detail: string; origin: number }[];
    };
    expect(list.byReason).toEqual({ 'no-route': 20 });
    expect(list.items[0].detail).toMatch(/no rule matched/);
    expect(list.items[0].origin).toBe(t.indexOf('router'));
  });

  it('no route and no dead-letter channel: dropped as no-route, never silently', () => {
    const t = TestSimulation.of(
      { src: orders(), router: ['content-based-router', { rules: RULES }], a: 'sink' },
      ['src -> router', 'router:three -> a'],
    );
    const r = t.run();
    // "two" is unconnected: a success port without an edge completes the message there (engine convention)
    expect(r.totals.completed).toBe(40);
    expect(r.totals.droppedByReason).toEqual({ 'no-route': 20 });
  });

  it('an expression that fails while evaluating dead-letters the message with the rule and the error', () => {
    const t = TestSimulation.of(
      {
        src: [
          'producer',
          { rate: 100, arrival: 'constant', count: 10, message: { payload: { items: '{{seq}}' } } },
        ],
        router: ['content-based-router', { rules: [{ name: 'many', when: 'len(payload.items) > 2' }] }],
        a: 'sink',
        c: 'sink',
        dlq: 'dead-letter',
      },
      ['src -> router', 'router:many -> a', 'router:otherwise -> c', 'router:dead-letter -> dlq'],
    );
    const r = t.run();
    expect(r.totals.deadLettered).toBe(10);
    expect(r.totals.completed).toBe(0);
    const list = t.action('dlq', 'list') as { byReason: Record<string, number>; items: { detail: string }[] };
    expect(list.byReason).toEqual({ error: 10 });
    expect(list.items[0].detail).toMatch(/^rule "many": len\(\) needs/);
  });

  it('all-matches with a failing rule sends nothing: the message is dead-lettered whole', () => {
    const t = TestSimulation.of(
      {
        src: [
          'producer',
          { rate: 100, arrival: 'constant', count: 5, message: { payload: { n: '{{seq}}' } } },
        ],
        router: [
          'content-based-router',
          {
            mode: 'all-matches',
            rules: [
              { name: 'any', when: 'true' },
              { name: 'bad', when: 'lower(payload.n) == "x"' },
            ],
          },
        ],
        a: 'sink',
        b: 'sink',
        dlq: 'dead-letter',
      },
      ['src -> router', 'router:any -> a', 'router:bad -> b', 'router:dead-letter -> dlq'],
    );
    const r = t.run();
    expect(r.edges.e2.messages).toBe(0);
    expect(r.totals.deadLettered).toBe(5);
    expect(r.totals.derived).toBe(0);
  });

  it('reads headers, type and virtual time (now())', () => {
    const t = TestSimulation.of(
      {
        src: [
          'producer',
          {
            rate: 10,
            arrival: 'constant',
            count: 20,
            message: { type: 'Tick', headers: { region: '{{pick eu us}}' } },
          },
        ],
        router: [
          'content-based-router',
          {
            rules: [
              { name: 'late', when: 'now() >= 1000' },
              { name: 'eu', when: 'type == "Tick" && headers.region == "eu"' },
            ],
          },
        ],
        late: 'sink',
        eu: 'sink',
        other: 'sink',
      },
      ['src -> router', 'router:late -> late', 'router:eu -> eu', 'router:otherwise -> other'],
    );
    const r = t.run();
    // constant arrivals at 0, 100, …, 1900 ms: ten before 1000 ms
    expect(r.edges.e2.messages).toBe(10);
    expect(r.edges.e3.messages + r.edges.e4.messages).toBe(10);
    expect(r.edges.e3.messages).toBeGreaterThan(0);
    expect(r.edges.e4.messages).toBeGreaterThan(0);
  });

  it('has one output port per rule, plus otherwise and dead-letter', () => {
    const entry = getCatalogEntry('content-based-router')!;
    expect(outputPortsOf(entry, { rules: RULES }).map((p) => p.id)).toEqual([
      'three',
      'two',
      'otherwise',
      'dead-letter',
    ]);
    expect(outputPortsOf(entry, { rules: [] }).map((p) => p.id)).toEqual(['otherwise', 'dead-letter']);
  });

  it('validation: an edge from a port whose rule no longer exists, duplicate and reserved names', () => {
    const stale = validateTopology(
      buildTopology({ src: 'producer', router: ['content-based-router', { rules: [RULES[0]] }], s: 'sink' }, [
        'src -> router',
        'router:two -> s',
      ]),
    );
    expect(stale.ok).toBe(false);
    if (!stale.ok) expect(stale.errors.map((e) => e.code)).toEqual(['E131']);

    const dup = validateTopology(
      buildTopology({
        router: ['content-based-router', { rules: [RULES[0], { name: 'three', when: 'true' }] }],
      }),
    );
    expect(dup.ok).toBe(false);
    if (!dup.ok)
      expect(dup.errors[0]).toMatchObject({
        code: 'E122',
        path: 'nodes[0].config.rules[1].name',
        nodeId: 'router',
      });

    const reserved = validateTopology(
      buildTopology({ router: ['content-based-router', { rules: [{ name: 'otherwise', when: 'true' }] }] }),
    );
    expect(reserved.ok).toBe(false);
    if (!reserved.ok)
      expect(reserved.errors[0]).toMatchObject({ code: 'E122', path: 'nodes[0].config.rules[0].name' });
  });

  it('is deterministic and leaves no span without an outcome', () => {
    const build = () =>
      TestSimulation.of(
        {
          src: ['producer', { rate: 200, message: { payload: { total: '{{randInt 1 100}}' } } }],
          router: ['content-based-router', { rules: RULES }],
          a: 'sink',
          b: 'sink',
          c: 'sink',
        },
        ['src -> router', 'router:three -> a', 'router:two -> b', 'router:otherwise -> c'],
        { until: 5000, keepTrace: true },
      );
    const x = build();
    x.run();
    const y = build();
    y.run();
    expect(y.sim.trace.digest()).toBe(x.sim.trace.digest());
    const spans = x.spans();
    for (let i = 0; i < spans.count; i++) {
      if (spans.node[i] === x.indexOf('router')) expect(spans.outcome[i]).toBe(Outcome.Forwarded);
    }
  });
});

describe('content-based router: a rule being edited', () => {
  it('an invalid rule expression is one E140, and the edges from the rule ports stay valid', () => {
    const v = validateTopology(
      buildTopology(
        {
          src: 'producer',
          router: [
            'content-based-router',
            {
              rules: [
                { name: 'big', when: 'payload.total >' },
                { name: 'eu', when: 'true' },
              ],
            },
          ],
          a: 'sink',
          b: 'sink',
        },
        ['src -> router', 'router:big -> a', 'router:eu -> b'],
      ),
    );
    expect(v.ok).toBe(false);
    if (!v.ok)
      expect(v.errors.map((e) => [e.code, e.path])).toEqual([['E140', 'nodes[1].config.rules[0].when']]);
  });

  it('ports come only from well-formed, unique, free names of an unvalidated config', () => {
    const entry = getCatalogEntry('content-based-router')!;
    const ports = outputPortsOf(entry, {
      rules: [
        { name: 'a', when: '(' },
        { name: 'a' },
        { name: 'otherwise' },
        { name: 7 },
        null,
        { name: 'b c' },
        { name: 'b' },
      ],
    });
    expect(ports.map((p) => p.id)).toEqual(['a', 'b', 'otherwise', 'dead-letter']);
    // a config invalid elsewhere keeps the default rule
    expect(outputPortsOf(entry, { mode: 'sideways' }).map((p) => p.id)).toEqual([
      'high',
      'otherwise',
      'dead-letter',
    ]);
  });
});
