import { describe, expect, it } from 'vitest';
import type { Message } from '../model/message';
import { copyMessage, messageId } from './NodeContext';
import { TestSimulation } from './testing/TestSimulation';

describe('messageId', () => {
  it("is 'm' + seq for every seq, in order", () => {
    for (let seq = 0; seq < 1_200_000; seq++) if (messageId(seq) !== 'm' + seq) expect(messageId(seq)).toBe('m' + seq);
  });

  it("is 'm' + seq when seqs come out of order (two simulations interleaved)", () => {
    const seqs = [5000, 1, 5001, 999_999, 1000, 999, 1001, 123_456_789, 5002, 0, 2_000_000_000, 4999];
    expect(seqs.map(messageId)).toEqual(seqs.map((s) => 'm' + s));
  });
});

describe('copyMessage', () => {
  it('copies every field of a message the engine made, in the same order (so copies share its hidden class)', () => {
    const t = TestSimulation.of({ p: ['producer', { count: 1, message: { type: 'Order', payload: { n: '{{seq}}' } } }], s: 'sink' }, ['p -> s'], { keepTrace: false });
    const made: Message[] = [];
    const sink = t.sim.nodes[t.indexOf('s')].behavior;
    const onMessage = sink.onMessage.bind(sink);
    sink.onMessage = (m, port) => {
      made.push(m);
      onMessage(m, port);
    };
    t.run();
    expect(made).toHaveLength(1);
    const m = made[0];
    const copy = copyMessage(m);
    expect(copy).not.toBe(m);
    expect(Object.keys(copy)).toEqual(Object.keys(m));
    expect(copy).toEqual(m);
  });
});
