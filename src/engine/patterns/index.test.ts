import { describe, expect, it } from 'vitest';
import { catalogEntries } from '../../model/catalog';
import { PATTERNS } from './index';

describe('pattern registry', () => {
  it('every catalog kind has a pattern, and every pattern a catalog entry', () => {
    const catalog = catalogEntries().map((e) => e.kind).sort();
    const registry = [...PATTERNS.keys()].sort();
    expect(catalog.filter((k) => !PATTERNS.has(k)), 'catalog kinds without a pattern').toEqual([]);
    expect(registry.filter((k) => !catalog.includes(k)), 'patterns without a catalog entry').toEqual([]);
    for (const [kind, def] of PATTERNS) expect(def.kind).toBe(kind);
  });
});
