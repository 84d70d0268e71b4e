/** Types shared by the generated form's fields. */
import type { ReactNode } from 'react';
import type { ValidationError } from '../../model/errors';
import type { FieldPath } from '../../state/graphEdits';
import type { JsonSchema } from './jsonSchema';

/** What every field of one form shares. */
export interface FieldContext {
  /** The root JSON Schema (for `$ref`). */
  root: JsonSchema;
  /** Validation errors whose path is exactly this field's. */
  errorsAt(path: FieldPath): readonly ValidationError[];
  /** Sets (or, with undefined, removes) the value at a path of the edited object. */
  set(path: FieldPath, value: unknown): void;
  /** Prefix for element ids. */
  idBase: string;
  /** Renders any field (lets composite fields nest fields without an import cycle). */
  renderField(props: FieldProps): ReactNode;
}

/** The props of one field. */
export interface FieldProps {
  ctx: FieldContext;
  /** Path of this value inside the edited object. */
  path: FieldPath;
  /** Its (unresolved) schema. */
  schema: JsonSchema;
  /** Its label. */
  label: string;
  /** The value as written (undefined when it is left to its default). */
  value: unknown;
  /** What applies when nothing is written (the schema default, or the enclosing default's part). */
  fallback: unknown;
  /** Whether the value must be written (required, without a default). */
  required: boolean;
}

/** A DOM id for a field. */
export const fieldId = (ctx: FieldContext, path: FieldPath) => `${ctx.idBase}-${path.join('-')}`.replace(/[^A-Za-z0-9_-]/g, '_');
