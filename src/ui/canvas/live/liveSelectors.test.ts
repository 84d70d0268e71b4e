import { describe, expect, it } from 'vitest';
import type { FrameState } from '../../../state/frameStore';
import { NODE_STRIDE, NodeField, type Frame } from '../../../worker/frames';
import { formatCount, formatRate, rateBucket, selectNodeBadge } from './liveSelectors';

describe('live selectors', () => {
  it('format rates and counts compactly', () => {
    expect([0, 0.04, 4.24, 87.4, 1234, 34_567, 2_500_000].map(formatRate)).toEqual(['0', '0', '4.2', '87', '1.2k', '35k', '2.5M']);
    expect([12, 1234, 12_345, 3_400_000].map(formatCount)).toEqual(['12', '1.2k', '12k', '3.4M']);
  });

  it('puts rates in decade buckets, so dot animations change rarely', () => {
    expect([0, 0.5, 3, 9, 40, 400, 4000, 1e7].map(rateBucket)).toEqual([0, 1, 2, 2, 3, 4, 5, 6]);
  });

  it('reads one node’s badge figures from the latest frame', () => {
    const nodes = new Float64Array(2 * NODE_STRIDE);
    const o = NODE_STRIDE;
    nodes[o + NodeField.Received] = 120;
    nodes[o + NodeField.Depth] = 4;
    nodes[o + NodeField.Failed] = 2;
    nodes[o + NodeField.DeadLettered] = 1;
    nodes[o + NodeField.Rate] = 12.34;
    const s = {
      live: { nodes, views: [null, { state: 'open', figures: { held: 9 } }] } as unknown as Frame,
      nodeIndex: new Map([
        ['a', 0],
        ['dlq', 1],
      ]),
      info: { nodes: [{ id: 'a', kind: 'producer' }, { id: 'dlq', kind: 'dead-letter' }] },
    } as unknown as FrameState;
    expect(selectNodeBadge(s, 'dlq')).toEqual({ received: 120, out: false, depth: 4, busy: 0, rate: '12', errors: 3, deadLettered: 1, state: 'open', held: 9 });
    expect(selectNodeBadge(s, 'a')?.held).toBe(-1);
    expect(selectNodeBadge(s, 'zzz')).toBeNull();
    expect(selectNodeBadge({ ...s, live: null }, 'a')).toBeNull();
  });
});
