/**
 * Share links: the whole topology, deflated with fflate and base64url-encoded, in the URL fragment
 * (`#t=…`). The fragment never reaches a server. Opening a link is untrusted input like any file: the
 * fragment length and the decompressed size are capped (decompression stops as soon as the output passes
 * the cap, so a "zip bomb" is refused quickly), and the text then goes through `validateTopologyText`.
 *
 * @example
 * const r = encodeShareFragment(topology); // { ok: true, fragment: 't=…' }
 * location.hash = r.fragment;
 * decodeShareFragment(location.hash)       // { ok: true, topology }
 */
import { deflateSync, Inflate } from 'fflate';
import type { ValidationError } from '../model/errors';
import { LIMITS, serializeTopology, validateTopologyText, type Topology, type ValidationResult } from '../model/topology';

/** Caps on share links. */
export const SHARE_LIMITS: { maxFragmentChars: number; maxBytes: number } = {
  /** Characters of the encoded fragment (browsers and chat apps cope with this much). */
  maxFragmentChars: 64_000,
  /** Bytes of decompressed text: the same cap as a file. */
  maxBytes: LIMITS.maxBytes,
};

/** The fragment key: `#t=<data>`. */
export const SHARE_KEY = 't';

const E150 = (message: string): ValidationError => ({ code: 'E150', message, path: '' });

/** Bytes → base64url without padding. */
export function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** base64url (padding optional) → bytes, or null when the text is not base64url. */
export function fromBase64Url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null;
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((text.length + 3) % 4);
  let binary: string;
  try {
    binary = atob(b64);
  } catch {
    return null;
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The result of making a share link. */
export type EncodeResult = { ok: true; fragment: string } | { ok: false; error: ValidationError };

/** Encodes a topology as a fragment (`t=…`, without `#`), or says why it is too large for a link. */
export function encodeShareFragment(topology: Topology, limits = SHARE_LIMITS): EncodeResult {
  const bytes = new TextEncoder().encode(serializeTopology(topology));
  const fragment = `${SHARE_KEY}=${toBase64Url(deflateSync(bytes, { level: 9 }))}`;
  if (fragment.length > limits.maxFragmentChars) {
    return {
      ok: false,
      error: E150(
        `the topology is too large for a share link (${fragment.length.toLocaleString('en')} characters; the limit is ${limits.maxFragmentChars.toLocaleString('en')}). Export it as a file instead.`,
      ),
    };
  }
  return { ok: true, fragment };
}

/** The encoded data of a `#t=…` fragment, or null when the fragment is not a share link. */
export function shareData(hash: string): string | null {
  const h = hash.startsWith('#') ? hash.slice(1) : hash;
  for (const part of h.split('&')) {
    if (part.startsWith(SHARE_KEY + '=')) return part.slice(SHARE_KEY.length + 1);
  }
  return null;
}

class TooLarge extends Error {}

/** Inflates raw deflate data, stopping as soon as the output passes `maxBytes`. */
export function inflateCapped(data: Uint8Array, maxBytes: number): Uint8Array {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const inflater = new Inflate((chunk) => {
    total += chunk.length;
    if (total > maxBytes) throw new TooLarge();
    chunks.push(chunk);
  });
  // Push the input in small slices so that the cap is checked often: one slice of a bomb inflates to
  // at most ~1000× its size.
  const SLICE = 1024;
  if (data.length === 0) inflater.push(data, true);
  for (let i = 0; i < data.length; i += SLICE) inflater.push(data.subarray(i, i + SLICE), i + SLICE >= data.length);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

/**
 * Decodes a `#t=…` fragment into a validated topology. Transport problems (too long, not base64url, not
 * deflate data, too large once inflated, not UTF-8) are E150; problems with the topology itself carry the
 * usual codes.
 */
export function decodeShareFragment(hash: string, limits = SHARE_LIMITS): ValidationResult {
  const data = shareData(hash);
  if (data === null) return { ok: false, errors: [E150('the link has no topology in it (expected #t=…)')] };
  if (data.length > limits.maxFragmentChars) {
    return {
      ok: false,
      errors: [
        E150(
          `the link is too long (${data.length.toLocaleString('en')} characters; the limit is ${limits.maxFragmentChars.toLocaleString('en')})`,
        ),
      ],
    };
  }
  const bytes = fromBase64Url(data);
  if (!bytes || bytes.length === 0) return { ok: false, errors: [E150('the link is corrupted (not base64url data)')] };
  let inflated: Uint8Array;
  try {
    inflated = inflateCapped(bytes, limits.maxBytes);
  } catch (err) {
    if (err instanceof TooLarge) {
      return {
        ok: false,
        errors: [E150(`the link decompresses to more than ${limits.maxBytes / 1048576} MB; refused`)],
      };
    }
    return { ok: false, errors: [E150('the link is corrupted (the compressed data is damaged or cut short)')] };
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(inflated);
  } catch {
    return { ok: false, errors: [E150('the link is corrupted (the data is not UTF-8 text)')] };
  }
  return validateTopologyText(text);
}
