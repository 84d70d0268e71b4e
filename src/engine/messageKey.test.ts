/**
 * Message keys: the direct readers of fields and plain paths give exactly what the expression interpreter
 * gives, on any JSON payload and headers.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Message } from '../model/message';
import { compileKey } from './messageKey';

// with names every object inherits (functions), which a key must not read
const NAMES = ['a', 'b', 'orderId', 'length', 'x-y', 'outbox-id', '0', 'toString', 'valueOf'];

const pathArb = fc.oneof(
  fc.constantFrom('id', 'correlationId', 'type', 'kind'),
  fc
    .tuple(fc.constantFrom('payload', 'headers'), fc.array(fc.constantFrom(...NAMES), { minLength: 1, maxLength: 3 }), fc.boolean())
    .map(([root, names, brackets]) =>
      root + names.map((n) => (brackets || !/^[A-Za-z_$][\w$]*$/.test(n) ? `["${n}"]` : `.${n}`)).join(''),
    ),
);

const jsonArb = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.string({ maxLength: 4 }),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom(...NAMES), tie('value'), { maxKeys: 4 }),
  ),
})).value;

const messageArb = fc.record({
  payload: jsonArb,
  headers: fc.dictionary(fc.constantFrom(...NAMES), fc.string({ maxLength: 4 }), { maxKeys: 4 }),
});

describe('message keys', () => {
  it('read fields and plain paths exactly as the interpreter does', () => {
    fc.assert(
      fc.property(pathArb, messageArb, (path, { payload, headers }) => {
        const m = { id: 'm1', seq: 1, correlationId: 'c1', kind: 'event', type: 'T', headers, payload } as unknown as Message;
        expect(compileKey(path, 'test')(m)).toEqual(compileKey(path, 'test', { shortcuts: false })(m));
      }),
      { numRuns: 2000 },
    );
  });

  it('compiles a text once per process: the same function for the same key, whoever asks', () => {
    const a = compileKey('payload.orderId', 'idempotent consumer "a"');
    expect(compileKey(' payload.orderId ', 'invariant "b"')).toBe(a);
    expect(compileKey('payload.orderId', 'test', { shortcuts: false })).not.toBe(a);
    expect(compileKey('payload.other', 'test')).not.toBe(a);
    // an invalid text is not remembered: each owner gets its own error
    expect(() => compileKey('payload.(', 'owner one')).toThrow(/^owner one: /);
    expect(() => compileKey('payload.(', 'owner two')).toThrow(/^owner two: /);
  });

  it('refuses what the language refuses, and gives no key for a missing field', () => {
    expect(() => compileKey('payload.__proto__', 'invariant "x"')).toThrow(/invariant "x": the key "payload.__proto__" is not a valid expression/);
    const m = { id: 'm1', headers: {}, payload: { a: { b: 1 } } } as unknown as Message;
    expect(compileKey('payload.a.b', 't')(m)).toBe(1);
    expect(compileKey('payload.a.c', 't')(m)).toBeNull();
    expect(compileKey('payload.a', 't')(m)).toBe('{"b":1}');
    expect(compileKey('payload.a.b + 1', 't')(m)).toBe(2);
  });
});
