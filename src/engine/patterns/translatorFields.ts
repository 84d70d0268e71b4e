/**
 * Field access for the message translator: compiled field paths (`payload.customer.name`,
 * `payload.items.0.sku`, `headers.region`) read, set and dropped on a working copy of a message. The
 * working payload is a deep copy of the original's (payloads are immutable once sent), so edits mutate it
 * in place. Keys `__proto__`, `constructor` and `prototype` are refused everywhere (the schema refuses them
 * in paths; the copy refuses them in data), and only own properties are read.
 *
 * @example
 * const p = compileFieldPath('payload.customer.name');
 * const w = { headers: {}, payload: copyJson({ customer: { name: 'Ada' } }) };
 * readField(w, p); // 'Ada'
 * writeField(w, compileFieldPath('headers.who'), 'Ada');
 */
import type { JsonValue } from '../../model/message';

/** A translation could not be done (the message is dead-lettered with this text). */
export class TranslationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TranslationError';
  }
}

/** A compiled field path. */
export interface FieldPath {
  readonly text: string;
  readonly root: 'payload' | 'headers';
  /** Segments under the root (empty: the whole payload). For headers, exactly one: the header name. */
  readonly segments: readonly string[];
}

/** What the translator works on: the new message's headers and payload. */
export interface WorkingMessage {
  headers: Record<string, string>;
  payload: JsonValue;
}

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);
/** Deepest data the translator copies (the topology loader and the XML parser limit it lower). */
export const MAX_COPY_DEPTH = 100;

/** Compiles a path validated by the catalog's `fieldPathSchema`. */
export function compileFieldPath(text: string): FieldPath {
  if (text.startsWith('headers.'))
    return { text, root: 'headers', segments: [text.slice('headers.'.length)] };
  const segments = text === 'payload' ? [] : text.slice('payload.'.length).split('.');
  for (const s of segments)
    if (FORBIDDEN.has(s)) throw new TranslationError(`"${s}" is not allowed in a field path`);
  return { text, root: 'payload', segments };
}

type Container = Record<string, JsonValue> | JsonValue[];

const isContainer = (v: unknown): v is Container => v !== null && typeof v === 'object';

function childOf(container: Container, seg: string): JsonValue | undefined {
  if (Array.isArray(container)) {
    if (!/^\d+$/.test(seg)) return undefined;
    const i = Number(seg);
    return i < container.length ? container[i] : undefined;
  }
  return Object.hasOwn(container, seg) ? container[seg] : undefined;
}

/** Reads a field; undefined when any part of the path is missing. */
export function readField(w: WorkingMessage, p: FieldPath): JsonValue | undefined {
  if (p.root === 'headers')
    return Object.hasOwn(w.headers, p.segments[0]) ? w.headers[p.segments[0]] : undefined;
  let v: JsonValue | undefined = w.payload;
  for (const seg of p.segments) {
    if (!isContainer(v)) return undefined;
    v = childOf(v, seg);
  }
  return v;
}

/** A header value as text (objects as JSON); null and undefined remove the header. */
function headerText(value: JsonValue | undefined): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * Writes a field, creating objects on the way where parts are missing. `undefined` removes it.
 *
 * @throws TranslationError when a part of the path is a value that cannot hold fields.
 */
export function writeField(w: WorkingMessage, p: FieldPath, value: JsonValue | undefined): void {
  if (p.root === 'headers') {
    const text = headerText(value);
    const name = p.segments[0];
    if (text === undefined) {
      if (Object.hasOwn(w.headers, name)) delete w.headers[name];
    } else w.headers[name] = text;
    return;
  }
  if (p.segments.length === 0) {
    w.payload = value === undefined ? null : value;
    return;
  }
  if (value === undefined) {
    dropField(w, p);
    return;
  }
  if (w.payload === null) w.payload = {};
  if (!isContainer(w.payload))
    throw new TranslationError(`cannot set ${p.text}: the payload is not an object`);
  let container: Container = w.payload;
  const last = p.segments.length - 1;
  for (let i = 0; i < last; i++) {
    const seg = p.segments[i];
    let next = childOf(container, seg);
    if (next === undefined || next === null) {
      next = {};
      setChild(container, seg, next, p);
    } else if (!isContainer(next)) {
      throw new TranslationError(
        `cannot set ${p.text}: payload.${p.segments.slice(0, i + 1).join('.')} is a ${typeof next}`,
      );
    }
    container = next;
  }
  setChild(container, p.segments[last], value, p);
}

function setChild(container: Container, seg: string, value: JsonValue, p: FieldPath): void {
  if (Array.isArray(container)) {
    if (!/^\d+$/.test(seg) || Number(seg) > container.length) {
      throw new TranslationError(
        `cannot set ${p.text}: "${seg}" is not an index of the array (length ${container.length})`,
      );
    }
    container[Number(seg)] = value;
  } else container[seg] = value;
}

/** Removes a field (nothing happens when it is missing). Removing from an array closes the gap. */
export function dropField(w: WorkingMessage, p: FieldPath): void {
  if (p.root === 'headers') {
    writeField(w, p, undefined);
    return;
  }
  if (p.segments.length === 0) {
    w.payload = null;
    return;
  }
  let v: JsonValue | undefined = w.payload;
  for (let i = 0; i < p.segments.length - 1; i++) {
    if (!isContainer(v)) return;
    v = childOf(v, p.segments[i]);
  }
  if (!isContainer(v)) return;
  const seg = p.segments[p.segments.length - 1];
  if (Array.isArray(v)) {
    if (/^\d+$/.test(seg) && Number(seg) < v.length) v.splice(Number(seg), 1);
  } else if (Object.hasOwn(v, seg)) delete v[seg];
}

/**
 * A deep copy of JSON data. Refuses forbidden keys and data deeper than {@link MAX_COPY_DEPTH}; turns
 * values JSON cannot hold into JSON (non-finite numbers → null; undefined, functions, symbols → absent).
 *
 * @throws TranslationError on a forbidden key or too deep data.
 */
export function copyJson(value: unknown, depth = 0): JsonValue | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'object') return undefined;
  if (depth >= MAX_COPY_DEPTH) throw new TranslationError(`data nests deeper than ${MAX_COPY_DEPTH} levels`);
  if (Array.isArray(value)) {
    const out: JsonValue[] = new Array<JsonValue>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = copyJson(value[i], depth + 1) ?? null;
    return out;
  }
  const out: Record<string, JsonValue> = {};
  for (const key of Object.keys(value)) {
    if (FORBIDDEN.has(key)) throw new TranslationError(`the key "${key}" is not allowed`);
    const v = copyJson((value as Record<string, unknown>)[key], depth + 1);
    if (v !== undefined) out[key] = v;
  }
  return out;
}
