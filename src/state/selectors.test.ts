import { describe, expect, it } from 'vitest';
import type { Topology } from '../model/topology';
import { moveNodes, setNodeConfigAt } from './graphEdits';
import { validationOf } from './selectors';

const t0: Topology = {
  format: 'messaging-studio/topology',
  version: 1,
  name: 'T',
  nodes: [
    { id: 'p', kind: 'producer', position: { x: 0, y: 0 }, config: { rate: -1 } },
    { id: 's', kind: 'sink' },
  ],
  edges: [{ id: 'e1', source: 'p', target: 's' }],
};

describe('validation selector', () => {
  it('indexes the runner’s errors by node and edge', () => {
    const v = validationOf(t0);
    expect(v.errors.map((e) => e.code)).toEqual(['E122']);
    expect(v.byNode.get('p')?.[0].path).toBe('nodes[0].config.rate');
    expect(v.byEdge.size).toBe(0);
  });

  it('reuses the result across moves, and revalidates real edits', () => {
    const v0 = validationOf(t0);
    const moved = moveNodes(t0, new Map([['p', { x: 10, y: 20 }], ['s', { x: 300, y: 0 }]]));
    expect(validationOf(moved)).toBe(v0);
    const fixed = setNodeConfigAt(moved, 'p', ['rate'], 5);
    const v1 = validationOf(fixed);
    expect(v1).not.toBe(v0);
    expect(v1.errors).toEqual([]);
  });
});
