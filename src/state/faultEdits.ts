/**
 * Pure edits of a topology's fault schedule, invariants and edge links, as the inspector and the invariants
 * panel make them. Like ./graphEdits.ts, each returns a new topology (sharing what it did not touch) and
 * writes only what the user chose: an empty list is removed from the file, so export → import is exact.
 */
import { EDGE_FAULT_TYPES, type FaultSpec, type FaultType, type InvariantKind, type InvariantSpec } from '../model/faults';
import type { LinkSpec, Topology } from '../model/topology';
import { uniqueId } from './graphEdits';

/** What a fault acts on: a node or an edge, by id. */
export type FaultTarget = { node: string } | { edge: string };

/** A fault of the topology with its index in `faults` (for error paths such as `faults[2].probability`). */
export interface IndexedFault {
  fault: FaultSpec;
  index: number;
}

/** The id a target names. */
export const targetId = (t: FaultTarget): string => ('node' in t ? t.node : t.edge);

/** Whether a fault type applies to edges (else to nodes). */
export const isEdgeFaultType = (type: FaultType): boolean => EDGE_FAULT_TYPES.includes(type);

/** The faults of a topology that act on one node or edge, in file order. */
export function faultsOf(t: Topology, target: FaultTarget): IndexedFault[] {
  const out: IndexedFault[] = [];
  (t.faults ?? []).forEach((fault, index) => {
    const ft = fault.target as FaultTarget;
    if ('node' in target ? 'node' in ft && ft.node === target.node : 'edge' in ft && ft.edge === target.edge) out.push({ fault, index });
  });
  return out;
}

/** The parameters a new fault of a type starts with (what the schema requires, with teaching values). */
export function faultParams(type: FaultType): Record<string, unknown> {
  switch (type) {
    case 'latency':
      return { delay: { dist: 'exponential', mean: 50 } };
    case 'drop':
    case 'duplicate':
      return { probability: 0.1 };
    case 'reorder':
      return { probability: 0.2, maxDelay: 50 };
    case 'partition':
      return { mode: 'drop' };
    case 'slow':
      return { factor: 5 };
    case 'error':
      return { probability: 0.5 };
    default:
      return {};
  }
}

/** A new fault of `type` on a target, with a free id and a window from 2 s for 3 s. */
export function newFault(t: Topology, target: FaultTarget, type: FaultType): FaultSpec {
  const taken = new Set((t.faults ?? []).map((f) => f.id));
  const id = uniqueId(`${targetId(target)}-${type}`, taken);
  return { id, target, type, at: 2000, for: 3000, ...faultParams(type) } as FaultSpec;
}

/** The same fault as another type: id, label, window and target kept, parameters those of the new type. */
export function changeFaultType(fault: FaultSpec, type: FaultType): FaultSpec {
  const keep: Record<string, unknown> = { id: fault.id };
  if (fault.label !== undefined) keep.label = fault.label;
  keep.target = fault.target;
  keep.type = type;
  if (fault.at !== undefined) keep.at = fault.at;
  if (fault.for !== undefined) keep.for = fault.for;
  return { ...keep, ...faultParams(type) } as FaultSpec;
}

function withList<K extends 'faults' | 'invariants'>(t: Topology, key: K, list: NonNullable<Topology[K]>): Topology {
  const next = { ...t };
  if (list.length === 0) delete next[key];
  else next[key] = list;
  return next;
}

/** Appends a fault. */
export function addFault(t: Topology, fault: FaultSpec): Topology {
  return withList(t, 'faults', [...(t.faults ?? []), fault]);
}

/** Replaces the fault at `index`. */
export function replaceFault(t: Topology, index: number, fault: FaultSpec): Topology {
  const list = t.faults ?? [];
  if (index < 0 || index >= list.length || list[index] === fault) return t;
  return withList(
    t,
    'faults',
    list.map((f, i) => (i === index ? fault : f)),
  );
}

/** Removes the fault at `index` (the `faults` field goes when it was the last). */
export function removeFault(t: Topology, index: number): Topology {
  const list = t.faults ?? [];
  if (index < 0 || index >= list.length) return t;
  return withList(
    t,
    'faults',
    list.filter((_, i) => i !== index),
  );
}

/** A free invariant id for a kind (`no-loss`, `no-loss-2`, …). */
export function newInvariantId(t: Topology, kind: InvariantKind): string {
  return uniqueId(kind, new Set((t.invariants ?? []).map((i) => i.id)));
}

/** Appends an invariant. */
export function addInvariant(t: Topology, inv: InvariantSpec): Topology {
  return withList(t, 'invariants', [...(t.invariants ?? []), inv]);
}

/** Removes the invariant at `index`. */
export function removeInvariant(t: Topology, index: number): Topology {
  const list = t.invariants ?? [];
  if (index < 0 || index >= list.length) return t;
  return withList(
    t,
    'invariants',
    list.filter((_, i) => i !== index),
  );
}

/** The node ids an invariant names. */
export function invariantNodeIds(inv: InvariantSpec): string[] {
  return inv.kind === 'no-loss' ? [inv.from, inv.to] : [inv.at];
}

/**
 * After an edit that removed nodes or edges (`before` → `after`), drops the faults that target what is gone
 * and the invariants that name removed nodes, so deleting part of the graph takes them along in the same
 * undo step. Faults and invariants that named nothing to begin with are left for validation to report.
 */
export function pruneFaultsAndInvariants(before: Topology, after: Topology): Topology {
  if (!after.faults?.length && !after.invariants?.length) return after;
  const nodesNow = new Set(after.nodes.map((n) => n.id));
  const edgesNow = new Set(after.edges.map((e) => e.id));
  const goneNode = (id: string) => !nodesNow.has(id) && before.nodes.some((n) => n.id === id);
  const goneEdge = (id: string) => !edgesNow.has(id) && before.edges.some((e) => e.id === id);
  let next = after;
  if (after.faults?.length) {
    const kept = after.faults.filter((f) => {
      const ft = f.target as FaultTarget;
      return 'node' in ft ? !goneNode(ft.node) : !goneEdge(ft.edge);
    });
    if (kept.length !== after.faults.length) next = withList(next, 'faults', kept);
  }
  if (after.invariants?.length) {
    const kept = after.invariants.filter((inv) => !invariantNodeIds(inv).some(goneNode));
    if (kept.length !== after.invariants.length) next = withList(next, 'invariants', kept);
  }
  return next;
}

/** Sets an edge's link (bandwidth and latency), or removes it with `undefined` (the edge is then instant). */
export function setEdgeLink(t: Topology, edgeId: string, link: LinkSpec | undefined): Topology {
  return {
    ...t,
    edges: t.edges.map((e) => {
      if (e.id !== edgeId) return e;
      const next = { ...e };
      if (link === undefined) delete next.link;
      else next.link = link;
      return next;
    }),
  };
}
