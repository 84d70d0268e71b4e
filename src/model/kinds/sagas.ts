/**
 * The saga family: `saga-orchestrator` (a state machine of ordered steps with compensations, one instance
 * per correlation id) and `saga-participant` (choreography: a local transaction triggered by an event, which
 * publishes its success or failure and compensates when a later participant fails).
 */
import { z } from '../zod';
import { fixedPorts, PORTS, type CatalogEntry, type PortSpec } from '../catalogTypes';
import { distributionSchema, durationSchema } from '../schemas';
import { expressionMapSchema, messageTypeSchema, nodeRefSchema } from './eventSourcing';

/** Port ids a saga step may not take. */
export const SAGA_RESERVED_PORTS: ReadonlySet<string> = new Set([
  'in',
  'replies',
  'completed',
  'compensated',
  'failed',
  'out',
  'dead-letter',
  'error',
]);

/** A step name, which is also the id of the output port its commands leave by. */
export const stepNameSchema = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_-]{0,31}$/, 'a name of 1–32 letters, digits, _ and -, starting with a letter')
  .refine((s) => !SAGA_RESERVED_PORTS.has(s), { message: 'this name is taken by a fixed port' })
  .meta({ title: 'Name (output port)' });

/** One step of an orchestrated saga. */
export const sagaStepSchema = z.strictObject({
  name: stepNameSchema,
  command: messageTypeSchema.meta({ title: 'Command' }),
  payload: expressionMapSchema('Command payload (over the message that started the saga)').default({}),
  completedBy: z
    .array(messageTypeSchema)
    .max(16)
    .default([])
    .meta({ title: 'Completed by (reply types; empty: the command type)' }),
  failedBy: z
    .array(messageTypeSchema)
    .max(16)
    .default([])
    .meta({ title: 'Failed by (reply types; a reply from a failure port also fails)' }),
  timeout: durationSchema
    .default(1000)
    .meta({ title: 'Timeout', unit: 'ms', description: '0: wait for ever' }),
  compensation: messageTypeSchema.optional().meta({ title: 'Compensating command' }),
  compensatedBy: z
    .array(messageTypeSchema)
    .max(16)
    .default([])
    .meta({ title: 'Compensated by (reply types; empty: the compensating command)' }),
});

/** The four steps of the default travel booking. */
const TRAVEL_STEPS = [
  { name: 'flight', command: 'BookFlight', compensation: 'CancelFlight' },
  { name: 'hotel', command: 'BookHotel', compensation: 'CancelHotel' },
  { name: 'car', command: 'RentCar', compensation: 'ReturnCar' },
].map((s) => ({
  ...s,
  payload: { trip: 'correlationId' },
  completedBy: [],
  failedBy: [],
  timeout: 1000,
  compensatedBy: [],
}));

/** A step's port, or null when the name is not a valid port id (validation reports it). */
function stepPort(name: unknown): PortSpec | null {
  return typeof name === 'string' && name.length > 0 ? { id: name, label: name, role: 'success' } : null;
}

/** Config of `saga-orchestrator`: the steps with their commands, replies, timeouts and compensations. */
export const sagaOrchestratorConfig = z.strictObject({
  store: nodeRefSchema(
    'Saga log store',
    'an event-store node where each instance logs its steps (stream saga-<correlation id>)',
  ).optional(),
  start: z
    .array(messageTypeSchema)
    .max(16)
    .default([])
    .meta({ title: 'Started by (types; empty: any message on in)' }),
  steps: z
    .array(sagaStepSchema)
    .min(1)
    .max(16)
    .superRefine((steps, ctx) => {
      const seen = new Set<string>();
      steps.forEach((s, i) => {
        if (seen.has(s.name))
          ctx.addIssue({
            code: 'custom',
            message: `the step name "${s.name}" is used twice`,
            path: [i, 'name'],
          });
        seen.add(s.name);
      });
    })
    .default(TRAVEL_STEPS)
    .meta({ title: 'Steps (in order)' }),
  compensationTimeout: durationSchema
    .default(0)
    .meta({ title: 'Compensation timeout', unit: 'ms', description: '0: wait for ever' }),
  compensateTimedOut: z
    .boolean()
    .default(true)
    .meta({ title: 'Compensate a timed-out step', description: 'its work may have happened after all' }),
  keepFinished: z
    .number()
    .int()
    .min(0)
    .max(1_000_000)
    .default(10_000)
    .meta({ title: 'Finished instances kept' }),
});

