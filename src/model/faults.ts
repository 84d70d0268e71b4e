/**
 * Fault schedules and live invariants in the topology file (both optional, top level, format v1).
 *
 * A fault breaks one node or one edge for a window of virtual time: `at` ms after the start, `for` ms
 * (for the rest of the run when `for` is left out). Edge faults add latency, drop, duplicate or reorder
 * messages, or partition the edge; node faults crash, pause or slow a node, or make it fail a share of its
 * messages. An invariant is a guarantee the engine checks while the run goes: no loss between two nodes,
 * exactly once at a node, order per key at a node, latency under a bound at a node. See
 * docs/topology-format.md, "Faults and invariants".
 *
 * @example
 * "faults": [
 *   { "id": "dup", "target": { "edge": "orders-in" }, "type": "duplicate", "probability": 0.1, "at": 1000, "for": 5000 },
 *   { "id": "down", "target": { "node": "billing" }, "type": "crash", "at": 4000, "for": 1500 }
 * ],
 * "invariants": [
 *   { "id": "no-loss", "kind": "no-loss", "from": "orders", "to": "shipped" },
 *   { "id": "once", "kind": "exactly-once", "at": "shipping", "key": "payload.orderId" }
 * ]
 */
import { z } from './zod';
import type { ValidationError } from './errors';
import { expressionSchema } from './expressions';
import { ID_PATTERN } from './ids';
import { distributionSchema, durationSchema } from './schemas';

/** Most faults in one topology. */
export const MAX_FAULTS = 1000;
/** Most invariants in one topology. */
export const MAX_INVARIANTS = 100;

const idSchema = z.string().regex(ID_PATTERN, 'an id of 1–64 letters, digits, _ - . :');
const probability = (title: string) => z.number().min(0).max(1).meta({ title });

/** When a fault is on: from `at` for `for` ms (to the end of the run when `for` is absent). */
const windowFields = {
  id: idSchema,
  label: z.string().max(200).optional(),
  at: durationSchema.default(0).meta({ title: 'Starts at', unit: 'ms' }),
  for: z.number().positive().finite().optional().meta({ title: 'Lasts', unit: 'ms', description: 'to the end of the run when empty' }),
};

const edgeTarget = z.strictObject({ edge: idSchema });
const nodeTarget = z.strictObject({ node: idSchema });

/** Faults on an edge: applied to each message as it arrives over the edge while the fault is on. */
export const edgeFaultSchemas = [
  z.strictObject({
    ...windowFields,
    target: edgeTarget,
    type: z.literal('latency'),
    delay: distributionSchema.meta({ title: 'Extra latency' }),
  }),
  z.strictObject({ ...windowFields, target: edgeTarget, type: z.literal('drop'), probability: probability('Drop probability') }),
  z.strictObject({
    ...windowFields,
    target: edgeTarget,
    type: z.literal('duplicate'),
    probability: probability('Duplicate probability'),
  }),
  z.strictObject({
    ...windowFields,
    target: edgeTarget,
    type: z.literal('reorder'),
    probability: probability('Reorder probability'),
    maxDelay: z.number().positive().finite().default(50).meta({ title: 'Held back up to', unit: 'ms' }),
  }),
  z.strictObject({
    ...windowFields,
    target: edgeTarget,
    type: z.literal('partition'),
    mode: z
      .enum(['drop', 'hold'])
      .default('drop')
      .meta({ title: 'Messages sent meanwhile', description: 'drop: lost; hold: delivered when the partition heals' }),
  }),
] as const;

/** Faults on a node. */
export const nodeFaultSchemas = [
  z.strictObject({ ...windowFields, target: nodeTarget, type: z.literal('crash') }),
  z.strictObject({ ...windowFields, target: nodeTarget, type: z.literal('pause') }),
  z.strictObject({
    ...windowFields,
    target: nodeTarget,
    type: z.literal('slow'),
    factor: z.number().min(1).max(1000).default(5).meta({ title: 'Slower by (×)' }),
  }),
  z.strictObject({ ...windowFields, target: nodeTarget, type: z.literal('error'), probability: probability('Failure probability') }),
] as const;

/**
 * One fault of the schedule.
 *
 * @example
 * { "id": "slow-db", "target": { "node": "orders-db" }, "type": "slow", "factor": 10, "at": 2000, "for": 3000 }
 */
export const faultSchema = z.discriminatedUnion('type', [...edgeFaultSchemas, ...nodeFaultSchemas]);

/** A fault as written in the file. */
export type FaultSpec = z.input<typeof faultSchema>;
/** A fault with defaults applied. */
export type Fault = z.output<typeof faultSchema>;
/** The fault types. */
export type FaultType = Fault['type'];
/** Fault types that apply to edges. */
export const EDGE_FAULT_TYPES: readonly FaultType[] = ['latency', 'drop', 'duplicate', 'reorder', 'partition'];
/** Fault types that apply to nodes. */
export const NODE_FAULT_TYPES: readonly FaultType[] = ['crash', 'pause', 'slow', 'error'];

