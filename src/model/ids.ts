/**
 * Branded identifier types. A brand makes a `NodeId` and an `EdgeId` different types to the compiler even
 * though both are strings at run time, so one cannot be passed where the other is expected.
 *
 * @example
 * const id = nodeId('queue'); // NodeId
 */
declare const brand: unique symbol;

/** A string made distinct by a compile-time brand. */
export type Brand<T, B extends string> = T & { readonly [brand]: B };

/** The id of a node in a topology (unique within it). */
export type NodeId = Brand<string, 'NodeId'>;
/** The id of an edge in a topology (unique within it, and distinct from every node id). */
export type EdgeId = Brand<string, 'EdgeId'>;
/** The id of one message instance in a run. */
export type MessageId = Brand<string, 'MessageId'>;

/** Marks a string as a node id (no check: validation happens in `validateTopology`). */
export const nodeId = (s: string): NodeId => s as NodeId;
/** Marks a string as an edge id. */
export const edgeId = (s: string): EdgeId => s as EdgeId;
/** Marks a string as a message id. */
export const messageId = (s: string): MessageId => s as MessageId;

/** Ids in the file format: 1–64 characters of letters, digits, `_`, `-`, `.` and `:`. */
export const ID_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;
