import { describe, expect, it } from 'vitest';
import { faultSchema } from '../model/faults';
import { validateTopology, type Topology } from '../model/topology';
import {
  addFault,
  addInvariant,
  changeFaultType,
  faultsOf,
  newFault,
  newInvariantId,
  pruneFaultsAndInvariants,
  removeFault,
  removeInvariant,
  replaceFault,
  setEdgeLink,
} from './faultEdits';
import { removeElements } from './graphEdits';
import { runSignature } from './slices/run';

const base = (): Topology => ({
  format: 'messaging-studio/topology',
  version: 1,
  name: 'faults',
  nodes: [
    { id: 'p', kind: 'producer' },
    { id: 'svc', kind: 'service-activator' },
    { id: 'end', kind: 'sink' },
  ],
  edges: [
    { id: 'e1', source: 'p', target: 'svc' },
    { id: 'e2', source: 'svc', target: 'end' },
  ],
});

describe('fault, invariant and link edits', () => {
  it('adds new faults of every type that the model’s schema and the validator accept', () => {
    let t = base();
    for (const type of ['crash', 'pause', 'slow', 'error'] as const) t = addFault(t, newFault(t, { node: 'svc' }, type));
    for (const type of ['latency', 'drop', 'duplicate', 'reorder', 'partition'] as const) t = addFault(t, newFault(t, { edge: 'e1' }, type));
    expect(t.faults).toHaveLength(9);
    for (const f of t.faults!) expect(faultSchema.safeParse(f).success).toBe(true);
    expect(validateTopology(t).ok).toBe(true);
    expect(faultsOf(t, { node: 'svc' }).map((f) => f.fault.type)).toEqual(['crash', 'pause', 'slow', 'error']);
    expect(faultsOf(t, { edge: 'e1' }).map((f) => f.index)).toEqual([4, 5, 6, 7, 8]);
    expect(faultsOf(t, { edge: 'e2' })).toEqual([]);
    // ids are free: a second crash on the same node gets its own
    const again = newFault(t, { node: 'svc' }, 'crash');
    expect(again.id).toBe('svc-crash-2');
  });

  it('replaces, retypes and removes faults, dropping the field when the list is empty (exact export)', () => {
    const t0 = base();
    const t1 = addFault(t0, newFault(t0, { node: 'svc' }, 'error'));
    expect(t0.faults).toBeUndefined();
    const f = t1.faults![0];
    const retyped = changeFaultType({ ...f, label: 'flaky', at: 100, for: 50 }, 'slow');
    expect(retyped).toEqual({ id: f.id, label: 'flaky', target: { node: 'svc' }, type: 'slow', at: 100, for: 50, factor: 5 });
    const t2 = replaceFault(t1, 0, retyped);
    expect(t2.faults![0]).toBe(retyped);
    expect(t2.nodes).toBe(t1.nodes);
    expect(replaceFault(t2, 5, retyped)).toBe(t2);
    const t3 = removeFault(t2, 0);
    expect('faults' in t3).toBe(false);
    expect(JSON.stringify(t3)).toBe(JSON.stringify(t0));
  });

  it('adds and removes invariants with free ids', () => {
    let t = base();
    expect(newInvariantId(t, 'no-loss')).toBe('no-loss');
    t = addInvariant(t, { id: newInvariantId(t, 'no-loss'), kind: 'no-loss', from: 'p', to: 'end' });
    t = addInvariant(t, { id: newInvariantId(t, 'no-loss'), kind: 'no-loss', from: 'p', to: 'svc' });
    t = addInvariant(t, { id: newInvariantId(t, 'latency'), kind: 'latency', at: 'end', under: 100 });
    expect(t.invariants!.map((i) => i.id)).toEqual(['no-loss', 'no-loss-2', 'latency']);
    expect(validateTopology(t).ok).toBe(true);
    t = removeInvariant(t, 1);
    expect(t.invariants!.map((i) => i.id)).toEqual(['no-loss', 'latency']);
    t = removeInvariant(removeInvariant(t, 0), 0);
    expect('invariants' in t).toBe(false);
  });

  it('deleting a node takes its faults, its edges’ faults and the invariants naming it along', () => {
    let t = base();
    t = addFault(t, newFault(t, { node: 'svc' }, 'crash'));
    t = addFault(t, newFault(t, { edge: 'e1' }, 'drop'));
    t = addFault(t, newFault(t, { node: 'p' }, 'pause'));
    t = addInvariant(t, { id: 'a', kind: 'no-loss', from: 'p', to: 'svc' });
    t = addInvariant(t, { id: 'b', kind: 'latency', at: 'end', under: 10 });
    const after = pruneFaultsAndInvariants(t, removeElements(t, new Set(['svc']), new Set()));
    expect(after.faults!.map((f) => f.id)).toEqual(['p-pause']);
    expect(after.invariants!.map((i) => i.id)).toEqual(['b']);
    expect(validateTopology(after).ok).toBe(true);
    // removing only an edge keeps the node's faults
    const edgeOnly = pruneFaultsAndInvariants(t, removeElements(t, new Set(), new Set(['e1'])));
    expect(edgeOnly.faults!.map((f) => f.id)).toEqual(['svc-crash', 'p-pause']);
    expect(edgeOnly.invariants).toBe(t.invariants);
    // nothing to prune: the same object
    const moved = { ...t };
    expect(pruneFaultsAndInvariants(t, moved)).toBe(moved);
  });

  it('sets and clears an edge link; links, faults and invariants change what a run is built from', () => {
    const t0 = base();
    const t1 = setEdgeLink(t0, 'e2', { bandwidth: 125_000, latency: 20 });
    expect(t1.edges[1].link).toEqual({ bandwidth: 125_000, latency: 20 });
    expect(t1.edges[0]).toBe(t0.edges[0]);
    expect(validateTopology(t1).ok).toBe(true);
    expect(runSignature(t1)).not.toBe(runSignature(t0));
    const t2 = setEdgeLink(t1, 'e2', undefined);
    expect('link' in t2.edges[1]).toBe(false);
    expect(runSignature(t2)).toBe(runSignature(t0));
    expect(runSignature(addFault(t0, newFault(t0, { node: 'svc' }, 'crash')))).not.toBe(runSignature(t0));
    expect(runSignature(addInvariant(t0, { id: 'x', kind: 'latency', at: 'end', under: 5 }))).not.toBe(runSignature(t0));
  });
});
