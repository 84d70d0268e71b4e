import { describe, expect, it } from 'vitest';
import { getCatalogEntry, outputPortsOf } from '../../model/catalog';
import { TestSimulation } from '../testing/TestSimulation';
import { recipientNames } from './recipientList';

const producer = (message: Record<string, unknown>, count = 30) =>
  ['producer', { rate: 100, arrival: 'constant', count, message }] as const;

interface Figures {
  [k: string]: number;
}
const figures = (t: TestSimulation, id: string) => t.sim.views()[t.indexOf(id)]!.figures as Figures;
const dlq = (t: TestSimulation) =>
  t.action('dlq', 'list', { limit: 1000 }) as {
    byReason: Record<string, number>;
    items: { detail: string }[];
  };

function balanced(t: TestSimulation) {
  const a = t.accounting();
  expect(a.produced + a.derived).toBe(a.completed + a.deadLettered + a.dropped + a.merged + a.inFlight);
  expect(a.inFlight).toBe(a.byNodes + a.inTransit);
}

describe('recipient list', () => {
  it('static recipients each get every message: the original and derived copies', () => {
    const t = TestSimulation.of(
      { src: producer({ type: 'OrderConfirmed' }), rl: ['recipient-list', {}], a: 'sink', b: 'sink' },
      ['src -> rl', 'rl:a -> a', 'rl:b -> b'],
    );
    const r = t.run();
    expect(r.edges.e2.messages).toBe(30);
    expect(r.edges.e3.messages).toBe(30);
    expect(r.totals.derived).toBe(30);
    expect(r.totals.completed).toBe(60);
    expect(figures(t, 'rl')).toMatchObject({
      delivered: 30,
      partial: 0,
      failed: 0,
      'a:delivered': 30,
      'b:delivered': 30,
    });
    balanced(t);
  });

  it('adds dynamic recipients from a comma-separated header; unknown names fail and are dead-lettered', () => {
    const t = TestSimulation.of(
      {
        src: producer({ headers: { notify: '{{pick email sms email,sms pager}}' } }, 200),
        rl: [
          'recipient-list',
          {
            recipients: [
              { name: 'billing' },
              { name: 'email', always: false },
              { name: 'sms', always: false },
            ],
            dynamic: 'header',
            header: 'notify',
          },
        ],
        billing: 'sink',
        email: 'sink',
        sms: 'sink',
        dlq: 'dead-letter',
      },
      ['src -> rl', 'rl:billing -> billing', 'rl:email -> email', 'rl:sms -> sms', 'rl:dead-letter -> dlq'],
    );
    const r = t.run();
    const f = figures(t, 'rl');
    expect(r.edges.e2.messages).toBe(200);
    const pager = dlq(t).items.length;
    expect(pager).toBeGreaterThan(20);
    expect(dlq(t).items.every((i) => i.detail === '"pager" is not a recipient')).toBe(true);
    // every message reached billing; those naming pager are partial, the others delivered
    expect(f.partial).toBe(pager);
    expect(f.delivered).toBe(200 - pager);
    expect(r.edges.e3.messages + r.edges.e4.messages).toBe(f['email:delivered'] + f['sms:delivered']);
    balanced(t);
  });

  it('adds dynamic recipients from an expression (a list of names, or one name)', () => {
    const t = TestSimulation.of(
      {
        src: producer({ payload: { to: '{{pick a b}}', n: '{{seq}}' } }, 40),
        rl: [
          'recipient-list',
          {
            recipients: [
              { name: 'a', always: false },
              { name: 'b', always: false },
              { name: 'audit', always: false },
            ],
            dynamic: 'expression',
            expression: 'payload.n % 4 == 0 ? [payload.to, "audit"] : payload.to',
          },
        ],
        a: 'sink',
        b: 'sink',
        audit: 'sink',
      },
      ['src -> rl', 'rl:a -> a', 'rl:b -> b', 'rl:audit -> audit'],
    );
    const r = t.run();
    expect(r.edges.e2.messages + r.edges.e3.messages).toBe(40);
    expect(r.edges.e4.messages).toBe(10);
    expect(r.totals.derived).toBe(10);
  });

  it('an expression that does not give names, or fails, dead-letters the message as error', () => {
    const t = TestSimulation.of(
      {
        src: producer({ payload: { n: '{{seq}}' } }, 10),
        rl: [
          'recipient-list',
          { recipients: [{ name: 'a', always: false }], dynamic: 'expression', expression: 'payload.n' },
        ],
        a: 'sink',
        dlq: 'dead-letter',
      },
      ['src -> rl', 'rl:a -> a', 'rl:dead-letter -> dlq'],
    );
    t.run();
    expect(dlq(t).byReason).toEqual({ error: 10 });
    expect(dlq(t).items[0].detail).toBe('the recipients expression gave a number, not a list of names');
  });

  it('a message with no recipient at all is dead-lettered as no-route', () => {
    const t = TestSimulation.of(
      {
        src: producer({ headers: {} }, 5),
        rl: ['recipient-list', { recipients: [{ name: 'a', always: false }], dynamic: 'header' }],
        a: 'sink',
        dlq: 'dead-letter',
      },
      ['src -> rl', 'rl:a -> a', 'rl:dead-letter -> dlq'],
    );
    t.run();
    expect(dlq(t).byReason).toEqual({ 'no-route': 5 });
  });

  it('continue: a recipient with nothing connected fails (no retry); the others are delivered', () => {
    const t = TestSimulation.of(
      { src: producer({}), rl: ['recipient-list', { onFailure: 'retry' }], a: 'sink', dlq: 'dead-letter' },
      ['src -> rl', 'rl:a -> a', 'rl:dead-letter -> dlq'],
    );
    const r = t.run();
    expect(r.edges.e2.messages).toBe(30);
    expect(dlq(t).items).toHaveLength(30);
    expect(dlq(t).items[0].detail).toBe('recipient "b": nothing is connected to its port');
    expect(figures(t, 'rl')).toMatchObject({ partial: 30, retries: 0, 'b:failed': 30 });
  });

  it('retry: failed deliveries are retried with backoff, then dead-lettered; the instance waits at the node meanwhile', () => {
    const t = TestSimulation.of(
      {
        src: producer({}, 10),
        rl: [
          'recipient-list',
          {
            recipients: [{ name: 'a' }, { name: 'flaky', failureRate: 1 }],
            onFailure: 'retry',
            retry: { maxAttempts: 4, backoff: 'fixed', delay: 1000, jitter: 0 },
          },
        ],
        a: 'sink',
        flaky: 'sink',
        dlq: 'dead-letter',
      },
      ['src -> rl', 'rl:a -> a', 'rl:flaky -> flaky', 'rl:dead-letter -> dlq'],
    );
    // the last message arrives at 90 ms; its third retry is at 3090 ms
    t.run(1500);
    expect(t.accounting().byNodes).toBe(10);
    expect(figures(t, 'rl').waiting).toBe(10);
    balanced(t);
    const r = t.run();
    expect(r.nodes.rl.retried).toBe(30);
    expect(r.nodes.rl.failed).toBe(40);
    expect(r.edges.e3.messages).toBe(0);
    expect(dlq(t).items[0].detail).toBe('recipient "flaky": delivery failed after 4 attempts');
    expect(figures(t, 'rl')).toMatchObject({
      partial: 10,
      delivered: 0,
      waiting: 0,
      'flaky:failed': 10,
      'a:delivered': 10,
    });
    balanced(t);
  });

  it('retry succeeds eventually for a recipient that fails sometimes; nothing is lost', () => {
    const t = TestSimulation.of(
      {
        src: producer({}, 500),
        rl: [
          'recipient-list',
          {
            recipients: [{ name: 'a', failureRate: 0.5 }],
            onFailure: 'retry',
            retry: { maxAttempts: 10, delay: 5 },
          },
        ],
        a: 'sink',
        dlq: 'dead-letter',
      },
      ['src -> rl', 'rl:a -> a', 'rl:dead-letter -> dlq'],
    );
    const r = t.run();
    // P(10 failures in a row) ≈ 0.001: almost every message is delivered after some retries
    expect(r.edges.e2.messages).toBeGreaterThan(490);
    expect(r.edges.e2.messages + r.totals.deadLettered).toBe(500);
    expect(r.nodes.rl.retried).toBeGreaterThan(300);
    balanced(t);
  });

  it('fail-all: one failing recipient means nothing is delivered and the message is dead-lettered', () => {
    const t = TestSimulation.of(
      {
        src: producer({}, 400),
        rl: [
          'recipient-list',
          { recipients: [{ name: 'a' }, { name: 'b', failureRate: 0.25 }], onFailure: 'fail-all' },
        ],
        a: 'sink',
        b: 'sink',
        dlq: 'dead-letter',
      },
      ['src -> rl', 'rl:a -> a', 'rl:b -> b', 'rl:dead-letter -> dlq'],
    );
    const r = t.run();
    const failed = r.totals.deadLettered;
    expect(failed).toBeGreaterThan(60);
    expect(failed).toBeLessThan(140);
    expect(r.edges.e2.messages).toBe(400 - failed);
    expect(r.edges.e3.messages).toBe(400 - failed);
    expect(r.totals.derived).toBe(400 - failed);
    expect(dlq(t).items[0].detail).toBe('not delivered (fail-all): "b": delivery failed');
    expect(figures(t, 'rl')).toMatchObject({ delivered: 400 - failed, failed, partial: 0 });
    balanced(t);
  });

  it('has one port per recipient plus dead-letter', () => {
    const entry = getCatalogEntry('recipient-list')!;
    expect(outputPortsOf(entry, { recipients: [{ name: 'x' }, { name: 'y' }] }).map((p) => p.id)).toEqual([
      'x',
      'y',
      'dead-letter',
    ]);
  });

  it('recipientNames accepts names, lists of names and comma-separated text', () => {
    expect(recipientNames('a, b,,c')).toEqual(['a', 'b', 'c']);
    expect(recipientNames(['a', 'b,c'])).toEqual(['a', 'b', 'c']);
    expect(recipientNames(null)).toEqual([]);
    expect(recipientNames([1])).toMatch(/holds a number/);
    expect(recipientNames({ a: 1 })).toMatch(/gave an object/);
  });
});
