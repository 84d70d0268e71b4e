/**
 * Catalog entries of the message-construction family: envelope wrapper and envelope unwrapper.
 */
import { z } from '../zod';
import { PORTS, type CatalogEntry } from '../catalogTypes';
import { headersSchema } from '../schemas';

/** Config of an envelope wrapper: envelope type, correlation, routing slip, QoS, instructions. */
export const envelopeWrapperConfig = z.strictObject({
  type: z
    .string()
    .min(1)
    .max(128)
    .optional()
    .meta({ title: 'Envelope type', description: 'empty: keeps the message type' }),
  correlation: z
    .enum(['keep', 'new'])
    .default('keep')
    .meta({
      title: 'Correlation id',
      description: 'new: the envelope starts a new conversation (its own id)',
    }),
  routingSlip: z.array(z.string().min(1).max(64)).max(32).default([]).meta({ title: 'Routing slip (steps)' }),
  qos: z
    .strictObject({
      priority: z.number().int().min(0).max(9).optional().meta({ title: 'Priority (0–9)' }),
      ttl: z.number().positive().finite().optional().meta({ title: 'Time to live', unit: 'ms' }),
      deliveryMode: z
        .enum(['persistent', 'non-persistent'])
        .default('persistent')
        .meta({ title: 'Delivery mode' }),
    })
    .default({ deliveryMode: 'persistent' })
    .meta({ title: 'Quality of service' }),
  instructions: headersSchema.default({}).meta({ title: 'Processing instructions' }),
});

/** Config of an envelope unwrapper. */
export const envelopeUnwrapperConfig = z.strictObject({
  restoreQos: z
    .boolean()
    .default(true)
    .meta({
      title: 'Restore priority and expiry',
      description: 'off: the message keeps the envelope\u2019s QoS',
    }),
});

/** Message-construction kinds. */
export const CONSTRUCTION_ENTRIES: readonly CatalogEntry[] = [
  {
    kind: 'envelope-wrapper',
    family: 'message-construction',
    title: 'Envelope wrapper',
    summary: 'Wraps each message in an envelope: ids, routing slip, QoS, instructions.',
    description:
      'Makes an envelope message around each message: its payload is `{ envelope, body }`, where the ' +
      'envelope holds the message id, correlation and causation ids, the routing slip, QoS (priority, TTL ' +
      'and expiry, delivery mode), processing instructions and what the unwrapper needs to restore the ' +
      'original. The envelope\u2019s priority and expiry are real: channels that honour priority serve it ' +
      'by its priority, and it expires after its TTL. The original ends here, merged into its envelope.',
    inputs: [PORTS.in],
    outputs: () => [PORTS.out],
    config: envelopeWrapperConfig,
    fanOut: 'one',
  },
  {
    kind: 'envelope-unwrapper',
    family: 'message-construction',
    title: 'Envelope unwrapper',
    summary: 'Restores the original message from its envelope.',
    description:
      'Takes an envelope made by an envelope wrapper and restores the original: kind, type, correlation ' +
      'id, headers, payload and, unless turned off, priority and expiry. The restored message is caused by ' +
      'the envelope, which ends here (merged into it). A message that is not an envelope is dead-lettered ' +
      'as invalid.',
    inputs: [PORTS.in],
    outputs: () => [PORTS.out, PORTS.deadLetter],
    config: envelopeUnwrapperConfig,
    fanOut: 'one',
  },
];
