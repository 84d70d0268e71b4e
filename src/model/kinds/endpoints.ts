/** Catalog entries of the endpoint family: producers, service activators, sinks. */
import { z } from '../zod';
import { fixedPorts, PORTS, type CatalogEntry } from '../catalogTypes';
import { distributionSchema, durationSchema, messageTemplateSchema, rateSchema } from '../schemas';

/**
 * A retry policy: attempts, then fixed or exponential backoff with jitter. One shape for every kind that
 * retries (service activator, gateway, recipient list, batcher), differing only in the default attempts.
 *
 * @example
 * const retry = retryPolicySchema(3); // three attempts unless the file says otherwise
 */
export function retryPolicySchema(defaultAttempts: number) {
  return z
    .strictObject({
      maxAttempts: z.number().int().min(1).max(100).default(defaultAttempts).meta({ title: 'Max attempts' }),
      backoff: z.enum(['fixed', 'exponential']).default('exponential'),
      delay: durationSchema.default(100).meta({ title: 'First delay', unit: 'ms' }),
      multiplier: z.number().min(1).max(10).default(2),
      maxDelay: durationSchema.default(10_000).meta({ title: 'Max delay', unit: 'ms' }),
      jitter: z.number().min(0).max(1).default(0.2).meta({ title: 'Jitter (fraction)' }),
    })
    .default({
      maxAttempts: defaultAttempts,
      backoff: 'exponential',
      delay: 100,
      multiplier: 2,
      maxDelay: 10_000,
      jitter: 0.2,
    });
}

/** Retry policy of a consumer: one attempt (no retries) unless configured. */
export const retrySchema = retryPolicySchema(1);

export const producerConfig = z.strictObject({
  rate: rateSchema.default(10).meta({ title: 'Rate', unit: 'msg/s' }),
  arrival: z.enum(['poisson', 'constant', 'burst']).default('poisson').meta({ title: 'Arrivals' }),
  burst: z
    .strictObject({
      size: z.number().int().min(1).max(100_000).default(10),
      every: z.number().positive().finite().default(1000).meta({ unit: 'ms' }),
    })
    .default({ size: 10, every: 1000 })
    .meta({ title: 'Burst (when arrivals = burst)' }),
  count: z.number().int().min(0).max(100_000_000).optional().meta({ title: 'Stop after (messages)' }),
  startAt: durationSchema.default(0).meta({ title: 'Start at', unit: 'ms' }),
  message: messageTemplateSchema.default({
    kind: 'command',
    type: 'Message',
    headers: {},
    payload: {},
  }),
});

/** A named operation of a service activator, chosen by message type, with its own timing and failures. */
export const operationSchema = z.strictObject({
  type: z.string().min(1).max(128).meta({ title: 'Message type' }),
  name: z.string().min(1).max(64).meta({ title: 'Operation' }),
  serviceTime: distributionSchema.default({ dist: 'exponential', mean: 10 }).meta({ title: 'Service time' }),
  failureRate: z.number().min(0).max(1).default(0).meta({ title: 'Failure rate (0–1)' }),
});

export const serviceActivatorConfig = z.strictObject({
  concurrency: z.number().int().min(1).max(10_000).default(1).meta({ title: 'Workers' }),
  serviceTime: distributionSchema.default({ dist: 'exponential', mean: 10 }).meta({ title: 'Service time' }),
  failureRate: z.number().min(0).max(1).default(0).meta({ title: 'Failure rate (0–1)' }),
  operations: z.array(operationSchema).max(64).default([]).meta({ title: 'Operations by message type', description: 'a message whose type has no operation uses the service time and failure rate above' }),
  retry: retrySchema.meta({ title: 'Retries' }),
  onFailure: z
    .enum(['dead-letter', 'error', 'nack'])
    .default('dead-letter')
    .meta({ title: 'When attempts run out', description: 'nack returns the message to the channel that delivered it' }),
});

export const sinkConfig = z.strictObject({});

/** Endpoint kinds. */
export const ENDPOINT_ENTRIES: readonly CatalogEntry[] = [
  {
    kind: 'producer',
    family: 'endpoints',
    title: 'Producer',
    summary: 'Creates messages at a rate: poisson, constant or bursts.',
    description:
      'A message source. Arrivals are a Poisson process (exponential gaps with mean 1000/rate ms), constant ' +
      'gaps, or bursts of `size` messages every `every` ms. Each message is made from the template; ' +
      'placeholders such as {{seq}} and {{randInt 1 100}} are filled per message. When the next hop is a ' +
      'full channel with overflow = block, the producer waits until it has room.',
    inputs: [],
    outputs: fixedPorts(PORTS.out),
    config: producerConfig,
    fanOut: 'one',
  },
  {
    kind: 'service-activator',
    family: 'endpoints',
    title: 'Service activator',
    summary: 'Workers that process each message, with failures and retries.',
    description:
      'Calls a service for each message with `concurrency` workers; each call takes a service time drawn ' +
      'from the distribution and fails with probability `failureRate`. A failed call is retried with ' +
      'fixed or exponential backoff and jitter; when attempts run out the message goes to the error port, ' +
      'to dead letter, or back to the channel that delivered it (nack) for redelivery. Messages that arrive ' +
      'while every worker is busy wait in its own queue. With operations, a message\u2019s type picks a named ' +
      'operation with its own service time and failure rate.',
    inputs: [PORTS.in],
    outputs: fixedPorts(PORTS.out, PORTS.error, PORTS.deadLetter),
    config: serviceActivatorConfig,
    fanOut: 'one',
  },
  {
    kind: 'sink',
    family: 'endpoints',
    title: 'Sink',
    summary: 'A terminal consumer: every message that reaches it is complete.',
    description: 'Consumes messages instantly and counts them as completed; end-to-end latency is measured here.',
    inputs: [PORTS.in],
    outputs: fixedPorts(),
    config: sinkConfig,
    fanOut: 'one',
  },
];
