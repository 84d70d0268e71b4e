/**
 * Binary values inside JSON payloads. A message payload is a `JsonValue`, so bytes that patterns make
 * (compressed or encrypted payloads, encrypted fields) travel as a JSON object whose `$binary` field holds
 * the bytes as standard base64 text and whose `length` is their real byte count:
 *
 * ```json
 * { "$binary": "H4sIAAAAAAAA…", "length": 212, "codec": "gzip", "contentLength": 940 }
 * { "$binary": "q83v…", "length": 156, "cipher": "aes-256-gcm", "kid": "orders-v1", "nonce": "AAAAAwAAAAAAAAAB" }
 * ```
 *
 * The other fields are metadata of whoever made the bytes (see `codecs.ts` and `crypto.ts`). When the
 * bytes are themselves the bytes of another binary value (a compressed payload that was then encrypted),
 * `inner` holds that value's metadata (everything but `$binary`), so unwrapping gives it back exactly.
 * Without `inner`, the bytes are the UTF-8 JSON text of the original value.
 *
 * Wire size: a binary value counts its raw bytes (`length`), not its base64 text, plus its metadata as
 * JSON — see {@link jsonBytes}. The trace shows the base64 text, so ciphertext appears as ciphertext.
 *
 * @example
 * const { bytes, inner } = toBytes({ a: 1 });   // bytes of '{"a":1}', inner null
 * fromBytes(bytes, inner);                      // { a: 1 }
 */
import { strFromU8, strToU8 } from 'fflate';
import type { JsonValue } from '../model/message';

/** A binary value in a payload: base64 bytes, their byte count, and free metadata. */
export type BinaryValue = { $binary: string; length: number; [meta: string]: JsonValue };

/** Metadata of a binary value: all its fields but `$binary`. */
export type BinaryMeta = { length: number; [meta: string]: JsonValue };

/** Whether a JSON value is a binary value. */
export function isBinary(v: JsonValue | undefined): v is BinaryValue {
  return (
    v !== null &&
    typeof v === 'object' &&
    !Array.isArray(v) &&
    typeof (v as Record<string, JsonValue>).$binary === 'string' &&
    typeof (v as Record<string, JsonValue>).length === 'number'
  );
}

// ------------------------------------------------------------------------------------------- base64

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DECODE = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;

/** Standard base64 (RFC 4648, with padding) of bytes. */
export function toBase64(bytes: Uint8Array): string {
  const n = bytes.length;
  const parts: string[] = [];
  let chunk = '';
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    chunk += ALPHABET[v >> 18] + ALPHABET[(v >> 12) & 63] + ALPHABET[(v >> 6) & 63] + ALPHABET[v & 63];
    if (chunk.length >= 8192) {
      parts.push(chunk);
      chunk = '';
    }
  }
  if (i < n) {
    const rest = n - i;
    const v = (bytes[i] << 16) | (rest === 2 ? bytes[i + 1] << 8 : 0);
    chunk += ALPHABET[v >> 18] + ALPHABET[(v >> 12) & 63] + (rest === 2 ? ALPHABET[(v >> 6) & 63] : '=') + '=';
  }
  parts.push(chunk);
  return parts.join('');
}

