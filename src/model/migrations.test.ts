import { describe, expect, it } from 'vitest';
import { CURRENT_VERSION, migrate, MIGRATIONS, type Migration } from './migrations';

describe('migrate', () => {
  // an injected history: v1 named the channel capacity `size`; v2 moved the seed under `simulation`
  const steps: Record<number, Migration> = {
    1: (v) => ({
      ...v,
      version: 2,
      nodes: (v.nodes as { config?: Record<string, unknown> }[]).map((n) => {
        if (!n.config || !('size' in n.config)) return n;
        const { size, ...rest } = n.config;
        return { ...n, config: { ...rest, capacity: size } };
      }),
    }),
    2: (v) => {
      const { seed, ...rest } = v;
      return { ...rest, version: 3, simulation: { seed } };
    },
  };
  const v1 = { version: 1, seed: 9, nodes: [{ id: 'q', config: { size: 5 } }, { id: 's' }] };

  it('applies each step in order, one version at a time', () => {
    expect(migrate(v1, 1, 3, steps)).toEqual({ version: 3, simulation: { seed: 9 }, nodes: [{ id: 'q', config: { capacity: 5 } }, { id: 's' }] });
    expect(migrate(v1, 1, 2, steps)).toMatchObject({ version: 2, seed: 9 });
    expect(v1.nodes[0].config).toEqual({ size: 5 }); // the input is not changed
  });

  it('does nothing from the current version to itself', () => {
    const v = { version: 3 };
    expect(migrate(v, 3, 3, steps)).toBe(v);
    expect(migrate(v, CURRENT_VERSION, CURRENT_VERSION)).toBe(v);
  });

  it('throws on a gap in the table', () => {
    expect(() => migrate(v1, 1, 4, steps)).toThrow('no migration from version 3 to 4');
  });

  it('the real table has a step from every older version up to the current one', () => {
    for (let v = 1; v < CURRENT_VERSION; v++) expect(MIGRATIONS[v], `migration from version ${v}`).toBeTypeOf('function');
    expect(MIGRATIONS[CURRENT_VERSION]).toBeUndefined();
  });
});