const invariantFields = { id: idSchema, label: z.string().max(200).optional() };

/**
 * A key expression of an invariant (the safe expression language, evaluated on each message), such as
 * `id`, `correlationId`, `payload.orderId` or `headers["outbox-id"]`.
 */
const keySchema = (title: string, description: string) => expressionSchema(title, description);

/**
 * One invariant. Kinds:
 * - `no-loss`: every conversation that leaves `from` by a success port reaches `to`, or ends in a dead-letter
 *   channel or an explicit drop (a drop whose reason is not an injected fault);
 * - `exactly-once`: no key is processed (leaves by a success port or completes) twice at `at`;
 * - `order-per-key`: at `at`, messages of one key arrive in non-decreasing `sequence`;
 * - `latency`: the `percentile` of latency at `at` stays under `under` ms.
 */
export const invariantSchema = z.discriminatedUnion('kind', [
  z.strictObject({ ...invariantFields, kind: z.literal('no-loss'), from: idSchema, to: idSchema }),
  z.strictObject({
    ...invariantFields,
    kind: z.literal('exactly-once'),
    at: idSchema,
    key: keySchema('Key', 'what identifies one unit of work, e.g. id, payload.orderId, headers["outbox-id"]').default('correlationId'),
    window: z.number().int().min(1).max(10_000_000).default(1_000_000).meta({ title: 'Keys remembered' }),
  }),
  z.strictObject({
    ...invariantFields,
    kind: z.literal('order-per-key'),
    at: idSchema,
    key: keySchema('Key', 'messages of one key must arrive in order, e.g. payload.orderId').default('correlationId'),
    sequence: keySchema('Sequence', 'a number that grows per key; default: the order in which conversations started').optional(),
  }),
  z.strictObject({
    ...invariantFields,
    kind: z.literal('latency'),
    at: idSchema,
    percentile: z.number().gt(0).max(100).default(99).meta({ title: 'Percentile' }),
    under: z.number().positive().finite().meta({ title: 'Under', unit: 'ms' }),
    measure: z
      .enum(['end-to-end', 'node'])
      .default('end-to-end')
      .meta({ title: 'Measure', description: 'end-to-end: from creation to arrival here; node: time spent at this node' }),
  }),
]);

/** An invariant as written in the file. */
export type InvariantSpec = z.input<typeof invariantSchema>;
/** An invariant with defaults applied. */
export type Invariant = z.output<typeof invariantSchema>;
/** The invariant kinds. */
export type InvariantKind = Invariant['kind'];

/** The `faults` field of a topology. */
export const faultsSchema = z.array(faultSchema).max(MAX_FAULTS);
/** The `invariants` field of a topology. */
export const invariantsSchema = z.array(invariantSchema).max(MAX_INVARIANTS);

/** The node ids an invariant refers to, with their field names. */
function invariantNodes(inv: InvariantSpec): [field: string, id: string][] {
  return inv.kind === 'no-loss'
    ? [
        ['from', inv.from],
        ['to', inv.to],
      ]
    : [['at', inv.at]];
}

/**
 * Cross-checks faults and invariants against the graph: ids unique within each list, and every node or
 * edge they name exists (E160).
 */
export function checkFaultsAndInvariants(
  topology: { faults?: readonly FaultSpec[]; invariants?: readonly InvariantSpec[] },
  nodeIds: ReadonlySet<string>,
  edgeIds: ReadonlySet<string>,
): ValidationError[] {
  const errors: ValidationError[] = [];
  const seen = new Map<string, number>();
  (topology.faults ?? []).forEach((f, i) => {
    if (seen.has(f.id)) errors.push({ code: 'E121', message: `the fault id "${f.id}" is already used by faults[${seen.get(f.id)}]`, path: `faults[${i}].id` });
    else seen.set(f.id, i);
    if ('edge' in f.target) {
      if (!edgeIds.has(f.target.edge)) {
        errors.push({ code: 'E160', message: `fault "${f.id}": edge "${f.target.edge}" does not exist`, path: `faults[${i}].target.edge`, edgeId: f.target.edge });
      }
    } else if (!nodeIds.has(f.target.node)) {
      errors.push({ code: 'E160', message: `fault "${f.id}": node "${f.target.node}" does not exist`, path: `faults[${i}].target.node`, nodeId: f.target.node });
    }
  });
  seen.clear();
  (topology.invariants ?? []).forEach((inv, i) => {
    if (seen.has(inv.id)) {
      errors.push({ code: 'E121', message: `the invariant id "${inv.id}" is already used by invariants[${seen.get(inv.id)}]`, path: `invariants[${i}].id` });
    } else seen.set(inv.id, i);
    for (const [field, id] of invariantNodes(inv)) {
      if (!nodeIds.has(id)) {
        errors.push({ code: 'E160', message: `invariant "${inv.id}": node "${id}" does not exist`, path: `invariants[${i}].${field}`, nodeId: id });
      }
    }
  });
  return errors;
}
