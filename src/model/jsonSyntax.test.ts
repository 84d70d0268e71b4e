import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonErrorOffset } from './jsonSyntax';

const parses = (s: string) => {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
};

/** Text that is often almost JSON: valid documents with a few characters changed, and soups of JSON tokens. */
const nearJson = fc.oneof(
  fc.tuple(fc.json(), fc.array(fc.tuple(fc.nat(), fc.constantFrom('', ',', ':', '}', ']', '{', '[', '"', '\\', 'e', '-', '.', '0', 'x', ' ', '\n', '\u0001')), { maxLength: 3 })).map(([json, edits]) => {
    let s = json;
    for (const [at, ch] of edits) {
      const i = s.length ? at % (s.length + 1) : 0;
      s = s.slice(0, i) + ch + s.slice(i + (at % 2));
    }
    return s;
  }),
  fc.array(fc.constantFrom('{', '}', '[', ']', ',', ':', '"a"', '1', '-1.5e3', 'true', 'nul', ' ', '"\\u12"', '"\\n"', '0.', '01'), { maxLength: 12 }).map((a) => a.join('')),
);

describe('jsonErrorOffset', () => {
  it('finds no error exactly when JSON.parse succeeds (property)', () => {
    fc.assert(
      fc.property(nearJson, (s) => {
        expect(jsonErrorOffset(s) === -1).toBe(parses(s));
      }),
      { numRuns: 3000 },
    );
  });

  it('agrees with the position V8 gives, when it gives one (property)', () => {
    fc.assert(
      fc.property(nearJson, (s) => {
        try {
          JSON.parse(s);
        } catch (e) {
          const pos = /position (\d+)/.exec((e as Error).message);
          if (pos) expect(jsonErrorOffset(s)).toBe(Number(pos[1]));
        }
      }),
      { numRuns: 3000 },
    );
  });

  it.each([
    ['{"a": }', 6],
    ['[1,]', 3],
    ['{"a":1', 6],
    ['', 0],
    ['  ', 2],
    ['"\\x"', 2],
    ['"a\u0001"', 2],
    ['01', 1],
    ['-', 1],
    ['1.e5', 2],
    ['{"a":1}}', 7],
    ['nul', 3],
    ['tRue', 1],
    [' {"k": [true, false, null, -0.5E-3, "\\u00e9\\n"]} ', -1],
  ])('%j → %i', (text, offset) => {
    expect(jsonErrorOffset(text)).toBe(offset);
  });
});
