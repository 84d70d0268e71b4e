/**
 * The wire format of the worker's resilience, link and security reads: what a frame carries about faults,
 * invariants and links with capacity, and the shapes of the replies to `faultStates`, `invariantResults`,
 * `auditLog`, `conversation`. Types and constants only (engine types re-exported with `import type`), so
 * the studio imports it without pulling the engine into the main-thread bundle. `frames.ts` re-exports it.
 *
 * @example
 * const j = info.edges.findIndex((e) => e.id === 'slow-link');
 * const busy = frame.links?.[j * LINK_STRIDE + LinkField.Utilization] ?? 0; // 0–1
 */
import type { FaultReport } from '../engine/faults';
import type { InvariantResult, InvariantViolation } from '../engine/invariants';
import type { SequenceDiagram, SequenceStep } from '../engine/otel';
import type { AuditEntry } from '../engine/patterns/accessControl';
import type { FaultSpec, FaultType, InvariantKind, InvariantSpec } from '../model/faults';

export type { AuditEntry, FaultReport, FaultSpec, FaultType, InvariantKind, InvariantResult, InvariantSpec, InvariantViolation, SequenceDiagram, SequenceStep };

/** Most active faults listed in one frame (the rest are counted in `FrameFaults.activeCount`). */
export const MAX_FAULT_MARKS = 64;

/** Most steps of a conversation the worker sends (the rest are counted in `Conversation.truncated`). */
export const MAX_CONVERSATION_STEPS = 2000;

/** A fault that is on now, with its target as an index into the run's nodes or edges. */
export interface ActiveFaultMark {
  id: string;
  type: FaultType;
  /** Node index, or -1 for an edge fault. */
  node: number;
  /** Edge index, or -1 for a node fault. */
  edge: number;
  /** Virtual time it switched on (ms). */
  since: number;
}

/** The faults of a run in a frame (bounded: at most MAX_FAULT_MARKS active faults listed). */
export interface FrameFaults {
  /** Faults on now (the first MAX_FAULT_MARKS of them, in schedule order). */
  active: ActiveFaultMark[];
  /** How many faults are on now. */
  activeCount: number;
  /** How many faults the run has (file and studio). */
  total: number;
  /** Nodes a fault holds in a state (`crashed`, `paused`), by node index. */
  nodeStates: { node: number; state: string }[];
}

/** An invariant's state in a frame: the run report's result without the offending messages. */
export type InvariantStatus = Omit<InvariantResult, 'first'>;

/** Offsets of the per-edge link figures in `Frame.links` (LINK_STRIDE numbers per edge). */
export const LinkField = {
  /** 1 when the edge has a link, 0 when it is instant (the other figures are then 0). */
  HasLink: 0,
  /** Share of recent virtual time spent serializing (0–1, smoothed like the rates). */
  Utilization: 1,
  /** Messages sent and not yet fully on the wire (the backlog). */
  Queued: 2,
  /** Messages sent and not yet arrived at the far end. */
  InTransit: 3,
  /** Utilization since the start of the run (0–1). */
  MeanUtilization: 4,
} as const;
/** Numbers per edge in `Frame.links`. */
export const LINK_STRIDE = 5;

/** A fault of the run with its figures and window (the answer to `faultStates`). */
export interface FaultStatus extends FaultReport {
  label?: string;
  /** Virtual time its window starts (ms). */
  at: number;
  /** Length of its window (ms), or null for the rest of the run. */
  for: number | null;
  /** Virtual time it last switched on, or -1. */
  since: number;
}

/** A page of an access-control node's audit log (oldest kept first). */
export interface AuditPage {
  /** Decisions logged since the start. */
  total: number;
  /** Entries still kept (the log is a ring). */
  kept: number;
  /** Entries no longer kept. */
  dropped: number;
  offset: number;
  entries: AuditEntry[];
}

/** Options of an audit page. */
export interface AuditQuery {
  offset?: number;
  limit?: number;
  decision?: 'allow' | 'deny' | null;
}

/** The policy an access-control node applies now. */
export interface AccessPolicy {
  /** 0: the configured policy; n: the n-th scheduled change. */
  index: number;
  default: 'allow' | 'deny';
  principals: Record<string, string[]>;
  rules: { id: string; effect: 'allow' | 'deny'; roles?: string[]; principals?: string[]; topic: string; operations: string[] }[];
}

/** One conversation as a sequence diagram (at most MAX_CONVERSATION_STEPS steps). */
export interface Conversation extends SequenceDiagram {
  /** Steps left out beyond MAX_CONVERSATION_STEPS. */
  truncated: number;
}
