/** The limits of the expression language live with its parser and checker in the model. */
export { EXPRESSION_LIMITS } from '../../model/expressions/limits';
