/**
 * The CQRS family: `command-handler` (the write side: a declarative aggregate that decides on commands and
 * appends events to an event store with optimistic concurrency) and `query-handler` (the read side: a
 * projection of events into a read model that answers queries, with a cache and a visible lag).
 *
 * Expressions that involve state see a message whose `payload` holds two parts: guards and emitted event
 * fields see `payload.state` and `payload.command`; state changes see `payload.state` and
 * `payload.event`; read-model fields see `payload.row` and `payload.event`. Key and id expressions see the
 * message itself (`payload.orderId`).
 */
import { z } from '../zod';
import { fixedPorts, PORTS, type CatalogEntry, type PortSpec } from '../catalogTypes';
import { expressionSchema } from '../expressions';
import { distributionSchema, durationSchema } from '../schemas';
import {
  expressionMapSchema,
  fieldNameSchema,
  jsonObjectSchema,
  messageTypeSchema,
  nodeRefSchema,
} from './eventSourcing';

/** A guard: the command is rejected with `reason` unless `require` is true. */
export const guardSchema = z.strictObject({
  require: expressionSchema('Require', 'over payload.state and payload.command; false rejects the command'),
  reason: z.string().min(1).max(200).meta({ title: 'Reason when rejected' }),
});

/** An event a command emits when accepted. */
export const emitSchema = z.strictObject({
  type: messageTypeSchema.meta({ title: 'Event type' }),
  payload: expressionMapSchema('Payload fields (over payload.state and payload.command)').default({}),
  schemaVersion: z.number().int().min(1).max(1000).default(1).meta({ title: 'Schema version' }),
});

/** How the aggregate decides on one command type. */
export const commandSpecSchema = z.strictObject({
  type: messageTypeSchema.meta({ title: 'Command type' }),
  guards: z.array(guardSchema).max(32).default([]).meta({ title: 'Guards (in order)' }),
  emit: z.array(emitSchema).max(16).default([]).meta({ title: 'Events to emit' }),
});

/** How one event type changes the aggregate's state (every field is computed from the old state). */
export const applySpecSchema = z.strictObject({
  event: messageTypeSchema.meta({ title: 'Event type' }),
  set: expressionMapSchema('Fields to set (over payload.state and payload.event)').default({}),
  unset: z.array(fieldNameSchema).max(64).default([]).meta({ title: 'Fields to remove' }),
});

/** Config of `command-handler`: the store, the declarative aggregate (state, commands, state changes), workers and retries. */
export const commandHandlerConfig = z.strictObject({
  store: nodeRefSchema('Event store', 'the id of the event-store node that holds the aggregates').default(
    'store',
  ),
  aggregateId: expressionSchema('Aggregate id', 'over the command message').default('payload.id'),
  streamPrefix: z
    .string()
    .max(64)
    .default('')
    .meta({ title: 'Stream prefix', description: 'stream id = prefix + aggregate id' }),
  initialState: jsonObjectSchema.default({}).meta({ title: 'Initial state' }),
  commands: z
    .array(commandSpecSchema)
    .max(32)
    .default([
      {
        type: 'Deposit',
        guards: [{ require: 'payload.command.amount > 0', reason: 'amount must be positive' }],
        emit: [{ type: 'Deposited', payload: { amount: 'payload.command.amount' }, schemaVersion: 1 }],
      },
    ])
    .meta({ title: 'Commands' }),
  apply: z
    .array(applySpecSchema)
    .max(64)
    .default([
      {
        event: 'Deposited',
        set: { balance: '(payload.state.balance || 0) + payload.event.amount' },
        unset: [],
      },
    ])
    .meta({ title: 'State changes by event type' }),
  concurrency: z.number().int().min(1).max(10_000).default(1).meta({ title: 'Workers' }),
  decideTime: distributionSchema
    .default({ dist: 'constant', value: 2 })
    .meta({
      title: 'Decide time',
      description: 'between loading the aggregate and appending: other handlers may append meanwhile',
    }),
  maxRetries: z.number().int().min(0).max(100).default(3).meta({ title: 'Retries on conflict' }),
});

/** One projection rule: what an event type does to the read model. */
export const projectionRuleSchema = z.strictObject({
  event: messageTypeSchema.meta({ title: 'Event type' }),
  op: z.enum(['upsert', 'increment', 'append', 'delete']).default('upsert').meta({ title: 'Operation' }),
  key: expressionSchema('Row key', 'over the event message').default('payload.id'),
  set: expressionMapSchema('Fields (upsert; over payload.row and payload.event)').default({}),
  field: fieldNameSchema.optional().meta({ title: 'Field (increment, append)' }),
  value: expressionSchema(
    'Amount or item (increment: default 1; append: default the event payload)',
  ).optional(),
});

