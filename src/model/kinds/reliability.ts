/**
 * Catalog entries of the reliability family: circuit breaker, idempotent consumer, transactional outbox.
 * Each wraps a simulated piece of work (a downstream call, the processing of a message, a database
 * transaction) so that it knows the outcome of that work exactly, as a library decorating a call does.
 */
import { z } from '../zod';
import { fixedPorts, PORTS, type CatalogEntry, type PortSpec } from '../catalogTypes';
import { expressionSchema } from '../expressions';
import { distributionSchema, durationSchema, headersSchema, jsonValueSchema } from '../schemas';

const percent = (title: string) => z.number().gt(0).max(100).meta({ title, unit: '%' });

/** The downstream call a circuit breaker guards. */
export const breakerCallSchema = z
  .strictObject({
    serviceTime: distributionSchema.default({ dist: 'exponential', mean: 20 }).meta({ title: 'Call duration' }),
    failureRate: z.number().min(0).max(1).default(0).meta({ title: 'Failure rate (0–1)' }),
    timeout: z
      .number()
      .positive()
      .finite()
      .optional()
      .meta({ title: 'Timeout', unit: 'ms', description: 'a call still running after this long fails (reason timeout)' }),
  })
  .default({ serviceTime: { dist: 'exponential', mean: 20 }, failureRate: 0 });

/** The reply a breaker sends out of `out` instead of calling, when its fallback is `reply`. */
export const fallbackReplySchema = z
  .strictObject({
    type: z.string().min(1).max(128).default('Fallback'),
    headers: headersSchema.default({}),
    payload: jsonValueSchema.default({}),
  })
  .default({ type: 'Fallback', headers: {}, payload: {} });

export const circuitBreakerConfig = z.strictObject({
  slidingWindowType: z
    .enum(['count-based', 'time-based'])
    .default('count-based')
    .meta({ title: 'Sliding window', description: 'count-based: the last N calls; time-based: the calls of the last T ms' }),
  slidingWindowSize: z.number().int().min(1).max(100_000).default(20).meta({ title: 'Window size (calls, count-based)' }),
  slidingWindowDuration: z.number().positive().max(86_400_000).default(10_000).meta({ title: 'Window length (time-based)', unit: 'ms' }),
  minimumNumberOfCalls: z
    .number()
    .int()
    .min(1)
    .max(100_000)
    .default(10)
    .meta({ title: 'Minimum calls', description: 'calls the window must hold before the breaker may trip' }),
  failureRateThreshold: percent('Failure-rate threshold').default(50),
  slowCallRateThreshold: percent('Slow-call-rate threshold').default(100),
  slowCallDurationThreshold: z.number().min(0).finite().default(1000).meta({ title: 'Slow call above', unit: 'ms' }),
  waitDurationInOpenState: durationSchema.default(5000).meta({ title: 'Open for', unit: 'ms' }),
  automaticTransitionFromOpenToHalfOpen: z
    .boolean()
    .default(false)
    .meta({ title: 'Half-open automatically', description: 'otherwise the first call after the wait makes it half-open' }),
  permittedNumberOfCallsInHalfOpenState: z.number().int().min(1).max(10_000).default(3).meta({ title: 'Half-open probes' }),
  call: breakerCallSchema.meta({ title: 'Guarded call' }),
  fallback: z
    .enum(['port', 'reply', 'drop'])
    .default('port')
    .meta({
      title: 'Fallback',
      description: 'port: failed and rejected calls leave by the fallback port; reply: a static reply leaves by out; drop: they are dropped',
    }),
  reply: fallbackReplySchema.meta({ title: 'Fallback reply' }),
});

/** The store of keys an idempotent consumer has seen. */
export const idempotentStoreSchema = z
  .strictObject({
    capacity: z.number().int().min(1).max(10_000_000).default(10_000).meta({ title: 'Keys kept' }),
    ttl: z.number().positive().finite().optional().meta({ title: 'Forget keys after', unit: 'ms' }),
    durable: z.boolean().default(true).meta({ title: 'Durable', description: 'completed keys survive a crash' }),
  })
  .default({ capacity: 10_000, durable: true });

export const idempotentConsumerConfig = z.strictObject({
  key: expressionSchema('Key', 'what identifies a message, e.g. id, payload.orderId, headers["outbox-id"]').default('id'),
  mark: z
    .enum(['on-receipt', 'on-completion'])
    .default('on-receipt')
    .meta({
      title: 'Mark key',
      description: 'on-receipt (eager): when processing starts; on-completion: when it succeeds, so concurrent duplicates can slip through',
    }),
  concurrency: z.number().int().min(1).max(10_000).default(1).meta({ title: 'Workers' }),
  serviceTime: distributionSchema.default({ dist: 'constant', value: 0 }).meta({ title: 'Processing time' }),
  failureRate: z.number().min(0).max(1).default(0).meta({ title: 'Failure rate (0–1)' }),
  onFailure: z
    .enum(['nack', 'dead-letter'])
    .default('nack')
    .meta({ title: 'When processing fails', description: 'the key is released either way, so a redelivery is processed' }),
  store: idempotentStoreSchema.meta({ title: 'Key store' }),
});

