/**
 * Zod building blocks shared by catalog entries: distributions, message templates, durations and rates.
 * Each carries `meta` hints (`unit`, `widget`) that the inspector reads from the generated JSON Schema, so
 * one schema drives validation, the published JSON Schema and the inspector's form.
 */
import type { JsonValue } from './message';
import { z } from './zod';

/** JSON values, limited in nesting by the topology loader before they ever reach zod. */
export const jsonValueSchema: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([
    z.null(),
    z.boolean(),
    z.number(),
    z.string(),
    z.array(jsonValueSchema),
    z.record(z.string(), jsonValueSchema),
  ]),
);

const positive = (title: string) => z.number().positive().finite().meta({ title, unit: 'ms' });

/**
 * A probability distribution over non-negative virtual milliseconds.
 *
 * @example
 * { "dist": "exponential", "mean": 10 }
 */
export const distributionSchema = z
  .discriminatedUnion('dist', [
    z.strictObject({ dist: z.literal('constant'), value: z.number().min(0).finite().meta({ unit: 'ms' }) }),
    z.strictObject({ dist: z.literal('exponential'), mean: positive('Mean') }),
    z.strictObject({
      dist: z.literal('uniform'),
      min: z.number().min(0).finite().meta({ unit: 'ms' }),
      max: z.number().min(0).finite().meta({ unit: 'ms' }),
    }),
    z.strictObject({
      dist: z.literal('normal'),
      mean: z.number().min(0).finite().meta({ unit: 'ms' }),
      stddev: z.number().min(0).finite().meta({ unit: 'ms' }),
    }),
    z.strictObject({ dist: z.literal('lognormal'), mean: positive('Mean'), stddev: z.number().min(0).finite() }),
  ])
  .refine((d) => d.dist !== 'uniform' || d.min <= d.max, { message: 'uniform: min must not exceed max', path: ['max'] })
  .meta({ widget: 'distribution' });

/** A distribution value (see {@link distributionSchema}). */
export type Distribution = z.infer<typeof distributionSchema>;

/** Headers are string to string. */
export const headersSchema = z.record(z.string().max(128), z.string().max(1024));

/**
 * The template from which a producer makes messages. String values in the payload and headers may hold
 * placeholders, resolved per message: `{{seq}}`, `{{randInt 1 100}}`, `{{randFloat 0 1}}`,
 * `{{pick a b c}}`, `{{now}}` (see docs/topology-format.md).
 */
export const messageTemplateSchema = z
  .strictObject({
    kind: z.enum(['command', 'event', 'document']).default('command'),
    type: z.string().min(1).max(128).default('Message'),
    headers: headersSchema.default({}),
    payload: jsonValueSchema.default({}),
    ttl: z.number().positive().finite().optional().meta({ unit: 'ms', title: 'Time to live' }),
    priority: z.number().int().min(0).max(9).optional(),
  })
  .meta({ widget: 'message' });

/** A message template value. */
export type MessageTemplate = z.infer<typeof messageTemplateSchema>;

/** A rate in messages per virtual second. */
export const rateSchema = z.number().positive().max(1_000_000).finite().meta({ unit: 'msg/s' });

/** A duration in virtual milliseconds. */
export const durationSchema = z.number().min(0).finite().meta({ unit: 'ms' });