/** A query the read model answers. */
export const querySpecSchema = z.strictObject({
  type: messageTypeSchema.meta({ title: 'Query type' }),
  op: z.enum(['get', 'list']).default('get').meta({ title: 'Operation' }),
  key: expressionSchema('Key (get)', 'over the query message').default('payload.id'),
  filter: expressionSchema('Filter (list)', 'over a row as payload').optional(),
  sortBy: fieldNameSchema.optional().meta({ title: 'Sort by (list)' }),
  order: z.enum(['asc', 'desc']).default('asc'),
  pageSize: z.number().int().min(1).max(1000).default(20).meta({ title: 'Page size' }),
  page: expressionSchema('Page (list, from 0)', 'over the query message').default('payload.page || 0'),
});

/** Config of `query-handler`: the projection, the queries, timings, the cache and the row limit. */
export const queryHandlerConfig = z.strictObject({
  store: nodeRefSchema(
    'Event store',
    'for the lag: the store head against the projection position',
  ).optional(),
  projection: z
    .array(projectionRuleSchema)
    .max(64)
    .default([
      {
        event: 'Deposited',
        op: 'increment',
        key: 'headers["stream-id"]',
        set: {},
        field: 'balance',
        value: 'payload.amount',
      },
    ])
    .meta({ title: 'Projection' }),
  queries: z
    .array(querySpecSchema)
    .max(32)
    .default([
      {
        type: 'GetAccount',
        op: 'get',
        key: 'payload.id',
        order: 'asc',
        pageSize: 20,
        page: 'payload.page || 0',
      },
    ])
    .meta({ title: 'Queries' }),
  applyTime: distributionSchema
    .default({ dist: 'constant', value: 0 })
    .meta({ title: 'Time per event', description: 'slow it down to see the lag grow' }),
  queryTime: distributionSchema.default({ dist: 'constant', value: 1 }).meta({ title: 'Time per query' }),
  cache: z
    .strictObject({
      ttl: durationSchema.default(1000).meta({ title: 'TTL', unit: 'ms', description: '0: no cache' }),
      maxEntries: z.number().int().min(1).max(100_000).default(1000).meta({ title: 'Entries' }),
    })
    .default({ ttl: 1000, maxEntries: 1000 })
    .meta({ title: 'Query cache' }),
  maxRows: z.number().int().min(1).max(10_000_000).default(100_000).meta({ title: 'Most rows' }),
});

const REJECTED: PortSpec = { id: 'rejected', label: 'rejected', role: 'failure' };
const QUERIES: PortSpec = { id: 'queries', label: 'queries', role: 'input' };

/** CQRS kinds. */
export const CQRS_ENTRIES: readonly CatalogEntry[] = [
  {
    kind: 'command-handler',
    family: 'cqrs',
    title: 'Command handler',
    summary: 'A declarative aggregate: guards decide, events are appended with the expected version.',
    description:
      'For each command it loads the aggregate from the event store (newest snapshot plus the events after ' +
      'it), checks the guards of the command type (a false guard rejects the command with its reason), ' +
      'computes the events to emit, waits the decide time and appends them with the version it loaded as ' +
      'the expected version. When another handler appended meanwhile, the append is a conflict: it reloads ' +
      'and decides again, up to the retry limit, then rejects. Accepted commands send their events out of ' +
      '`out`; rejected ones leave by `rejected` with the reason.',
    inputs: [PORTS.in],
    outputs: fixedPorts(PORTS.out, REJECTED),
    config: commandHandlerConfig,
    fanOut: 'one',
  },
  {
    kind: 'query-handler',
    family: 'cqrs',
    title: 'Query handler',
    summary: 'A projection into a read model that answers get and list queries, with a cache.',
    description:
      'Events reaching `in` (usually a subscription from an event store) update a read model: per event ' +
      'type an upsert, increment, append or delete of the row its key names, each taking the time per event. ' +
      'Query messages reaching `queries` are answered out of `out` after the time per query: get by key, or ' +
      'a list with a filter, sort and page. Answers are cached for the TTL (hits and misses are counted). ' +
      'The lag is the store head against the last position applied.',
    inputs: [PORTS.in, QUERIES],
    outputs: fixedPorts(PORTS.out, PORTS.deadLetter),
    config: queryHandlerConfig,
    fanOut: 'one',
  },
];
