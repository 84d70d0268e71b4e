/**
 * Catalog entries of the routing family: content-based router, message filter, recipient list. Routers
 * and recipient lists have one output port per rule or recipient, so their ports depend on their config.
 */
import { z } from '../zod';
import { PORTS, type CatalogEntry, type PortSpec } from '../catalogTypes';
import { expressionSchema } from '../expressions';
import { retryPolicySchema } from './endpoints';

/** Port ids a rule or recipient may not take, because the node already has them. */
export const RESERVED_PORTS: ReadonlySet<string> = new Set([
  'in',
  'out',
  'otherwise',
  'dead-letter',
  'error',
]);

/** The most rules of a router and recipients of a recipient list. */
export const MAX_ROUTES = 32;

/** A rule or recipient name, which is also the id of its output port. */
export const portNameSchema = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_-]{0,31}$/, 'a name of 1–32 letters, digits, _ and -, starting with a letter')
  .refine((s) => !RESERVED_PORTS.has(s), {
    message: 'this name is taken by a fixed port (in, out, otherwise, dead-letter, error)',
  })
  .meta({ title: 'Name (output port)' });

/** Adds an issue for each name used twice in a list of named items. */
function uniqueNames<T extends { name: string }>(items: readonly T[], ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    if (seen.has(item.name))
      ctx.addIssue({ code: 'custom', message: `the name "${item.name}" is used twice`, path: [i, 'name'] });
    seen.add(item.name);
  });
}

const routePort = (name: string): PortSpec => ({ id: name, label: name, role: 'success' });

const PORT_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,31}$/;

/**
 * The ports named by a list of rules or recipients. It may be given a config that does not validate (the
 * studio asks for ports while a rule is being edited), so it keeps only well-formed, unique, free names:
 * a rule with an expression being typed keeps its port, and its edge does not come and go.
 */
function namedPorts(items: unknown): PortSpec[] {
  if (!Array.isArray(items)) return [];
  const seen = new Set<string>();
  const ports: PortSpec[] = [];
  for (const item of items.slice(0, MAX_ROUTES)) {
    const name: unknown =
      item !== null && typeof item === 'object' ? (item as { name?: unknown }).name : undefined;
    if (typeof name !== 'string' || !PORT_NAME.test(name) || RESERVED_PORTS.has(name) || seen.has(name))
      continue;
    seen.add(name);
    ports.push(routePort(name));
  }
  return ports;
}

const OTHERWISE: PortSpec = { id: 'otherwise', label: 'otherwise', role: 'success' };

/** One rule of a content-based router: its name (the output port) and its condition. */
export const routerRuleSchema = z.strictObject({
  name: portNameSchema,
  when: expressionSchema('When', 'the message takes this port when the expression is true'),
});

/** Config of a content-based router: ordered rules and the matching mode. */
export const contentBasedRouterConfig = z.strictObject({
  rules: z
    .array(routerRuleSchema)
    .max(MAX_ROUTES)
    .superRefine(uniqueNames)
    .default([{ name: 'high', when: 'payload.total > 100' }])
    .meta({ title: 'Rules (in order)' }),
  mode: z
    .enum(['first-match', 'all-matches'])
    .default('first-match')
    .meta({ title: 'Matching', description: 'all-matches sends a copy to every matching rule (multicast)' }),
});

/** Config of a message filter: the condition, what to do with matches, and a rule name for drops. */
export const messageFilterConfig = z.strictObject({
  when: expressionSchema('Condition').default('payload.total > 0'),
  action: z
    .enum(['keep', 'discard'])
    .default('keep')
    .meta({
      title: 'Messages that match',
      description: 'keep: pass matching messages, drop the rest; discard: drop matching ones',
    }),
  name: z.string().max(64).optional().meta({ title: 'Rule name (shown on drops)' }),
});

