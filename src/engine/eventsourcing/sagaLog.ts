/**
 * The log of saga steps, shared by orchestrators and choreography participants. Each entry is kept with
 * its instance (for the studio's timeline) and, when the node has a saga log store, appended as an event
 * to the stream `saga-<correlation id>` of that event store, so the log is persisted with the store.
 *
 * @example
 * const log = new SagaLogWriter(store, 'travel');
 * log.write(entries, 'm17', 'StepStarted', 120, 'flight');
 */
import type { SagaLogType } from '../../model/kinds/eventSourcing';
import { SAGA_STREAM_PREFIX } from '../../model/kinds/eventSourcing';
import type { EventStoreModel } from './EventStoreModel';

/** One entry of a saga's log. */
export interface SagaLogEntry {
  /** Virtual time (ms). */
  t: number;
  type: SagaLogType;
  /** The step (orchestrator) or participant step name. */
  step: string | null;
  /** The node that logged it. */
  node: string;
  detail: string | null;
  /** Order of logging across all saga nodes of the process (ties at one virtual time keep this order). */
  n: number;
}

// only ever compared within one run, to order entries logged at the same virtual time
let logOrder = 0;

/** The states of a saga instance. */
export type SagaState = 'running' | 'completed' | 'compensating' | 'compensated' | 'failed';

/** All saga states, in display order. */
export const SAGA_STATES: readonly SagaState[] = [
  'running',
  'completed',
  'compensating',
  'compensated',
  'failed',
];

/** The stream in which a saga logs its steps (one per run generation of the store). */
export function sagaStreamId(correlationId: string, epoch: number): string {
  return epoch > 1
    ? `${SAGA_STREAM_PREFIX}${correlationId}#${epoch}`
    : `${SAGA_STREAM_PREFIX}${correlationId}`;
}

/** Writes saga log entries to an instance's list and, optionally, to an event store. */
export class SagaLogWriter {
  private seq = 0;

  constructor(
    private readonly store: EventStoreModel | null,
    private readonly node: string,
  ) {}

  /** Appends one entry. */
  write(
    into: SagaLogEntry[],
    correlationId: string,
    type: SagaLogType,
    t: number,
    step: string | null,
    detail: string | null = null,
  ): void {
    into.push({ t, type, step, node: this.node, detail, n: ++logOrder });
    const s = this.store;
    if (s === null) return;
    const eventId = `${s.epoch}:${this.node}:saga:${++this.seq}`;
    s.append(
      sagaStreamId(correlationId, s.epoch),
      [{ eventId, type, payload: { node: this.node, step, detail }, correlationId, causationId: null }],
      'any',
      t,
    );
  }
}
