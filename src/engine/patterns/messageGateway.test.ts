import { describe, expect, it } from 'vitest';
import type { Message } from '../../model/message';
import { TestSimulation } from '../testing/TestSimulation';
import { Outcome } from '../trace';

interface Figures {
  [k: string]: number;
}
const figures = (t: TestSimulation) => t.sim.views()[t.indexOf('gw')]!.figures as Figures;

function balanced(t: TestSimulation) {
  const a = t.accounting();
  expect(a.produced + a.derived).toBe(a.completed + a.deadLettered + a.dropped + a.merged + a.inFlight);
  expect(a.inFlight).toBe(a.byNodes + a.inTransit);
}

/** caller → gateway → request → service → gateway:reply; gateway out → done, error → dlq. */
function gateway(
  service: Record<string, unknown>,
  gw: Record<string, unknown> = {},
  caller: Record<string, unknown> = {},
) {
  return TestSimulation.of(
    {
      caller: [
        'producer',
        {
          rate: 10,
          arrival: 'constant',
          count: 20,
          message: { type: 'GetPrice', payload: { n: '{{seq}}' } },
          ...caller,
        },
      ],
      gw: ['message-gateway', gw],
      service: ['service-activator', { concurrency: 100, ...service }],
      done: 'sink',
      dlq: 'dead-letter',
    },
    ['caller -> gw', 'gw:request -> service', 'service -> gw:reply', 'gw -> done', 'gw:error -> dlq'],
    { keepTrace: true },
  );
}

function completedAt(t: TestSimulation, id: string): { m: Message; at: number }[] {
  const spans = t.spans();
  const out: { m: Message; at: number }[] = [];
  for (let i = 0; i < spans.count; i++) {
    if (spans.node[i] === t.indexOf(id) && spans.outcome[i] === Outcome.Completed)
      out.push({ m: t.sim.trace.findMessage(spans.msg[i])!, at: spans.tOut[i] });
  }
  return out;
}

