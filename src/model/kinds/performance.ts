/**
 * Catalog entries of the performance family: batcher and debatcher, compressor and decompressor,
 * connection pool. These trade one cost for another — latency for throughput, CPU for bandwidth — and
 * their effect shows on links with capacity (edges with `link`, see docs/topology-format.md).
 */
import { z } from '../zod';
import { fixedPorts, PORTS, type CatalogEntry } from '../catalogTypes';
import { expressionSchema } from '../expressions';
import { distributionSchema, durationSchema } from '../schemas';
import { retrySchema } from './endpoints';

/** Codecs the compressor offers (implemented in src/engine/codecs.ts). */
export const CODECS = ['gzip', 'deflate', 'snappy', 'lz4'] as const;

const workers = z.number().int().min(1).max(10_000).default(1).meta({ title: 'Workers' });
const cpuScale = z
  .number()
  .positive()
  .max(1000)
  .default(1)
  .meta({ title: 'CPU scale', description: 'multiplies the calibrated CPU cost per byte (2 = a CPU half as fast as the benchmark machine)' });

/** Bulk call made per batch, with its failure model. */
export const bulkCallSchema = z
  .strictObject({
    time: distributionSchema.default({ dist: 'constant', value: 0 }).meta({ title: 'Call time (per batch)' }),
    perItem: durationSchema.default(0).meta({ title: 'Call time per item', unit: 'ms' }),
    concurrency: z.number().int().min(1).max(1000).default(1).meta({ title: 'Calls in flight' }),
    itemFailureRate: z.number().min(0).max(1).default(0).meta({ title: 'Item failure rate (transient, per call)' }),
    poisonRate: z.number().min(0).max(1).default(0).meta({ title: 'Poison items (fail every call)' }),
  })
  .default({ time: { dist: 'constant', value: 0 }, perItem: 0, concurrency: 1, itemFailureRate: 0, poisonRate: 0 });

export const batcherConfig = z.strictObject({
  maxCount: z.number().int().min(1).max(100_000).default(100).meta({ title: 'Flush at (messages)' }),
  maxBytes: z.number().int().min(1).max(1e9).optional().meta({ title: 'Flush at (bytes)', unit: 'B' }),
  window: durationSchema.default(1000).meta({ title: 'Flush after (window)', unit: 'ms', description: '0: no time trigger' }),
  key: expressionSchema('Batch key', 'one batch per distinct value, such as headers.tenant').optional(),
  type: z.string().min(1).max(128).default('Batch').meta({ title: 'Batch message type' }),
  call: bulkCallSchema.meta({ title: 'Bulk call' }),
  onFailure: z
    .enum(['retry-batch', 'split', 'dead-letter-failed'])
    .default('dead-letter-failed')
    .meta({ title: 'When items fail', description: 'retry the whole batch, split it in halves, or dead-letter the failed items' }),
  retry: retrySchema.meta({ title: 'Retries (retry-batch, split)' }),
});

export const debatcherConfig = z.strictObject({});

export const compressorConfig = z.strictObject({
  codec: z.enum(CODECS).default('gzip').meta({ title: 'Codec' }),
  level: z.number().int().min(0).max(9).default(6).meta({ title: 'Level (gzip, deflate)' }),
  minBytes: z.number().int().min(0).max(1e9).default(0).meta({ title: 'Compress from (bytes)', unit: 'B' }),
  concurrency: workers,
  cpuScale,
});

export const decompressorConfig = z.strictObject({ concurrency: workers, cpuScale });

export const connectionPoolConfig = z.strictObject({
  size: z.number().int().min(1).max(10_000).default(10).meta({ title: 'Max connections' }),
  minIdle: z.number().int().min(0).max(10_000).default(0).meta({ title: 'Min idle (kept warm)' }),
  setupTime: distributionSchema.default({ dist: 'constant', value: 50 }).meta({ title: 'Connection setup' }),
  useTime: distributionSchema.default({ dist: 'exponential', mean: 20 }).meta({ title: 'Call time (connection held)' }),
  acquireTimeout: durationSchema.default(1000).meta({ title: 'Acquire timeout', unit: 'ms', description: '0: wait forever' }),
  maxWaiting: z.number().int().min(0).max(1e8).optional().meta({ title: 'Wait queue limit' }),
  idleTimeout: durationSchema.default(60_000).meta({ title: 'Idle eviction after', unit: 'ms', description: '0: never' }),
  keepAlive: durationSchema.default(0).meta({ title: 'Health check every', unit: 'ms', description: 'pings idle connections; 0: off' }),
  testOnBorrow: z.boolean().default(false).meta({ title: 'Check on borrow' }),
  checkTime: durationSchema.default(1).meta({ title: 'Check time', unit: 'ms' }),
  brokenRate: z.number().min(0).max(1).default(0).meta({ title: 'Broken-connection probability (per call)' }),
  maxAttempts: z.number().int().min(1).max(100).default(2).meta({ title: 'Attempts (a broken connection fails the call)' }),
});

