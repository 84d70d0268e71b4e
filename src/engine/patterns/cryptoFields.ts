/**
 * Message fields for the encryptor and decryptor: values of the fields bound into the associated data,
 * and reading and replacing payload values by dot path (copying only along the path: payloads are
 * immutable once sent).
 *
 * @example
 * setPath({ card: { no: '4111' }, n: 1 }, 'card.no', 'x'); // { card: { no: 'x' }, n: 1 }, a new object
 */
import type { JsonValue, Message } from '../../model/message';

/** The value of a bound field (`type`, `kind`, `correlationId`, `header:<name>`) of a message. */
export function aadValue(m: Pick<Message, 'type' | 'kind' | 'correlationId' | 'headers'>, name: string): string {
  if (name === 'type') return m.type;
  if (name === 'kind') return m.kind;
  if (name === 'correlationId') return m.correlationId;
  if (name.startsWith('header:')) return m.headers[name.slice(7)] ?? '';
  return '';
}

const own = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

/** The value at a dot path (array indices as numbers), or undefined. */
export function getPath(root: JsonValue, path: string): JsonValue | undefined {
  let v: JsonValue | undefined = root;
  for (const k of path.split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    if (Array.isArray(v)) {
      const i = Number(k);
      if (!Number.isInteger(i) || i < 0 || i >= v.length) return undefined;
      v = v[i];
    } else {
      if (!own(v, k)) return undefined;
      v = v[k];
    }
  }
  return v;
}

/** A copy of `root` with the value at `path` replaced (the path must exist: see {@link getPath}). */
export function setPath(root: JsonValue, path: string, value: JsonValue): JsonValue {
  const keys = path.split('.');
  const go = (v: JsonValue, i: number): JsonValue => {
    if (i === keys.length) return value;
    const k = keys[i];
    if (Array.isArray(v)) {
      const copy = v.slice();
      copy[Number(k)] = go(v[Number(k)], i + 1);
      return copy;
    }
    const obj = v as { [key: string]: JsonValue };
    const copy: { [key: string]: JsonValue } = { ...obj };
    copy[k] = go(obj[k], i + 1);
    return copy;
  };
  return go(root, 0);
}
