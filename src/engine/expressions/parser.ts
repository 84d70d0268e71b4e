/**
 * Parsing lives in the model (src/model/expressions/parser.ts), so that topology validation can check
 * expressions without the engine; the compiler reads it from here.
 */
export { BINARY_OPERATORS, UNARY_OPERATORS, parseAst } from '../../model/expressions/parser';
export type { AstNode, ParsedAst, SourcePositions } from '../../model/expressions/parser';