describe('messaging gateway', () => {
  it('request/reply: every call gets its reply on out, with the caller\u2019s correlation id', () => {
    const t = gateway({ serviceTime: { dist: 'constant', value: 30 } });
    const r = t.run();
    expect(r.edges.e4.messages).toBe(20); // gw → done
    expect(r.edges.e5.messages).toBe(0); // gw → error
    expect(r.edges.e1.messages).toBe(20); // caller → gw
    expect(r.edges.e2.messages).toBe(20); // requests
    const replies = completedAt(t, 'done');
    for (const { m } of replies) {
      // the reply is the request that went through the service: its cause is the caller's message
      const caller = t.sim.trace.findMessage(Number(m.causationId!.slice(1)))!;
      expect(caller.type).toBe('GetPrice');
      expect(m.correlationId).toBe(caller.correlationId);
      expect(m.correlationId).not.toBe(m.id);
    }
    expect(figures(t)).toMatchObject({
      inFlight: 0,
      replied: 20,
      timeouts: 0,
      retries: 0,
      late: 0,
      failed: 0,
    });
    // each call (one every 100 ms) is answered after the 30 ms round trip
    expect(replies.map((d) => d.at)).toEqual(Array.from({ length: 20 }, (_, i) => 100 * i + 30));
    balanced(t);
  });

  it('the request carries the correlation id of the call (its own id) while the service has it', () => {
    const t = gateway({ serviceTime: { dist: 'constant', value: 5 } }, {}, { count: 3 });
    t.run();
    const spans = t.spans();
    for (let i = 0; i < spans.count; i++) {
      if (spans.node[i] !== t.indexOf('service')) continue;
      expect(spans.correlation[i]).toBe('m' + spans.msg[i]);
    }
  });

  it('no reply: times out, retries with exponential backoff, then the call goes to error as timeout', () => {
    const t = gateway(
      { serviceTime: { dist: 'constant', value: 1 }, failureRate: 1 },
      {
        timeout: 100,
        retry: { maxAttempts: 3, backoff: 'exponential', delay: 50, multiplier: 2, jitter: 0 },
      },
      { count: 1 },
    );
    const r = t.run();
    expect(r.nodes.service.received).toBe(3);
    expect(r.nodes.gw.retried).toBe(2);
    expect(r.nodes.gw.failed).toBe(3);
    const list = t.action('dlq', 'list') as {
      byReason: Record<string, number>;
      items: { detail: string; at: number; type: string }[];
    };
    expect(list.byReason).toEqual({ timeout: 1 });
    expect(list.items[0].type).toBe('GetPrice');
    expect(list.items[0].detail).toBe('no reply after 3 attempts (timeout 100 ms)');
    // attempt 1 at 0, times out at 100; backoff 50 → attempt 2 at 150, times out at 250; backoff 100 → attempt 3 at 350, out at 450
    expect(list.items[0].at).toBe(450);
    expect(figures(t)).toMatchObject({ inFlight: 0, timeouts: 3, retries: 2, failed: 1, replied: 0 });
    balanced(t);
  });

  it('jitter spreads retries below the exponential delay, reproducibly', () => {
    const run = () => {
      const t = gateway(
        { failureRate: 1 },
        { timeout: 100, retry: { maxAttempts: 2, delay: 1000, jitter: 0.5 } },
        { count: 30 },
      );
      t.run();
      return (t.action('dlq', 'list', { limit: 100 }) as { items: { at: number }[] }).items.map((i) => i.at);
    };
    const a = run();
    expect(run()).toEqual(a);
    // caller i arrives at 100·i; fails at 100·i + 100 + backoff + 100 with backoff in (500, 1000]
    const backoffs = a.reverse().map((at, i) => at - 100 * i - 200);
    for (const b of backoffs) {
      expect(b).toBeGreaterThan(500);
      expect(b).toBeLessThanOrEqual(1000);
    }
    expect(new Set(backoffs.map((b) => Math.round(b))).size).toBeGreaterThan(20);
  });

  it('a reply after its call timed out is dropped as timeout and counted late', () => {
    const t = gateway(
      { serviceTime: { dist: 'constant', value: 300 } },
      { timeout: 100, retry: { maxAttempts: 1 } },
      { count: 5 },
    );
    const r = t.run();
    expect((t.action('dlq', 'list') as { byReason: Record<string, number> }).byReason).toEqual({
      timeout: 5,
    });
    expect(r.totals.droppedByReason).toEqual({ timeout: 5 });
    expect(figures(t)).toMatchObject({ late: 5, failed: 5, replied: 0 });
    balanced(t);
  });

  it('a retry that crosses a slow reply: the first reply answers the call, the second is late', () => {
    // service takes 150 ms; timeout 100 ms; retry after 20 ms → attempt 2 at 120 ms; reply 1 at 150 ms answers
    const t = gateway(
      { serviceTime: { dist: 'constant', value: 150 } },
      { timeout: 100, retry: { maxAttempts: 3, backoff: 'fixed', delay: 20, jitter: 0 } },
      { count: 1 },
    );
    const r = t.run();
    const done = completedAt(t, 'done');
    expect(done).toHaveLength(1);
    expect(done[0].at).toBe(150);
    expect(r.nodes.service.received).toBe(2);
    expect(figures(t)).toMatchObject({ replied: 1, late: 1, timeouts: 1, retries: 1, failed: 0 });
    expect(r.totals.droppedByReason).toEqual({ timeout: 1 });
    balanced(t);
  });

  it('connections: at most maxInFlight calls wait at once; the others queue in order', () => {
    const t = gateway(
      { serviceTime: { dist: 'constant', value: 100 } },
      { maxInFlight: 2, timeout: 10_000 },
      { arrival: 'burst', burst: { size: 6, every: 100_000 }, count: 6 },
    );
    t.run(50);
    expect(figures(t)).toMatchObject({ inFlight: 2, queued: 4 });
    expect(t.accounting().byNodes).toBe(2 + 4 + 2); // 2 waiting calls + 4 queued at the gateway, 2 requests in service
    const r = t.run();
    expect(completedAt(t, 'done').map((d) => d.at)).toEqual([100, 100, 200, 200, 300, 300]);
    expect(r.nodes.gw.utilization).toBeGreaterThan(0);
    balanced(t);
  });

  it('with nothing connected to request, calls go straight to error', () => {
    const t = TestSimulation.of(
      { caller: ['producer', { rate: 10, count: 2 }], gw: 'message-gateway', dlq: 'dead-letter' },
      ['caller -> gw', 'gw:error -> dlq'],
    );
    t.run();
    const list = t.action('dlq', 'list') as { items: { detail: string; reason: string }[] };
    expect(list.items.map((i) => [i.reason, i.detail])).toEqual([
      ['error', 'no service is connected to the request port'],
      ['error', 'no service is connected to the request port'],
    ]);
  });
});