/** The relay of a transactional outbox: polls pending records and publishes them in batches. */
export const outboxRelaySchema = z
  .strictObject({
    pollInterval: z.number().positive().finite().default(100).meta({ title: 'Poll every', unit: 'ms' }),
    batchSize: z.number().int().min(1).max(100_000).default(10).meta({ title: 'Batch size' }),
    publishLatency: distributionSchema
      .default({ dist: 'constant', value: 5 })
      .meta({ title: 'Publish acknowledged after', description: 'records are marked sent when the broker acknowledges the batch' }),
  })
  .default({ pollInterval: 100, batchSize: 10, publishLatency: { dist: 'constant', value: 5 } });

export const transactionalOutboxConfig = z.strictObject({
  concurrency: z.number().int().min(1).max(10_000).default(1).meta({ title: 'Workers' }),
  serviceTime: distributionSchema.default({ dist: 'exponential', mean: 5 }).meta({ title: 'Transaction time' }),
  failureRate: z.number().min(0).max(1).default(0).meta({ title: 'Rollback rate (0–1)' }),
  onFailure: z.enum(['nack', 'dead-letter']).default('nack').meta({ title: 'When a transaction rolls back' }),
  eventType: z.string().min(1).max(128).optional().meta({ title: 'Event type', description: 'default: the command type' }),
  aggregate: expressionSchema('Aggregate', 'the entity a change belongs to; order is kept per aggregate').default('correlationId'),
  relay: outboxRelaySchema.meta({ title: 'Relay' }),
});

const FALLBACK: PortSpec = { id: 'fallback', label: 'fallback', role: 'failure' };

/** Reliability kinds. */
export const RELIABILITY_ENTRIES: readonly CatalogEntry[] = [
  {
    kind: 'circuit-breaker',
    family: 'reliability',
    title: 'Circuit breaker',
    summary: 'Guards a downstream call: opens when too many calls fail or are slow.',
    description:
      'Makes the guarded call for each message (duration and failure rate of the downstream service) and ' +
      'records its outcome in a count-based or time-based sliding window, as resilience4j does. Once the ' +
      'window holds the minimum number of calls and the failure rate or slow-call rate reaches its ' +
      'threshold, the breaker opens: calls are rejected (counted) and take the fallback. After the wait it ' +
      'turns half-open and lets the probes through; when they complete it closes again, or reopens if ' +
      'their failure rate is still above the threshold. Successful calls leave by out; failed and rejected ' +
      'ones by the fallback port, as a static reply by out, or are dropped. Transitions are listed by the ' +
      '`transitions` action.',
    inputs: [PORTS.in],
    outputs: fixedPorts(PORTS.out, FALLBACK),
    config: circuitBreakerConfig,
    fanOut: 'one',
  },
  {
    kind: 'idempotent-consumer',
    family: 'reliability',
    title: 'Idempotent consumer',
    summary: 'Processes each key once: duplicates and redeliveries are dropped.',
    description:
      'Wraps the processing of a message (workers, processing time, failure rate) and remembers the key of ' +
      'each message it processed in a bounded store (capacity, optional time to live; evictions are ' +
      'counted). A message whose key is already there is a duplicate: counted and dropped. The key is ' +
      'marked when processing starts (eager) or when it succeeds; when processing fails the key is released, ' +
      'so a redelivery is processed. With a processing time of 0, forwarding is the processing.',
    inputs: [PORTS.in],
    outputs: fixedPorts(PORTS.out, PORTS.deadLetter),
    config: idempotentConsumerConfig,
    fanOut: 'one',
  },
  {
    kind: 'transactional-outbox',
    family: 'reliability',
    title: 'Transactional outbox',
    summary: 'Commits a state change and its event together; a relay publishes them.',
    description:
      'A service that, for each command, writes its state change and an outbox record in one simulated ' +
      'transaction (which may roll back). A relay polls the outbox every interval and publishes pending ' +
      'records in batches, in commit order, and marks them sent when the broker acknowledges. The outbox ' +
      'survives a crash: records committed but not yet acknowledged are published again after the restart, ' +
      'carrying the same `outbox-id` header, so a downstream idempotent consumer can drop the copies.',
    inputs: [PORTS.in],
    outputs: fixedPorts(PORTS.out, PORTS.deadLetter),
    config: transactionalOutboxConfig,
    fanOut: 'one',
  },
];
