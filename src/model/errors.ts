/**
 * Numbered validation errors of the topology format. Every error says what is wrong and where: a JSON path
 * such as `nodes[3].config.rate`, and the node or edge id when there is one. The codes are listed, with
 * their meaning, in docs/topology-format.md; they never change meaning once published.
 */

/** The error codes, with a one-line meaning each. */
export const ERROR_CODES = {
  E100: 'The file is not valid JSON.',
  E101: 'The file is larger than the size limit.',
  E102: 'The file nests deeper than the nesting limit.',
  E103: 'A key named __proto__, constructor or prototype (refused: it could alter objects).',
  E104: 'The file is not a Messaging Studio topology (`format` is missing or different).',
  E105: 'The file was made by a newer version of Messaging Studio.',
  E106: 'The version is not a supported one.',
  E110: 'A field the format does not have.',
  E111: 'A value of the wrong type or out of range.',
  E112: 'A required field is missing.',
  E113: 'Too many nodes or edges.',
  E120: 'A node kind the studio does not know.',
  E121: 'An id used twice (node and edge ids share one space).',
  E122: 'A node config value that is invalid or out of range.',
  E130: 'An edge whose source or target node does not exist.',
  E131: 'An edge names a port its node does not have.',
  E132: 'An edge config that is invalid, or given where the source kind takes none.',
  E133: 'An output port that allows one connection has several.',
  E140: 'An expression that does not parse or uses what is not allowed.',
  E150: 'A share link that is corrupted, too long, or decompresses to too much.',
  E160: 'A fault or invariant names a node or edge that does not exist.',
} as const;

/** An error code. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** One validation error. */
export interface ValidationError {
  code: ErrorCode;
  /** What is wrong, in a sentence. */
  message: string;
  /** Where: a JSON path (`nodes[3].config.rate`), or `''` for the whole file. */
  path: string;
  /** The node the error is about, when it is about one. */
  nodeId?: string;
  /** The edge the error is about, when it is about one. */
  edgeId?: string;
  /** For E140: the 0-based character position of the problem in the expression at `path`. */
  position?: number;
  /** Line and column in the file text, for JSON syntax and limit errors. */
  line?: number;
  column?: number;
}

/**
 * Formats an error as one line: `file: path (node "id"): E122 message`.
 *
 * @example
 * formatError({ code: 'E122', message: 'must be > 0', path: 'nodes[0].config.rate', nodeId: 'orders' }, 'a.json')
 * // 'a.json: nodes[0].config.rate (node "orders"): E122 must be > 0'
 */
export function formatError(e: ValidationError, file?: string): string {
  const where: string[] = [];
  if (file) where.push(file + (e.line !== undefined ? `:${e.line}:${e.column ?? 1}` : ''));
  if (e.path) where.push(e.path);
  const subject = e.nodeId !== undefined ? ` (node "${e.nodeId}")` : e.edgeId !== undefined ? ` (edge "${e.edgeId}")` : '';
  const prefix = where.length ? where.join(': ') + subject + ': ' : subject ? subject.trim() + ': ' : '';
  return `${prefix}${e.code} ${e.message}`;
}

/** Turns a path array into `a.b[2].c`. */
export function pathToString(path: readonly PropertyKey[]): string {
  let s = '';
  for (const p of path) {
    if (typeof p === 'number') s += `[${p}]`;
    else s += (s ? '.' : '') + String(p);
  }
  return s;
}