/** One recipient of a recipient list: its name (the output port), whether it is static, its failure rate. */
export const recipientSchema = z.strictObject({
  name: portNameSchema,
  always: z
    .boolean()
    .default(true)
    .meta({
      title: 'Static',
      description: 'always a recipient; otherwise only when the dynamic list names it',
    }),
  failureRate: z.number().min(0).max(1).default(0).meta({ title: 'Delivery failure rate (0–1)' }),
});

/** Config of a recipient list: recipients, the dynamic list source, and the failure policy. */
export const recipientListConfig = z.strictObject({
  recipients: z
    .array(recipientSchema)
    .max(MAX_ROUTES)
    .superRefine(uniqueNames)
    .default([
      { name: 'a', always: true, failureRate: 0 },
      { name: 'b', always: true, failureRate: 0 },
    ])
    .meta({ title: 'Recipients' }),
  dynamic: z
    .enum(['none', 'expression', 'header'])
    .default('none')
    .meta({ title: 'Dynamic recipients from', description: 'names of recipients added per message' }),
  expression: expressionSchema('Recipients expression', 'a list of names, or one name').default(
    'payload.recipients',
  ),
  header: z
    .string()
    .min(1)
    .max(128)
    .default('recipients')
    .meta({ title: 'Recipients header (comma-separated)' }),
  onFailure: z
    .enum(['continue', 'retry', 'fail-all'])
    .default('continue')
    .meta({ title: 'When a recipient fails' }),
  retry: retryPolicySchema(3)
    .meta({ title: 'Retries (when onFailure = retry)' }),
});

/** Routing kinds. */
export const ROUTING_ENTRIES: readonly CatalogEntry[] = [
  {
    kind: 'content-based-router',
    family: 'routing',
    title: 'Content-based router',
    summary: 'Sends each message to the port of the first rule it matches.',
    description:
      'Ordered rules, each an expression and an output port named after the rule. In first-match mode a ' +
      'message takes the first rule whose expression is true; in all-matches mode every matching rule gets ' +
      'it (the first the message, the others copies). A message no rule matches takes the `otherwise` ' +
      'port when it is connected, else it is dead-lettered as no-route. A rule that fails while evaluating ' +
      '(for example a step limit) dead-letters the message with the error.',
    inputs: [PORTS.in],
    outputs: (config) => [...namedPorts(config.rules), OTHERWISE, PORTS.deadLetter],
    config: contentBasedRouterConfig,
    fanOut: 'one',
  },
  {
    kind: 'message-filter',
    family: 'routing',
    title: 'Message filter',
    summary: 'Passes the messages that match an expression and drops the rest.',
    description:
      'Evaluates one expression per message. With action keep, a message for which it is true passes on ' +
      '`out` and any other is dropped as filtered; with action discard, the reverse. Drops are counted and ' +
      'each keeps the rule that dropped it (shown with the message in the trace). An expression that fails ' +
      'while evaluating dead-letters the message with the error.',
    inputs: [PORTS.in],
    outputs: () => [PORTS.out, PORTS.deadLetter],
    config: messageFilterConfig,
    fanOut: 'one',
  },
  {
    kind: 'recipient-list',
    family: 'routing',
    title: 'Recipient list',
    summary: 'Sends a copy to each recipient: static ones plus a list per message.',
    description:
      'Each recipient is an output port. Static recipients get every message; a dynamic list from an ' +
      'expression or a comma-separated header adds recipients per message (by name). A delivery fails when ' +
      "the recipient port has nothing connected, when the name is not a recipient, or with the recipient's " +
      'simulated failure rate. On failure: continue (the copy for that recipient is dead-lettered), retry ' +
      'with backoff and then continue, or fail-all (nothing is delivered and the message is dead-lettered). ' +
      'Counts per recipient and an aggregate status per message (delivered, partial, failed).',
    inputs: [PORTS.in],
    outputs: (config) => [...namedPorts(config.recipients), PORTS.deadLetter],
    config: recipientListConfig,
    fanOut: 'one',
  },
];
