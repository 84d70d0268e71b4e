/**
 * The event-sourcing part of the worker API: persistence status, the studio's reads of event stores,
 * read models and sagas (an allow-list of node actions), export from memory, and saga timelines. Spread
 * into the API object by simulationApi.ts.
 *
 * @example
 * const api = { ...eventStoreApi(persistence, () => sim, afterChange), ... };
 * api.storeQuery('store', 'streams', { limit: 50 });
 */
import type { SagaState } from '../engine/eventsourcing/sagaLog';
import {
  sagaInstances,
  sagaTimeline,
  type SagaSummary,
  type SagaTimeline,
} from '../engine/eventsourcing/sagaTimeline';
import type { Simulation } from '../engine/Simulation';
import type { EventPersistence, PersistenceStatus } from './persistence';

/** Node actions the studio may call through `storeQuery`, by kind (reads, and replays that change nothing stored). */
export const STUDIO_ACTIONS: Readonly<Record<string, readonly string[]>> = {
  'event-store': ['streams', 'read', 'readAll', 'stateAt', 'snapshots', 'byCorrelation', 'stats', 'replay'],
  'command-handler': ['stats'],
  'query-handler': ['rows', 'reset', 'rebuild'],
  'saga-orchestrator': ['instances', 'timeline', 'stats'],
  'saga-participant': ['log', 'correlations'],
};

const CHANGING = new Set(['replay', 'reset', 'rebuild']);

/** The worker API's event-sourcing part (see `eventStoreApi`). */
export interface EventStoreApi {
  /** Where each event store of the run stands (persisted against head), or null without stores. */
  eventStores(): PersistenceStatus[] | null;
  /** Writes what is drained so far and resolves with the status once storage has it. */
  flushEventStores(): Promise<PersistenceStatus[] | null>;
  /** A read (or replay) on an event-sourcing node; see STUDIO_ACTIONS. */
  storeQuery(nodeId: string, name: string, args?: Record<string, unknown>): unknown;
  /** Every event of a store from memory, as JSON or NDJSON text (offered when persisting failed). */
  exportEventStore(nodeId: string, format: 'json' | 'ndjson'): string;
  /** A saga's timeline by correlation id (orchestrated, or rebuilt from the participants' logs). */
  sagaTimeline(correlationId: string): SagaTimeline | null;
  /** The newest saga instances and counts by state. */
  sagaInstances(
    limit?: number,
    state?: SagaState | null,
  ): { counts: Record<SagaState, number>; items: SagaSummary[] };
}

/**
 * The event-sourcing methods of the worker API, over the current run. `afterChange` is called after an
 * action that changes the run (a replay), so the driver can send a frame.
 */
export function eventStoreApi(
  persistence: EventPersistence,
  getSim: () => Simulation | null,
  afterChange: () => void,
): EventStoreApi {
  const needSim = () => {
    const sim = getSim();
    if (!sim) throw new Error('no topology is loaded');
    return sim;
  };
  return {
    eventStores: () => persistence.status(),
    flushEventStores: async () => {
      await persistence.flush();
      return persistence.status();
    },
    storeQuery(nodeId, name, args = {}) {
      const sim = needSim();
      const i = sim.indexOf(nodeId);
      if (i < 0) throw new Error(`no node "${nodeId}"`);
      const kind = sim.nodes[i].kind;
      if (!STUDIO_ACTIONS[kind]?.includes(name))
        throw new Error(`"${name}" is not a studio action of a ${kind}`);
      const r = sim.action(nodeId, name, args);
      if (CHANGING.has(name)) afterChange();
      return r;
    },
    exportEventStore: (nodeId, format) => persistence.exportStore(nodeId, format),
    sagaTimeline: (id) => sagaTimeline(needSim(), id),
    sagaInstances: (limit = 200, state = null) => sagaInstances(needSim(), limit, state),
  };
}
