import { describe, expect, it } from 'vitest';
import { benchRouting, formatRoutingResult, routingTopologies } from './routing';

describe('routing benchmark (small sizes; no timing is asserted)', () => {
  it('runs every scenario with the same message count, and the router really routes by its rules', async () => {
    const r = await benchRouting({ messages: 2000, rounds: 1 });
    expect(r.scenarios.map((s) => s.name)).toEqual(routingTopologies(1).map((t) => t.name));
    const [baseline, pass, router, multicast, filter] = r.scenarios;
    expect(baseline.routed).toEqual({ out: 2000 });
    expect(pass.routed).toEqual({ otherwise: 2000 });
    const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);
    expect(sum(router.routed)).toBe(2000);
    for (const port of ['large', 'eu', 'web', 'otherwise']) expect(router.routed[port]).toBeGreaterThan(100);
    // multicast: each rule's port gets at least what first-match gave it; nothing unmatched is duplicated
    expect(sum(multicast.routed)).toBeGreaterThan(2000);
    expect(multicast.routed.otherwise).toBe(router.routed.otherwise);
    expect(filter.routed.out).toBeGreaterThan(0);
    expect(filter.routed.out).toBeLessThan(2000);
    expect(baseline.eventsPerMessage).toBe(2);
    expect(pass.eventsPerMessage).toBe(3);
    expect(formatRoutingResult(r)).toContain('3-rule router');
  });
});
