/**
 * The expression language as the model knows it: parsing and checking (no evaluation — that is the
 * engine's, in src/engine/expressions), and the zod schema of expression fields in catalog configs.
 *
 * An expression field is a string schema with `widget: 'expression'` in its meta (the inspector shows an
 * expression editor) that checks the expression while the config is validated. A problem becomes a zod
 * issue with `params: { code: 'E140', position }`, which topology validation reports as error E140 with
 * the field path, the node id and the character position — in the runner and in the inspector as you
 * type, since both validate configs with the same schema.
 *
 * @example
 * const rule = z.strictObject({ name: z.string(), when: expressionSchema('When') });
 * rule.safeParse({ name: 'big', when: 'payload.total >' }).error?.issues[0];
 * // { code: 'custom', message: 'Expected expression after > (at character 16)',
 * //   params: { code: 'E140', position: 15 }, path: ['when'] }
 */
import { z } from '../zod';
import { checkExpression } from './check';
import { EXPRESSION_LIMITS } from './limits';

export { checkAst, checkExpression } from './check';
export { EXPRESSION_LIMITS } from './limits';
export { FORBIDDEN_KEYS, FUNCTION_SIGNATURES, MESSAGE_FIELDS, type FunctionSignature } from './names';
export type { ExpressionProblem } from './types';

/** The error code of an expression that does not parse or check. */
export const EXPRESSION_ERROR_CODE = 'E140';

/** What an expression issue carries in its zod `params`. */
export interface ExpressionIssueParams {
  code: typeof EXPRESSION_ERROR_CODE;
  /** 0-based character position of the problem in the expression. */
  position: number;
}

/** Whether a zod issue is an expression problem (and so error E140). */
export function isExpressionIssue(issue: {
  code: string;
  params?: unknown;
}): issue is { code: 'custom'; params: ExpressionIssueParams } {
  const params = issue.params as Partial<ExpressionIssueParams> | undefined;
  return (
    issue.code === 'custom' && params?.code === EXPRESSION_ERROR_CODE && typeof params.position === 'number'
  );
}

/**
 * A zod schema for one expression field: text of at most `maxLength` characters that parses and checks.
 *
 * @example
 * expressionSchema('Condition').default('payload.total > 100')
 */
export function expressionSchema(title: string, description?: string) {
  return z
    .string()
    .max(EXPRESSION_LIMITS.maxLength)
    .superRefine((text, ctx) => {
      const problem = checkExpression(text);
      if (!problem) return;
      const params: ExpressionIssueParams = { code: EXPRESSION_ERROR_CODE, position: problem.position };
      ctx.addIssue({
        code: 'custom',
        message: `${problem.message} (at character ${problem.position + 1})`,
        params,
      });
    })
    .meta(description ? { title, description, widget: 'expression' } : { title, widget: 'expression' });
}
