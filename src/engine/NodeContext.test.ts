import { describe, expect, it } from 'vitest';
import { messageId } from './NodeContext';

describe('messageId', () => {
  it("is 'm' + seq for every seq, in order", () => {
    for (let seq = 0; seq < 1_200_000; seq++) if (messageId(seq) !== 'm' + seq) expect(messageId(seq)).toBe('m' + seq);
  });

  it("is 'm' + seq when seqs come out of order (two simulations interleaved)", () => {
    const seqs = [5000, 1, 5001, 999_999, 1000, 999, 1001, 123_456_789, 5002, 0, 2_000_000_000, 4999];
    expect(seqs.map(messageId)).toEqual(seqs.map((s) => 'm' + s));
  });
});
