/** Catalog entries of the channel family: point-to-point, publish-subscribe and dead-letter channels. */
import { z } from '../zod';
import { fixedPorts, PORTS, type CatalogEntry } from '../catalogTypes';

export const pointToPointConfig = z.strictObject({
  capacity: z.number().int().min(1).max(100_000_000).optional().meta({ title: 'Capacity (messages)' }),
  overflow: z.enum(['block', 'drop', 'dead-letter']).default('dead-letter').meta({ title: 'When full' }),
  dispatch: z.enum(['round-robin', 'first-idle']).default('round-robin').meta({ title: 'Competing consumers' }),
  maxDeliveries: z.number().int().min(1).max(1000).default(5).meta({ title: 'Max deliveries' }),
  priority: z.boolean().default(false).meta({ title: 'Honour message priority' }),
});

export const publishSubscribeConfig = z.strictObject({
  topicFrom: z.enum(['type', 'header']).default('type').meta({ title: 'Topic from' }),
  topicHeader: z.string().min(1).max(64).default('topic').meta({ title: 'Topic header' }),
});

/** A subscription, on an edge leaving a publish-subscribe channel. */
export const subscriptionConfig = z.strictObject({
  topic: z
    .string()
    .min(1)
    .max(256)
    .regex(/^(#|\*|[A-Za-z0-9_-]+)(\.(#|\*|[A-Za-z0-9_-]+))*$/, 'a topic pattern such as orders.created, orders.* or orders.#')
    .default('#')
    .meta({ title: 'Topic pattern' }),
  durable: z.boolean().default(true).meta({ title: 'Durable', description: 'keeps messages while the subscriber is busy' }),
});

export const deadLetterConfig = z.strictObject({
  capacity: z.number().int().min(1).max(10_000_000).default(100_000).meta({ title: 'Keep at most' }),
});

/** Channel kinds. */
export const CHANNEL_ENTRIES: readonly CatalogEntry[] = [
  {
    kind: 'point-to-point',
    family: 'channels',
    title: 'Point-to-point channel',
    summary: 'A FIFO queue: each message goes to exactly one consumer.',
    description:
      'Queues messages in order and hands each to one of its consumers (competing consumers: round-robin, ' +
      'or the first idle one). Delivery is at-least-once: a consumer that fails and nacks gets the message ' +
      'redelivered, up to `maxDeliveries`, then it is dead-lettered. With a capacity, a full channel blocks ' +
      'its producer, drops, or dead-letters new messages. Expired messages (TTL) are dead-lettered.',
    inputs: [PORTS.in],
    outputs: fixedPorts(PORTS.out, PORTS.deadLetter),
    config: pointToPointConfig,
    fanOut: 'many',
  },
  {
    kind: 'publish-subscribe',
    family: 'channels',
    title: 'Publish-subscribe channel',
    summary: 'Every matching subscriber gets its own copy.',
    description:
      'Each outgoing edge is a subscription with a topic pattern: `orders.created` matches exactly, ' +
      '`orders.*` one word, `orders.#` zero or more words. The topic is the message type or a header. ' +
      'A durable subscription queues copies while its subscriber is busy; a non-durable one drops them. ' +
      'A message no subscription matches is dropped as no-subscribers.',
    inputs: [PORTS.in],
    outputs: fixedPorts(PORTS.out),
    config: publishSubscribeConfig,
    edgeConfig: subscriptionConfig,
    fanOut: 'many',
  },
  {
    kind: 'dead-letter',
    family: 'channels',
    title: 'Dead-letter channel',
    summary: 'Keeps failed messages with reason and origin; reprocess them.',
    description:
      'Holds messages that could not be delivered or processed, with the reason (error, expired, overflow, ' +
      'max-redeliveries, no-route, hop-limit, …) and the node they failed at. Counts per reason. A message ' +
      'can be reprocessed: sent back to the node it failed at.',
    inputs: [PORTS.in],
    outputs: fixedPorts(),
    config: deadLetterConfig,
    fanOut: 'one',
  },
];
