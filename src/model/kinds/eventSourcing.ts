/**
 * The event-sourcing family: the `event-store` kind, and the records an event store keeps (stored events,
 * snapshots), which the engine (src/engine/eventsourcing), the worker's write-behind persistence and
 * IndexedDB storage (src/storage/eventStore.ts) share. Shared building blocks of the CQRS and saga
 * families (message types, field names, node references, expression maps) live here too.
 *
 * @example
 * // an event message appended to stream "order-17" when it reaches an event store with the defaults:
 * { kind: 'event', type: 'OrderPlaced', headers: { 'aggregate-id': 'order-17', 'expected-version': '0' } }
 */
import { z } from '../zod';
import { fixedPorts, PORTS, type CatalogEntry, type PortSpec } from '../catalogTypes';
import { expressionSchema } from '../expressions';
import { ID_PATTERN } from '../ids';
import type { JsonValue } from '../message';
import { jsonValueSchema } from '../schemas';

// ------------------------------------------------------------------------------------------ records

/**
 * An event as an event store keeps it: immutable once appended. `version` counts within its stream (1, 2,
 * …); `position` counts across the whole store (1, 2, …) in append order.
 *
 * @example
 * { eventId: '1:m17:0', streamId: 'order-17', version: 1, position: 42, type: 'OrderPlaced',
 *   schemaVersion: 1, payload: { total: 120 }, time: 1250, correlationId: 'm17', causationId: 'm17' }
 */
export interface StoredEvent {
  /** Unique within the store; re-appending an id already stored is a no-op. */
  readonly eventId: string;
  readonly streamId: string;
  readonly version: number;
  readonly position: number;
  readonly type: string;
  /** The schema version the event was written with; upcasters raise it on read. */
  readonly schemaVersion: number;
  readonly payload: JsonValue;
  /** Virtual time (ms) of the append. */
  readonly time: number;
  readonly correlationId: string;
  readonly causationId: string | null;
}

/** An event as read: upcast to the newest schema when an upcaster applies (`upcastFrom` = stored version). */
export interface ReadEvent extends StoredEvent {
  /** The schema version it was stored with, when upcasters changed it on read. */
  readonly upcastFrom?: number;
}

/**
 * A snapshot of an aggregate's state after `version` events of its stream. Loading the aggregate starts
 * from the newest snapshot whose `schemaVersion` is current and folds the events after it.
 */
export interface SnapshotRecord {
  readonly streamId: string;
  readonly version: number;
  /** Global position of the stream's event at `version`. */
  readonly position: number;
  /** The snapshot schema version (config `snapshots.schemaVersion` when it was taken). */
  readonly schemaVersion: number;
  readonly state: JsonValue;
  /** Virtual time (ms) when it was taken. */
  readonly time: number;
}

/**
 * What an append expects of the stream: `any` (no check), `no-stream` (the stream has no events) or an
 * exact version (the number of events in it now). A mismatch is a concurrency conflict.
 */
export type ExpectedVersion = 'any' | 'no-stream' | number;

/** Parses an `expected-version` header: `any`, `no-stream` or a whole number; null when invalid. */
export function parseExpectedVersion(text: string | undefined): ExpectedVersion | null {
  if (text === undefined || text === '' || text === 'any') return 'any';
  if (text === 'no-stream') return 'no-stream';
  if (!/^\d{1,15}$/.test(text)) return null;
  return Number(text);
}

/** Prefix of the streams in which sagas (orchestrated and choreographed) log their steps. */
export const SAGA_STREAM_PREFIX = 'saga-';

/** The types of saga log events, as they are appended to `saga-<correlationId>` streams. */
export const SAGA_LOG_TYPES = [
  'SagaStarted',
  'StepStarted',
  'StepCompleted',
  'StepFailed',
  'StepTimedOut',
  'CompensationStarted',
  'CompensationCompleted',
  'CompensationFailed',
  'SagaCompleted',
  'SagaCompensated',
  'SagaFailed',
] as const;

/** A saga log event type. */
export type SagaLogType = (typeof SAGA_LOG_TYPES)[number];

// ------------------------------------------------------------------------------------------ shared schemas

/** A message type such as `OrderPlaced`. */
export const messageTypeSchema = z.string().min(1).max(128);

/** A top-level field of a state, row or payload. */
export const fieldNameSchema = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'a field name of letters, digits and _, not starting with a digit')
  .refine((s) => s !== '__proto__' && s !== 'constructor' && s !== 'prototype', {
    message: 'this field name is not allowed',
  });

