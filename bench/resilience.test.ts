import { describe, expect, it } from 'vitest';
import { benchResilience, formatResilienceResult, resilienceTopologies } from './resilience';

describe('resilience benchmark (small sizes; no timing is asserted)', () => {
  it('runs every scenario with the same messages; faults strike only where scheduled, and the invariants run', async () => {
    const r = await benchResilience({ messages: 4000, rounds: 1, forks: 1 });
    expect(r.scenarios.map((s) => s.name)).toEqual(resilienceTopologies(1).map((t) => t.name));
    const [off, inv, idle, faults, both, worst] = r.scenarios;
    expect(off.ratio).toBe(1);
    expect([off.affected, inv.affected, idle.affected]).toEqual([0, 0, 0]);
    expect(idle.eventsPerMessage).toBe(off.eventsPerMessage); // faults after the end change nothing
    expect(inv.eventsPerMessage).toBe(off.eventsPerMessage); // invariants only watch
    expect(inv.invariantsOk).toBe('4/4');
    expect(faults.affected).toBeGreaterThan(0);
    expect(faults.affected).toBe(both.affected); // invariants do not change the run
    expect(worst.affected).toBeGreaterThan(both.affected);
    expect(worst.eventsPerMessage).toBeGreaterThan(off.eventsPerMessage);
    expect(formatResilienceResult(r)).toContain('With faults and invariants on:');
  });
});