/** Bytes of standard base64 text; null when the text is not valid base64. */
export function fromBase64(text: string): Uint8Array | null {
  const len = text.length;
  if (len % 4 !== 0) return null;
  let pad = 0;
  if (len > 0 && text.charCodeAt(len - 1) === 61) pad++;
  if (len > 1 && text.charCodeAt(len - 2) === 61) pad++;
  const out = new Uint8Array((len / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < len; i += 4) {
    let v = 0;
    for (let k = 0; k < 4; k++) {
      const c = text.charCodeAt(i + k);
      let d: number;
      if (c === 61 && i + k >= len - pad) d = 0;
      else if (c >= 128 || (d = DECODE[c]) < 0) return null;
      v = (v << 6) | d;
    }
    if (o < out.length) out[o++] = v >> 16;
    if (o < out.length) out[o++] = (v >> 8) & 255;
    if (o < out.length) out[o++] = v & 255;
  }
  return out;
}

// ------------------------------------------------------------------------------------ wrap / unwrap

/** UTF-8 bytes of a string. */
export const utf8 = (s: string): Uint8Array => strToU8(s);

/** The string of UTF-8 bytes. */
export const fromUtf8 = (b: Uint8Array): string => strFromU8(b);

/**
 * The bytes a pattern works on for a value: a binary value's own bytes (with its metadata as `inner`), or
 * the UTF-8 JSON text of any other value (`inner` null). Returns null when a binary value's base64 is bad.
 */
export function toBytes(value: JsonValue): { bytes: Uint8Array; inner: BinaryMeta | null } | null {
  if (isBinary(value)) {
    const bytes = fromBase64(value.$binary);
    if (bytes === null || bytes.length !== value.length) return null;
    const inner: BinaryMeta = { length: value.length };
    for (const k of Object.keys(value)) if (k !== '$binary') inner[k] = value[k];
    return { bytes, inner };
  }
  return { bytes: utf8(JSON.stringify(value)), inner: null };
}

/**
 * The value that {@link toBytes} took apart: a binary value rebuilt from its metadata, or JSON parsed from
 * the text.
 *
 * @throws SyntaxError when the bytes are not JSON text (corrupt input).
 */
export function fromBytes(bytes: Uint8Array, inner: BinaryMeta | null): JsonValue {
  if (inner !== null) return { ...inner, $binary: toBase64(bytes), length: bytes.length };
  return JSON.parse(fromUtf8(bytes)) as JsonValue;
}

/** A binary value of bytes with metadata (the metadata's own `$binary`/`length` are overwritten). */
export function makeBinary(bytes: Uint8Array, meta: Record<string, JsonValue>, inner: BinaryMeta | null): BinaryValue {
  const v: BinaryValue = { $binary: toBase64(bytes), length: bytes.length };
  for (const k of Object.keys(meta)) if (k !== '$binary' && k !== 'length') v[k] = meta[k];
  if (inner !== null) v.inner = inner;
  return v;
}

// ------------------------------------------------------------------------------------------- size

const sizes = new WeakMap<object, number>();

/**
 * Bytes of a value as UTF-8 JSON, except that each binary value's `$binary` text counts as its raw bytes
 * (`length`) — what a binary wire format would carry. The size of an object or array payload is cached per
 * object (payloads are immutable), so sizing one payload on every hop costs one lookup.
 */
export function jsonBytes(value: JsonValue): number {
  if (value === null || typeof value !== 'object') return valueBytes(value);
  const cached = sizes.get(value);
  if (cached !== undefined) return cached;
  const n = valueBytes(value);
  sizes.set(value, n);
  return n;
}

function valueBytes(value: JsonValue): number {
  if (value === null) return 4;
  switch (typeof value) {
    case 'boolean':
      return value ? 4 : 5;
    case 'number':
      return numberBytes(value);
    case 'string':
      return stringBytes(value);
    default: {
      if (Array.isArray(value)) {
        let n = 2 + Math.max(0, value.length - 1);
        for (const item of value) n += item === undefined ? 4 : valueBytes(item);
        return n;
      }
      const bin = isBinary(value);
      let n = 2;
      let fields = 0;
      for (const k in value) {
        if (!Object.prototype.hasOwnProperty.call(value, k)) continue;
        const v = value[k];
        if (v === undefined) continue; // JSON.stringify leaves it out
        fields++;
        n += stringBytes(k) + 1 + (bin && k === '$binary' ? (value as BinaryValue).length : valueBytes(v));
      }
      return n + Math.max(0, fields - 1);
    }
  }
}

/** Bytes of a string in UTF-8 (a lone surrogate counts 3, as its replacement character). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** Characters of a number in JSON (whole numbers counted without making a string). */
function numberBytes(v: number): number {
  if (!Number.isFinite(v)) return 4; // null
  if (Number.isInteger(v) && Math.abs(v) < 1e15) {
    let n = v < 0 ? 2 : 1; // -0 is written 0
    for (let a = Math.abs(v); a >= 10; a = Math.floor(a / 10)) n++;
    return n;
  }
  return String(v).length;
}

// characters that are not one byte as they are in JSON text: quote, backslash, controls, non-ASCII
// eslint-disable-next-line no-control-regex -- control characters are exactly what must be found
const NOT_PLAIN = /[\u0000-\u001f"\\\u0080-\uffff]/;

/** Bytes of a string as UTF-8 JSON text, quotes and escapes included (as `JSON.stringify` writes it). */
export function stringBytes(s: string): number {
  if (!NOT_PLAIN.test(s)) return s.length + 2;
  let n = 2;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) {
      if (c === 34 || c === 92 || c === 8 || c === 9 || c === 10 || c === 12 || c === 13) n += 2;
      else if (c < 0x20) n += 6;
      else n += 1;
    } else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      const d = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 6; // lone surrogate: JSON.stringify escapes it as \uXXXX
    } else if (c >= 0xdc00 && c <= 0xdfff) n += 6;
    else n += 3;
  }
  return n;
}
