import { describe, expect, it } from 'vitest';
import { serializeTopology, validateTopology, type Topology } from '../model/topology';
import {
  addEdge,
  addNode,
  connectionProblem,
  extractFragment,
  insertFragment,
  moveNodes,
  removeElements,
  setIn,
  setMeta,
  setNodeConfigAt,
  setNodeLabel,
  uniqueId,
} from './graphEdits';

const base = (): Topology => ({
  format: 'messaging-studio/topology',
  version: 1,
  name: 'T',
  nodes: [
    { id: 'p', kind: 'producer', position: { x: 0, y: 0 } },
    { id: 'q', kind: 'point-to-point', position: { x: 200, y: 0 } },
    { id: 'w', kind: 'service-activator', position: { x: 400, y: 0 }, config: { concurrency: 2 } },
    { id: 's', kind: 'sink' },
  ],
  edges: [{ id: 'e1', source: 'p', target: 'q' }],
});

describe('graph edits', () => {
  it('makes ids from the kind, unique across nodes and edges', () => {
    expect(uniqueId('producer', new Set(['producer', 'producer-2']))).toBe('producer-3');
    const { topology, id } = addNode(base(), 'sink', { x: 10.4, y: 20.6 });
    expect(id).toBe('sink');
    const again = addNode(topology, 'sink', { x: 0, y: 0 });
    expect(again.id).toBe('sink-2');
    expect(topology.nodes.at(-1)).toEqual({ id: 'sink', kind: 'sink', position: { x: 10, y: 21 } });
  });

  it('leaves the input untouched and shares unchanged nodes', () => {
    const t = base();
    const before = serializeTopology(t);
    const moved = moveNodes(t, new Map([['q', { x: 1, y: 2 }]]));
    expect(serializeTopology(t)).toBe(before);
    expect(moved.nodes[0]).toBe(t.nodes[0]);
    expect(moved.nodes[1].position).toEqual({ x: 1, y: 2 });
  });

  it('sets and removes config values and labels without filling defaults', () => {
    let t = setNodeConfigAt(base(), 'w', ['retry', 'maxAttempts'], 3);
    expect(t.nodes[2].config).toEqual({ concurrency: 2, retry: { maxAttempts: 3 } });
    t = setNodeConfigAt(t, 'w', ['concurrency'], undefined);
    expect(t.nodes[2].config).toEqual({ retry: { maxAttempts: 3 } });
    t = setNodeLabel(t, 'w', 'Workers');
    expect(t.nodes[2].label).toBe('Workers');
    t = setNodeLabel(t, 'w', '');
    expect('label' in t.nodes[2]).toBe(false);
    expect(setIn({ a: [1, 2, 3] }, ['a', 1], undefined)).toEqual({ a: [1, 3] });
    expect(setMeta(base(), { description: '' })).not.toHaveProperty('description');
  });

  it('allows what the model allows and refuses the rest with the model’s reason', () => {
    const t = base();
    expect(connectionProblem(t, { source: 'q', target: 'w' })).toBeNull();
    expect(connectionProblem(t, { source: 'q', sourcePort: 'dead-letter', target: 's' })).toBeNull();
    // a producer's single output is already used by e1 (fan-out one)
    expect(connectionProblem(t, { source: 'p', target: 's' })).toMatch(/takes one connection and already has edge "e1"/);
    expect(connectionProblem(t, { source: 'q', sourcePort: 'nope', target: 'w' })).toMatch(/has no output port "nope"/);
    expect(connectionProblem(t, { source: 'q', target: 'p' })).toMatch(/takes no input/);
    expect(connectionProblem(t, { source: 'q', target: 'q' })).toMatch(/itself/);
    expect(connectionProblem(t, { source: 'p', target: 'q' })).toMatch(/already connected/);
  });

  it('writes default ports implicitly and keeps the result valid', () => {
    const { topology, id } = addEdge(base(), { source: 'q', sourcePort: 'out', target: 'w', targetPort: 'in' });
    expect(id).toBe('e2');
    expect(topology.edges.at(-1)).toEqual({ id: 'e2', source: 'q', target: 'w' });
    expect(validateTopology(topology).ok).toBe(true);
  });

  it('removing a node removes its edges', () => {
    const t = removeElements(base(), new Set(['q']), new Set());
    expect(t.nodes.map((n) => n.id)).toEqual(['p', 'w', 's']);
    expect(t.edges).toEqual([]);
  });

  it('copies a selection as a valid topology and pastes it with fresh ids', () => {
    const frag = extractFragment(base(), new Set(['p', 'q']));
    expect(validateTopology(frag).ok).toBe(true);
    expect(frag.edges).toEqual([{ id: 'e1', source: 'p', target: 'q' }]);
    const { topology, nodeIds, edgeIds } = insertFragment(base(), frag, { x: 32, y: 32 });
    expect(nodeIds).toEqual(['p-2', 'q-2']);
    expect(edgeIds).toEqual(['e2']);
    expect(topology.edges.at(-1)).toEqual({ id: 'e2', source: 'p-2', target: 'q-2' });
    expect(topology.nodes.find((n) => n.id === 'q-2')?.position).toEqual({ x: 232, y: 32 });
    expect(validateTopology(topology).ok).toBe(true);
  });
});
