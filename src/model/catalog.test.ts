import { describe, expect, it } from 'vitest';
import { catalogEntries, configWithDefaults, FAMILIES, getCatalogEntry, outputPortsOf } from './catalog';

describe('catalog', () => {
  const entries = catalogEntries();

  it('has unique kebab-case kinds in known families', () => {
    const kinds = entries.map((e) => e.kind);
    expect(new Set(kinds).size).toBe(kinds.length);
    const families = new Set<string>(FAMILIES.map((f) => f.id));
    for (const e of entries) {
      expect(e.kind).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(families.has(e.family), e.kind).toBe(true);
      expect(e.title.length).toBeGreaterThan(0);
      expect(e.summary.length).toBeGreaterThan(0);
      expect(getCatalogEntry(e.kind)).toBe(e);
    }
    expect(getCatalogEntry('no-such-kind')).toBeUndefined();
  });

  it.each(catalogEntries().map((e) => [e.kind, e] as const))('%s: its config schema parses {} (every field has a default)', (_kind, e) => {
    const parsed = e.config.safeParse({});
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    expect(configWithDefaults(e, undefined)).toEqual(parsed.data);
    if (e.edgeConfig) expect(e.edgeConfig.safeParse({}).success).toBe(true);
  });

  it.each(catalogEntries().map((e) => [e.kind, e] as const))('%s: ports have unique ids and the right roles; unknown config fields are refused', (_kind, e) => {
    const outs = outputPortsOf(e, {});
    expect(new Set(outs.map((p) => p.id)).size).toBe(outs.length);
    for (const p of outs) expect(['success', 'failure']).toContain(p.role);
    for (const p of e.inputs) expect(p.role).toBe('input');
    expect(e.config.safeParse({ notAField: 1 }).success).toBe(false);
    // bad config falls back to the default ports rather than failing
    expect(outputPortsOf(e, { notAField: 1 })).toEqual(outs);
  });

  it('a dead-letter port, when a kind has one, is a failure port named dead-letter', () => {
    for (const e of entries) {
      const dl = outputPortsOf(e, {}).find((p) => p.id === 'dead-letter');
      if (dl) expect(dl.role).toBe('failure');
    }
  });
});