/** Field → expression: how each field of a new value is computed. */
export const expressionMapSchema = (title: string) =>
  z.record(fieldNameSchema, expressionSchema('Value')).meta({ title });

/** The id of another node of the topology (an event store, for instance). */
export const nodeRefSchema = (title: string, description?: string) =>
  z
    .string()
    .regex(ID_PATTERN, 'a node id')
    .meta(description ? { title, description } : { title });

/** A JSON object (initial states). */
export const jsonObjectSchema = z.record(z.string().max(64), jsonValueSchema);

// ------------------------------------------------------------------------------------------ event store

/** An upcaster: rewrites events of one type from one schema version to a newer one, on read. */
export const upcasterSchema = z
  .strictObject({
    type: messageTypeSchema.meta({ title: 'Event type' }),
    from: z.number().int().min(1).max(1000).meta({ title: 'From version' }),
    to: z.number().int().min(2).max(1001).meta({ title: 'To version' }),
    set: expressionMapSchema('Fields to set (expressions over the old event: payload.amount)').default({}),
    remove: z.array(fieldNameSchema).max(64).default([]).meta({ title: 'Fields to remove' }),
  })
  .refine((u) => u.to > u.from, { message: 'to must be greater than from', path: ['to'] });

/** Config of `event-store`: where events go (aggregate id, stream prefix), snapshots and upcasters. */
export const eventStoreConfig = z.strictObject({
  aggregateId: expressionSchema(
    'Aggregate id',
    'the stream an event message is appended to; read from a header or computed',
  ).default('headers["aggregate-id"]'),
  streamPrefix: z
    .string()
    .max(64)
    .default('')
    .meta({ title: 'Stream prefix', description: 'put before the aggregate id' }),
  snapshots: z
    .strictObject({
      every: z
        .number()
        .int()
        .min(0)
        .max(1_000_000)
        .default(0)
        .meta({ title: 'Every (events)', description: '0: no snapshots' }),
      keepLast: z.number().int().min(1).max(1000).default(3).meta({ title: 'Keep the last' }),
      schemaVersion: z.number().int().min(1).max(1000).default(1).meta({ title: 'Snapshot schema version' }),
    })
    .default({ every: 0, keepLast: 3, schemaVersion: 1 })
    .meta({ title: 'Snapshots' }),
  upcasters: z.array(upcasterSchema).max(64).default([]).meta({ title: 'Upcasters (applied on read)' }),
});

/** A subscription, on an edge leaving an event store's `events` port. */
export const eventSubscriptionConfig = z.strictObject({
  from: z
    .enum(['catch-up', 'live'])
    .default('catch-up')
    .meta({
      title: 'Start',
      description: 'catch-up: every stored event first, then live ones; live: only events appended from now',
    }),
  types: z.array(messageTypeSchema).max(64).default([]).meta({ title: 'Event types (empty: all)' }),
  streamPrefix: z.string().max(64).default('').meta({ title: 'Streams starting with' }),
});

const EVENTS_PORT: PortSpec = { id: 'events', label: 'events', role: 'success' };
const APPENDED_PORT: PortSpec = { id: 'appended', label: 'appended', role: 'success' };
const CONFLICT_PORT: PortSpec = { id: 'conflict', label: 'conflict', role: 'failure' };

/** Event-sourcing kinds. */
export const EVENT_SOURCING_ENTRIES: readonly CatalogEntry[] = [
  {
    kind: 'event-store',
    family: 'event-sourcing',
    title: 'Event store',
    summary: 'Append-only streams with versions, snapshots, upcasters and subscriptions.',
    description:
      'Keeps append-only streams keyed by aggregate id, each event with a per-stream version and a global ' +
      'position. An event message reaching `in` is appended to the stream its aggregate id names, with the ' +
      'expected version in the `expected-version` header (any, no-stream or a number); a mismatch is a ' +
      'concurrency conflict that leaves by `conflict` with both versions. A message with header batch=true ' +
      'appends payload.events atomically; an event id already stored (header event-id) is not appended twice. ' +
      'Upcasters rewrite old event schemas on read; snapshots are taken every N events of streams whose ' +
      'aggregate a command handler defines. Each edge from `events` is a catch-up or live subscription. In ' +
      'the studio, appends are persisted to IndexedDB behind the run.',
    inputs: [PORTS.in],
    outputs: fixedPorts(APPENDED_PORT, CONFLICT_PORT, EVENTS_PORT),
    config: eventStoreConfig,
    edgeConfig: eventSubscriptionConfig,
    fanOut: 'many',
  },
];
