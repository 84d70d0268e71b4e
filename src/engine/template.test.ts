import { describe, expect, it } from 'vitest';
import { Rng } from './rng';
import { compileTemplate, TemplateError } from './template';

describe('message templates', () => {
  it('a template without placeholders is static and shares one value', () => {
    const value = { a: [1, 'x', { b: null }], c: true };
    const t = compileTemplate(value);
    expect(t.isStatic).toBe(true);
    const rng = Rng.forStream(1, 't');
    expect(t.fill(rng, 1, 0)).toBe(value);
    expect(t.fill(rng, 2, 5)).toBe(value);
  });

  it('fills seq and now; a lone numeric placeholder becomes a number, with text around it a string', () => {
    const t = compileTemplate({ n: '{{seq}}', label: 'order-{{seq}}', at: '{{ now }}', both: '{{seq}}/{{now}}' });
    expect(t.isStatic).toBe(false);
    expect(t.fill(Rng.forStream(1, 't'), 7, 1250.5)).toEqual({ n: 7, label: 'order-7', at: 1250.5, both: '7/1250.5' });
  });

  it('randInt is a whole number in [A, B] (bounds rounded inward); randFloat in [A, B)', () => {
    const t = compileTemplate({ i: '{{randInt 1.5 4.5}}', f: '{{randFloat -1 1}}' });
    const rng = Rng.forStream(2, 't');
    const ints = new Set<number>();
    for (let k = 0; k < 2000; k++) {
      const v = t.fill(rng, k, 0) as { i: number; f: number };
      ints.add(v.i);
      expect(v.f).toBeGreaterThanOrEqual(-1);
      expect(v.f).toBeLessThan(1);
    }
    expect([...ints].sort()).toEqual([2, 3, 4]);
  });

  it('pick chooses among the words (a string even for digits); uuid is a v4-shaped id', () => {
    const t = compileTemplate(['{{pick a b c}}', '{{pick 1 2}}', '{{uuid}}']);
    const rng = Rng.forStream(3, 't');
    const picks = new Set<string>();
    for (let k = 0; k < 500; k++) {
      const [p, d, u] = t.fill(rng, k, 0) as string[];
      picks.add(p);
      expect(['1', '2']).toContain(d);
      expect(u).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
    }
    expect([...picks].sort()).toEqual(['a', 'b', 'c']);
  });

  it('is deterministic for a seed', () => {
    const t = compileTemplate({ u: '{{uuid}}', r: '{{randInt 1 1000000}}' });
    expect(t.fill(Rng.forStream(4, 'x'), 1, 0)).toEqual(t.fill(Rng.forStream(4, 'x'), 1, 0));
    expect(t.fill(Rng.forStream(4, 'x'), 1, 0)).not.toEqual(t.fill(Rng.forStream(5, 'x'), 1, 0));
  });

  it('only the dynamic parts are rebuilt; keys and static siblings are kept', () => {
    const shared = { deep: [1, 2] };
    const t = compileTemplate({ s: shared, d: '{{seq}}' });
    const a = t.fill(Rng.forStream(1, 'x'), 1, 0) as { s: unknown; d: number };
    const b = t.fill(Rng.forStream(1, 'x'), 2, 0) as { s: unknown; d: number };
    expect(a.s).toBe(shared);
    expect(b.s).toBe(shared);
    expect([a.d, b.d]).toEqual([1, 2]);
  });

  it.each([
    ['{{rand}}', /message\.payload\.x: unknown placeholder \{\{rand\}\}/],
    ['{{randInt 5}}', /randInt A B/],
    ['{{randInt 5 1}}', /A ≤ B/],
    ['{{randFloat a b}}', /two numbers/],
    ['{{pick}}', /at least one word/],
  ])('refuses %s with the path where it is', (bad, message) => {
    expect(() => compileTemplate({ x: bad }, 'message.payload')).toThrow(TemplateError);
    expect(() => compileTemplate({ x: bad }, 'message.payload')).toThrow(message);
  });

  it('names array positions in the path', () => {
    expect(() => compileTemplate({ list: ['ok', '{{nope}}'] }, 'p')).toThrow(/p\.list\[1\]: unknown placeholder/);
  });
});
