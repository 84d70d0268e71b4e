import { describe, expect, it } from 'vitest';
import type { LiveState } from '../../../state/frameStore';
import { NODE_STRIDE, NodeField, type Frame } from '../../../worker/frames';
import {
  edgeDetail,
  formatCount,
  formatRate,
  nodeDetailVisible,
  rateBucket,
  selectNodeBadge,
} from './liveSelectors';

describe('live selectors', () => {
  it('format rates and counts compactly', () => {
    expect([0, 0.04, 4.24, 87.4, 1234, 34_567, 2_500_000].map(formatRate)).toEqual([
      '0',
      '0',
      '4.2',
      '87',
      '1.2k',
      '35k',
      '2.5M',
    ]);
    expect([12, 1234, 12_345, 3_400_000].map(formatCount)).toEqual(['12', '1.2k', '12k', '3.4M']);
  });

  it('puts rates in decade buckets with round rates mid-bucket, so widths and dots change rarely', () => {
    expect([0, 0.5, 2.9, 3.1, 10, 29, 31, 100, 1000, 1e7].map(rateBucket)).toEqual([
      0, 1, 1, 2, 2, 2, 3, 3, 4, 6,
    ]);
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
      frame: { nodes, views: [null, { state: 'open', figures: { held: 9 } }] } as unknown as Frame,
      nodeIndex: new Map([
        ['a', 0],
        ['dlq', 1],
      ]),
      info: {
        nodes: [
          { id: 'a', kind: 'producer' },
          { id: 'dlq', kind: 'dead-letter' },
        ],
      },
    } as unknown as LiveState;
    expect(selectNodeBadge(s, 'dlq')).toEqual({
      received: 120,
      out: false,
      depth: 4,
      busy: 0,
      rate: '12',
      errors: 3,
      deadLettered: 1,
      state: 'open',
      held: 9,
    });
    expect(selectNodeBadge(s, 'a')?.held).toBe(-1);
    expect(selectNodeBadge(s, 'zzz')).toBeNull();
    expect(selectNodeBadge({ ...s, frame: null }, 'a')).toBeNull();
  });

  it('draws live detail only on screen and zoomed in enough to read it', () => {
    const view = (zoom: number, tx = 0, ty = 0) => ({
      transform: [tx, ty, zoom] as const,
      width: 800,
      height: 600,
      nodeLookup: new Map([
        [
          'near',
          { internals: { positionAbsolute: { x: 100, y: 100 } }, measured: { width: 200, height: 80 } },
        ],
        [
          'far',
          { internals: { positionAbsolute: { x: 5000, y: 100 } }, measured: { width: 200, height: 80 } },
        ],
      ]),
    });
    expect(nodeDetailVisible(view(1), 'near')).toBe(true);
    expect(nodeDetailVisible(view(1), 'far')).toBe(false);
    expect(nodeDetailVisible(view(1, -4800), 'far')).toBe(true);
    expect(nodeDetailVisible(view(0.3), 'near')).toBe(false);
    expect(nodeDetailVisible(view(1), 'missing')).toBe(false);
    expect(edgeDetail(view(1), 300, 200, 250)).toBe(2);
    expect(edgeDetail(view(0.3), 300, 200, 250)).toBe(1);
    expect(edgeDetail(view(1), 9000, 200, 250)).toBe(0);
  });
});
