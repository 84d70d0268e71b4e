/**
 * Expression fields of catalog configs. An expression is text in the safe expression language
 * (docs/expressions.md); its schema carries `widget: 'expression'` so the inspector shows an expression
 * editor, and it is checked while the config is validated, so a topology with an expression that does not
 * parse fails validation with code E140, the field path and the character position.
 *
 * @example
 * const rule = z.strictObject({ name: z.string(), when: expressionSchema('Condition') });
 */
import { z } from 'zod';

/** The longest expression text, in characters. */
export const EXPRESSION_MAX_LENGTH = 2000;

/**
 * A zod schema for one expression string, with `widget: 'expression'` in its meta.
 *
 * @example
 * expressionSchema('Condition').default('payload.total > 100')
 */
export function expressionSchema(title: string, description?: string) {
  return z
    .string()
    .min(1, 'an expression is required')
    .max(EXPRESSION_MAX_LENGTH)
    .meta(description ? { title, description, widget: 'expression' } : { title, widget: 'expression' });
}
