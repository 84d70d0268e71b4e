import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseExampleIndex } from './examplesOptions';

describe('examples manifest', () => {
  it('reads the shipped manifest: every entry names a file that exists', () => {
    const list = parseExampleIndex(JSON.parse(readFileSync('public/examples/index.json', 'utf8')));
    expect(list.length).toBeGreaterThan(0);
    expect(list.find((e) => e.name === 'order-queue')?.file).toBe('order-queue.json');
    for (const e of list) expect(() => readFileSync(`public/examples/${e.file}`)).not.toThrow();
  });

  it('accepts a bare array and skips malformed or path-like entries', () => {
    const list = parseExampleIndex([
      { file: 'a.json', name: 'a', title: 'A', description: 'x', family: 'routing' },
      { file: '../secret.json', name: 'b', title: 'B' },
      { file: 'c.json', name: 'c' },
      null,
      'x',
    ]);
    expect(list.map((e) => e.name)).toEqual(['a']);
    expect(parseExampleIndex({ nope: 1 })).toEqual([]);
  });
});