/** Config of `saga-participant`: what it reacts to, its local transaction, what it publishes, what it compensates on. */
export const sagaParticipantConfig = z.strictObject({
  store: nodeRefSchema(
    'Saga log store',
    'an event-store node where it logs its steps (stream saga-<correlation id>)',
  ).optional(),
  step: z.string().max(64).optional().meta({ title: 'Step name (default: the node id)' }),
  on: z.array(messageTypeSchema).min(1).max(16).default(['OrderPlaced']).meta({ title: 'Reacts to' }),
  serviceTime: distributionSchema
    .default({ dist: 'exponential', mean: 20 })
    .meta({ title: 'Local transaction time' }),
  failureRate: z.number().min(0).max(1).default(0).meta({ title: 'Failure rate (0–1)' }),
  concurrency: z.number().int().min(1).max(10_000).default(10).meta({ title: 'Workers' }),
  success: messageTypeSchema.default('PaymentCompleted').meta({ title: 'Publishes on success' }),
  failure: messageTypeSchema.default('PaymentFailed').meta({ title: 'Publishes on failure' }),
  compensateOn: z
    .array(messageTypeSchema)
    .max(16)
    .default([])
    .meta({ title: 'Compensates on (failure events of later participants)' }),
  compensated: messageTypeSchema.default('PaymentRefunded').meta({ title: 'Publishes when compensated' }),
  compensationTime: distributionSchema
    .default({ dist: 'constant', value: 5 })
    .meta({ title: 'Compensation time' }),
});

const REPLIES: PortSpec = { id: 'replies', label: 'replies', role: 'input' };
const COMPLETED: PortSpec = { id: 'completed', label: 'completed', role: 'success' };
const COMPENSATED: PortSpec = { id: 'compensated', label: 'compensated', role: 'success' };
const FAILED: PortSpec = { id: 'failed', label: 'failed', role: 'failure' };

/** Saga kinds. */
export const SAGA_ENTRIES: readonly CatalogEntry[] = [
  {
    kind: 'saga-orchestrator',
    family: 'sagas',
    title: 'Saga orchestrator',
    summary: 'Ordered steps with timeouts and compensations, one instance per correlation id.',
    description:
      'A message reaching `in` starts an instance keyed by its correlation id. Each step sends its command ' +
      'out of the port named after it and waits for a reply on `replies` (same correlation id): a reply ' +
      'type in completedBy completes the step; one in failedBy, or any reply that left a failure port, ' +
      'fails it, as does the timeout. On a failure the compensating commands of the completed steps are ' +
      'sent in reverse order, each once, each waiting for its reply. The starting message leaves by ' +
      '`completed`, `compensated` or `failed` (a compensation failed). States: running, completed, ' +
      'compensating, compensated, failed. With a store, every step is logged in stream saga-<correlation id>.',
    inputs: [PORTS.in, REPLIES],
    outputs: (config) => {
      const steps = Array.isArray(config.steps) ? (config.steps as { name?: unknown }[]) : [];
      const ports = steps.map((s) => stepPort(s.name)).filter((p): p is PortSpec => p !== null);
      return [...ports, COMPLETED, COMPENSATED, FAILED];
    },
    config: sagaOrchestratorConfig,
    fanOut: 'one',
  },
  {
    kind: 'saga-participant',
    family: 'sagas',
    title: 'Saga participant',
    summary: 'Choreography: reacts to an event with a local transaction, publishes success or failure.',
    description:
      'An event whose type is in `on` starts a local transaction (the service time; it fails with the ' +
      'failure rate). It then publishes its success event, or its failure event, derived from the trigger ' +
      '(same correlation id) out of `out`, usually into a publish-subscribe channel. An event in ' +
      '`compensateOn` with the correlation id of a transaction it completed undoes it, once, and publishes ' +
      'the compensated event, which in turn reaches the participants before it. Other events are absorbed. ' +
      'The studio rebuilds each saga from the log of its participants by correlation id.',
    inputs: [PORTS.in],
    outputs: fixedPorts(PORTS.out),
    config: sagaParticipantConfig,
    fanOut: 'one',
  },
];
