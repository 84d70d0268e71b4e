import { describe, expect, it } from 'vitest';
import { TestSimulation } from '../testing/TestSimulation';
import { Outcome } from '../trace';
import { readEnvelope } from './envelopeUnwrapper';

const ENVELOPE = {
  envelope: {
    original: {
      correlationId: 'c1',
      kind: 'document',
      type: 'Doc',
      headers: { a: 'b' },
      priority: 2,
      expiresAt: null,
    },
  },
  body: { x: 1 },
};

describe('envelope unwrapper', () => {
  it('dead-letters messages that are not envelopes as invalid, with what is wrong', () => {
    const t = TestSimulation.of(
      {
        src: ['producer', { rate: 10, count: 3, message: { payload: { hello: 1 } } }],
        un: 'envelope-unwrapper',
        out: 'sink',
        dlq: 'dead-letter',
      },
      ['src -> un', 'un -> out', 'un:dead-letter -> dlq'],
    );
    const r = t.run();
    expect(r.totals.completed).toBe(0);
    const list = t.action('dlq', 'list') as { byReason: Record<string, number>; items: { detail: string }[] };
    expect(list.byReason).toEqual({ invalid: 3 });
    expect(list.items[0].detail).toBe('not an envelope: the payload has no "envelope" object');
  });

  it('readEnvelope checks every field it restores', () => {
    expect(readEnvelope(ENVELOPE)).toMatchObject({
      correlationId: 'c1',
      kind: 'document',
      type: 'Doc',
      priority: 2,
      body: { x: 1 },
    });
    expect(readEnvelope({ envelope: ENVELOPE.envelope })).toMatch(/no "body"/);
    expect(
      readEnvelope({ envelope: { original: { ...ENVELOPE.envelope.original, kind: 'query' } }, body: 1 }),
    ).toMatch(/kind/);
    expect(
      readEnvelope({ envelope: { original: { ...ENVELOPE.envelope.original, headers: { a: 1 } } }, body: 1 }),
    ).toMatch(/headers/);
    expect(
      readEnvelope({ envelope: { original: { ...ENVELOPE.envelope.original, type: '' } }, body: 1 }),
    ).toMatch(/type/);
    expect(readEnvelope([1])).toMatch(/not an envelope/);
    // an out-of-range priority falls back to the default rather than failing
    expect(
      readEnvelope({ envelope: { original: { ...ENVELOPE.envelope.original, priority: 99 } }, body: 1 }),
    ).toMatchObject({ priority: 4 });
  });

  it('restoreQos off keeps the envelope\u2019s priority and expiry', () => {
    const t = TestSimulation.of(
      {
        src: ['producer', { rate: 10, count: 1, message: { priority: 2 } }],
        wrap: ['envelope-wrapper', { qos: { priority: 9, ttl: 50_000 } }],
        un: ['envelope-unwrapper', { restoreQos: false }],
        out: 'sink',
      },
      ['src -> wrap', 'wrap -> un', 'un -> out'],
      { keepTrace: true },
    );
    t.run();
    const spans = t.spans();
    let restored = null;
    for (let i = 0; i < spans.count; i++)
      if (spans.node[i] === t.indexOf('out') && spans.outcome[i] === Outcome.Completed)
        restored = t.sim.trace.findMessage(spans.msg[i]);
    expect(restored?.priority).toBe(9);
    expect(restored?.expiresAt).not.toBeNull();
  });
});