/** Performance kinds. */
export const PERFORMANCE_ENTRIES: readonly CatalogEntry[] = [
  {
    kind: 'batcher',
    family: 'performance',
    title: 'Batcher',
    summary: 'Collects messages into batches by count, bytes or time window, optionally per key.',
    description:
      'An aggregator for throughput: messages wait in an open batch (one per key) until it holds `maxCount` ' +
      'messages or `maxBytes` bytes on the wire, or `window` ms have passed since its first message. The batch ' +
      'is then sent as one bulk call (call time per batch plus per item, `concurrency` calls in flight); items ' +
      'fail transiently with `itemFailureRate` or always when poison. On failure: retry the whole batch, split ' +
      'it in halves until the failing items are isolated, or dead-letter just the failed items. A successful ' +
      'call emits one batch message whose payload lists the items (id, correlation, type, headers, payload, ' +
      'creation time); the items are merged into it. The node latency is the wait in the batch.',
    inputs: [PORTS.in],
    outputs: fixedPorts(PORTS.out, PORTS.deadLetter),
    config: batcherConfig,
    fanOut: 'one',
  },
  {
    kind: 'debatcher',
    family: 'performance',
    title: 'Debatcher',
    summary: 'Splits a batch back into its messages.',
    description:
      'Turns a batch from a batcher back into one message per item, each with its original type, headers, ' +
      'payload, correlation id and creation time (so end-to-end latency includes the batching wait); the ' +
      'causation id is the batch. Any other array payload gives one message per element. A payload that is ' +
      'not an array is dead-lettered as invalid.',
    inputs: [PORTS.in],
    outputs: fixedPorts(PORTS.out, PORTS.deadLetter),
    config: debatcherConfig,
    fanOut: 'one',
  },
  {
    kind: 'compressor',
    family: 'performance',
    title: 'Compressor',
    summary: 'Compresses payloads with gzip, deflate, Snappy or LZ4, spending CPU to save bandwidth.',
    description:
      'Compresses the real payload bytes (UTF-8 JSON, or the bytes of an already binary payload) with the ' +
      'chosen codec and sends a binary payload ({"$binary": base64, "length", "codec", "contentLength"}) with ' +
      'header content-encoding. Each message takes simulated CPU time from a per-codec cost per byte, ' +
      'calibrated by the benchmark; `cpuScale` slows or speeds the CPU. Payloads under `minBytes` and ' +
      'payloads already compressed pass unchanged. Shows the achieved ratio.',
    inputs: [PORTS.in],
    outputs: fixedPorts(PORTS.out),
    config: compressorConfig,
    fanOut: 'one',
  },
  {
    kind: 'decompressor',
    family: 'performance',
    title: 'Decompressor',
    summary: 'Restores compressed payloads exactly.',
    description:
      'Decompresses binary payloads made by a compressor, charging CPU time per byte from the codec cost ' +
      'model. Uncompressed payloads pass unchanged. Corrupt data (bad base64, wrong length, a stream the ' +
      'codec rejects) is dead-lettered as invalid.',
    inputs: [PORTS.in],
    outputs: fixedPorts(PORTS.out, PORTS.deadLetter),
    config: decompressorConfig,
    fanOut: 'one',
  },
  {
    kind: 'connection-pool',
    family: 'performance',
    title: 'Connection pool',
    summary: 'Calls a remote resource over pooled connections: setup cost, waits, timeouts, broken connections.',
    description:
      'Each message needs a connection for its call (`useTime`). An idle connection is reused (most recent ' +
      'first); otherwise a new one is opened (`setupTime`) while fewer than `size` exist; otherwise the message ' +
      'waits, and is dead-lettered as timeout after `acquireTimeout`. A call breaks its connection silently ' +
      'with `brokenRate`; a broken connection is found by a check on borrow, by the keep-alive health check of ' +
      'idle connections, or by the next call on it, which fails and is retried on another connection. Idle ' +
      'connections are evicted after `idleTimeout`, keeping `minIdle` warm.',
    inputs: [PORTS.in],
    outputs: fixedPorts(PORTS.out, PORTS.deadLetter),
    config: connectionPoolConfig,
    fanOut: 'one',
  },
];
