/**
 * Catalog entry of the messaging gateway (endpoints family): request/reply over channels.
 */
import { z } from '../zod';
import { PORTS, type CatalogEntry, type PortSpec } from '../catalogTypes';
import { retryPolicySchema } from './endpoints';

const REQUEST: PortSpec = { id: 'request', label: 'request', role: 'success' };
const REPLY: PortSpec = { id: 'reply', label: 'reply', role: 'input' };

/** Config of a messaging gateway: reply timeout, retries, connections. */
export const messageGatewayConfig = z.strictObject({
  timeout: z.number().positive().finite().default(1000).meta({ title: 'Reply timeout', unit: 'ms' }),
  retry: retryPolicySchema(3)
    .meta({ title: 'Retries' }),
  maxInFlight: z
    .number()
    .int()
    .min(1)
    .max(100_000)
    .default(100)
    .meta({
      title: 'Connections (requests in flight)',
      description: 'callers wait while every connection is in use',
    }),
});

/** The gateway kind. */
export const GATEWAY_ENTRIES: readonly CatalogEntry[] = [
  {
    kind: 'message-gateway',
    family: 'endpoints',
    title: 'Messaging gateway',
    summary: 'Request/reply over channels, with correlation, timeout and retries.',
    description:
      'Turns a call into request and reply messages. For each message on `in` it sends a request on ' +
      '`request` whose correlation id is the request\u2019s own id, and waits for a message with that ' +
      'correlation id on `reply`. The reply leaves on `out` with the caller\u2019s correlation id. When no ' +
      'reply comes within the timeout it retries with exponential backoff and jitter; when attempts run out ' +
      'the call goes to `error` as timeout. A reply that comes after its call timed out (or a second reply) ' +
      'is dropped as timeout. At most `maxInFlight` calls wait for replies at once (its connections); ' +
      'other callers queue.',
    inputs: [PORTS.in, REPLY],
    outputs: () => [REQUEST, PORTS.out, PORTS.error],
    config: messageGatewayConfig,
    fanOut: 'one',
  },
];
