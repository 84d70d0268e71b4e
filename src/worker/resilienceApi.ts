/**
 * The resilience, security and tracing part of the worker API: the run's faults with their state and
 * studio toggles (`setFaultActive`, which adds a fault the run did not have), invariant results with their
 * first offending messages, the audit log and policy of access-control nodes, and one conversation as a
 * sequence diagram or as an OTLP JSON export. Spread into the API object by simulationApi.ts.
 *
 * @example
 * const api = { ...resilienceApi(() => sim, afterChange), ... };
 * api.setFaultActive('gateway-down', true);               // on now, whatever its schedule says
 * api.auditLog('gate', { decision: 'deny', limit: 50 });  // the newest denials first kept
 */
import { ensureFaults } from '../engine/hooks';
import { exportConversationOtlp, sequenceDiagram } from '../engine/otel';
import type { Simulation } from '../engine/Simulation';
import type { FaultSpec } from '../model/faults';
import {
  MAX_CONVERSATION_STEPS,
  type AccessPolicy,
  type AuditPage,
  type AuditQuery,
  type Conversation,
  type FaultStatus,
  type InvariantResult,
} from './resilienceTypes';

/** The worker API's resilience, security and tracing part (see `resilienceApi`). */
export interface ResilienceApi {
  /** Every fault of the run (from the file, or added by the studio) with its window, state and figures. */
  faultStates(): FaultStatus[];
  /**
   * Switches a fault on or off now. A fault the run does not have (added to the topology after the run was
   * loaded) is added from `spec` when switched on; its schedule then applies from now. Returns false when
   * there is nothing to switch.
   */
  setFaultActive(id: string, on: boolean, spec?: FaultSpec): boolean;
  /** Every invariant's state now, with its first offending messages; null when the run has none. */
  invariantResults(): InvariantResult[] | null;
  /** A page of an access-control node's audit log (oldest kept first), optionally of one decision only. */
  auditLog(nodeId: string, query?: AuditQuery): AuditPage;
  /** An access-control node's whole kept audit log as JSON text. */
  exportAudit(nodeId: string): string;
  /** The policy an access-control node applies now. */
  accessPolicy(nodeId: string): AccessPolicy;
  /** The kept spans of one correlation id as a sequence diagram (at most MAX_CONVERSATION_STEPS steps). */
  conversation(correlationId: string): Conversation;
  /** The kept spans of one correlation id as OTLP JSON text (resourceSpans → scopeSpans → spans). */
  exportConversation(correlationId: string): string;
}

const MAX_AUDIT_PAGE = 1000;

/**
 * The resilience methods of the worker API, over the current run. `afterChange` is called after a change
 * to the run (a fault switched), so the driver sends a frame while paused.
 */
export function resilienceApi(getSim: () => Simulation | null, afterChange: () => void): ResilienceApi {
  const needSim = () => {
    const sim = getSim();
    if (!sim) throw new Error('no topology is loaded');
    return sim;
  };
  const accessNode = (nodeId: string) => {
    const sim = needSim();
    const i = sim.indexOf(nodeId);
    if (i < 0) throw new Error(`no node "${nodeId}"`);
    if (sim.nodes[i].kind !== 'access-control') throw new Error(`node "${nodeId}" is not an access-control node`);
    return sim;
  };
  return {
    faultStates() {
      const f = needSim().hooks?.faults ?? null;
      if (f === null) return [];
      const reports = f.report();
      return f.faults.map((rt, i) => ({
        ...reports[i],
        ...(rt.spec.label !== undefined ? { label: rt.spec.label } : {}),
        at: rt.spec.at,
        for: rt.spec.for ?? null,
        since: rt.since,
      }));
    },
    setFaultActive(id, on, spec) {
      const sim = needSim();
      let f = sim.hooks?.faults ?? null;
      if (f === null || !f.faults.some((rt) => rt.spec.id === id)) {
        // not in the run: nothing to switch off; switching on adds it (checked by the model's schema)
        if (!on || !spec) return false;
        if (spec.id !== id) throw new Error(`the fault's spec has id "${spec.id}", not "${id}"`);
        f = ensureFaults(sim);
        f.add(spec);
      }
      const switched = f.setActive(id, on);
      afterChange();
      return switched;
    },
    invariantResults() {
      return needSim().hooks?.invariants?.results() ?? null;
    },
    auditLog(nodeId, query = {}) {
      const limit = Math.min(MAX_AUDIT_PAGE, Math.max(0, Math.floor(query.limit ?? 100)));
      return accessNode(nodeId).action(nodeId, 'audit', { offset: query.offset ?? 0, limit, decision: query.decision ?? null }) as AuditPage;
    },
    exportAudit(nodeId) {
      return accessNode(nodeId).action(nodeId, 'exportAudit') as string;
    },
    accessPolicy(nodeId) {
      return accessNode(nodeId).action(nodeId, 'policy') as AccessPolicy;
    },
    conversation(correlationId) {
      const d = sequenceDiagram(needSim(), correlationId);
      const truncated = Math.max(0, d.steps.length - MAX_CONVERSATION_STEPS);
      return { ...d, steps: truncated ? d.steps.slice(0, MAX_CONVERSATION_STEPS) : d.steps, truncated };
    },
    exportConversation(correlationId) {
      return JSON.stringify(exportConversationOtlp(needSim(), correlationId), null, 2);
    },
  };
}
