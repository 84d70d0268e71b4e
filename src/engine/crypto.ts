/**
 * Authenticated encryption of payloads for the encryptor and decryptor patterns: AES-256-GCM and AES-KW
 * (RFC 3394) from `@noble/ciphers` — synchronous, so the engine stays synchronous and deterministic.
 *
 * Keys. A {@link KeyRing} derives every key from the run seed, the ring name and the key id with the
 * NIST SP 800-108 KDF in counter mode (AES-CMAC as PRF). Nothing comes from `Math.random`, the topology file
 * names key ids only, and key bytes live in private fields of the ring: they are never returned, shown,
 * traced or serialized (`JSON.stringify(ring)` gives its name and the ids it has used). These are simulation
 * keys — a function of a 32-bit seed — not protection for real data.
 *
 * Nonces. 96 bits = the encrypting node's index (32 bits, unique within a run) ‖ that node's counter
 * (64 bits, incremented per encryption). Two encryptions in one run never share a nonce, whatever key they
 * use, so no key ever sees a nonce twice.
 *
 * Envelope encryption. In `envelope` mode the payload is encrypted under a data key, itself derived per
 * (node, data-key number), and the data key travels wrapped with AES-KW under the key-encryption key named
 * by `kid`. A data key may serve several messages (`dataKeyUses`), as with data-key caching.
 *
 * Associated data. The AAD binds the key id, the field path and the message fields named in `aad`, so a
 * ciphertext moved to another message, field or type, or re-labelled with another key id, fails to decrypt.
 *
 * An encrypted value is a binary value (see `binary.ts`):
 * `{ "$binary": <ciphertext‖tag>, "length", "cipher": "aes-256-gcm", "kid", "nonce", "aad": [...], "wrapped"? , "path"?, "inner"? }`.
 *
 * @example
 * const ring = new KeyRing(42);
 * const nonces = new NonceSequence(3);
 * const v = ring.seal(utf8('{"a":1}'), { kid: 'k1', nonce: nonces.next(), aad: ['type'], aadValues: ['Order'] }, null);
 * ring.open(v, ['Order']); // the bytes back, or throws DecryptError (values of the names in v.aad)
 */
import { aeskw, cmac, gcm } from '@noble/ciphers/aes.js';
import type { JsonValue } from '../model/message';
import { fromBase64, makeBinary, toBase64, utf8, type BinaryMeta, type BinaryValue } from './binary';

/** The cipher name written into encrypted values. */
export const CIPHER = 'aes-256-gcm';
/** AES-256 key bytes. */
export const KEY_BYTES = 32;
/** GCM nonce bytes (96 bits). */
export const NONCE_BYTES = 12;
/** GCM tag bytes. */
export const TAG_BYTES = 16;

/**
 * Simulated CPU cost of AES-256-GCM: µs per call, ns per byte, and µs per data key made or unwrapped (KDF +
 * AES-KW) — fitted by `bench/throughput.ts` in the same run as the codec constants in `codecs.ts` (seal of
 * 254 B and 40.6 kB payloads: 11.8 and 44.1 MB/s; data key 10.6 µs). `@noble/ciphers` is pure JS; native
 * AES-NI is one to two orders of magnitude faster: scale with the node's `cpuScale`.
 */
export const AES_GCM_COST = { perCallUs: 16, nsPerByte: 22, wrapUs: 11 } as const;

/** Virtual ms of CPU for AES-GCM over `bytes` bytes plus `wraps` key wraps/unwraps. */
export function cryptoCpuMs(bytes: number, wraps: number, cpuScale = 1): number {
  return ((AES_GCM_COST.perCallUs * 1000 + bytes * AES_GCM_COST.nsPerByte + wraps * AES_GCM_COST.wrapUs * 1000) / 1e6) * cpuScale;
}

/** Decryption failed: wrong key, tampered ciphertext or associated data, or a malformed value. */
export class DecryptError extends Error {}

// A fixed, public root: key material is a function of (seed, ring, key id) only.
const ROOT = new Uint8Array(KEY_BYTES).map((_, i) => (i * 0x9d + 0x3b) & 255);

function u32be(out: Uint8Array, at: number, v: number): void {
  out[at] = (v >>> 24) & 255;
  out[at + 1] = (v >>> 16) & 255;
  out[at + 2] = (v >>> 8) & 255;
  out[at + 3] = v & 255;
}

/** SP 800-108 counter-mode KDF with AES-CMAC: K(i) = CMAC(key, [i]₄ ‖ label ‖ 0x00 ‖ context ‖ [L]₄). */
function kdf(key: Uint8Array, label: string, context: Uint8Array, bytes = KEY_BYTES): Uint8Array {
  const lab = utf8(label);
  const out = new Uint8Array(bytes);
  const input = new Uint8Array(4 + lab.length + 1 + context.length + 4);
  input.set(lab, 4);
  input.set(context, 5 + lab.length);
  u32be(input, input.length - 4, bytes * 8);
  for (let i = 1, done = 0; done < bytes; i++, done += 16) {
    u32be(input, 0, i);
    const block = cmac(input, key);
    out.set(block.subarray(0, Math.min(16, bytes - done)), done);
  }
  return out;
}

/**
 * Unique 96-bit nonces of one encrypting node: its index ‖ a 64-bit counter.
 *
 * @example
 * const n = new NonceSequence(0); n.next(); // 00000000 00000000 00000001
 */
export class NonceSequence {
  private hi = 0;
  private lo = 0;
  constructor(private readonly node: number) {}

  /** Nonces handed out so far. */
  get count(): number {
    return this.hi * 4294967296 + this.lo;
  }

  /** The next nonce. */
  next(): Uint8Array {
    this.lo = (this.lo + 1) >>> 0;
    if (this.lo === 0) this.hi = (this.hi + 1) >>> 0;
    const n = new Uint8Array(NONCE_BYTES);
    u32be(n, 0, this.node);
    u32be(n, 4, this.hi);
    u32be(n, 8, this.lo);
    return n;
  }
}

/** How to seal: key id, nonce, AAD names and values, optional data key. */
export interface SealOptions {
  /** Id of the key-encryption key (direct mode: the encryption key). */
  kid: string;
  nonce: Uint8Array;
  /** Names of the bound message fields (written into the value, so the decryptor rebuilds the AAD). */
  aad: readonly string[];
  /** Their values for this message, in the same order. */
  aadValues: readonly string[];
  /** Envelope mode: the data key that encrypts, and its wrapping under `kid`. */
  dataKey?: { key: Uint8Array; wrapped: Uint8Array };
  /** Field-level encryption: the payload path of this value (bound into the AAD). */
  path?: string;
}

/** Keys of one run, derived from its seed; key bytes never leave this object. */
export class KeyRing {
  readonly #master: Uint8Array;
  readonly #keys = new Map<string, Uint8Array>();
  readonly #unwrapped = new Map<string, Uint8Array>();

  /** A ring for a run seed; two rings with the same seed and name hold the same keys. */
  constructor(
    seed: number,
    readonly name = 'default',
  ) {
    const ctx = new Uint8Array(4 + utf8(name).length);
    u32be(ctx, 0, seed >>> 0);
    ctx.set(utf8(name), 4);
    this.#master = kdf(ROOT, 'messaging-studio ring', ctx);
  }

  /** Key ids used so far (never the keys). */
  get keyIds(): string[] {
    return [...this.#keys.keys()];
  }

  /** What serializing a ring shows: its name and key ids, never key bytes. */
  toJSON(): { ring: string; keyIds: string[] } {
    return { ring: this.name, keyIds: this.keyIds };
  }

  #key(kid: string): Uint8Array {
    let k = this.#keys.get(kid);
    if (!k) {
      k = kdf(this.#master, 'key-encryption key', utf8(kid));
      this.#keys.set(kid, k);
    }
    return k;
  }

  /** A new data key (number `n` of node `node`), wrapped with AES-KW under `kid`. Returns only the wrapping. */
  newDataKey(kid: string, node: number, n: number): { key: Uint8Array; wrapped: Uint8Array } {
    const ctx = new Uint8Array(12);
    u32be(ctx, 0, node);
    u32be(ctx, 4, Math.floor(n / 4294967296));
    u32be(ctx, 8, n >>> 0);
    const key = kdf(this.#master, 'data key', ctx);
    return { key, wrapped: aeskw(this.#key(kid)).encrypt(key) };
  }

  /** Encrypts bytes into an encrypted binary value; `inner` is kept when the bytes were a binary value's. */
  seal(plain: Uint8Array, o: SealOptions, inner: BinaryMeta | null): BinaryValue {
    const key = o.dataKey ? o.dataKey.key : this.#key(o.kid);
    const sealed = gcm(key, o.nonce, aadBytes(o.kid, o.path ?? '', o.aad, o.aadValues)).encrypt(plain);
    const meta: Record<string, JsonValue> = { cipher: CIPHER, kid: o.kid, nonce: toBase64(o.nonce), aad: [...o.aad] };
    if (o.dataKey) meta.wrapped = toBase64(o.dataKey.wrapped);
    if (o.path !== undefined) meta.path = o.path;
    return makeBinary(sealed, meta, inner);
  }

  /**
   * Decrypts an encrypted value given the current values of its bound fields (the names it lists in `aad`,
   * in order); `unwraps` counts the AES-KW
   * unwraps it had to do (data keys seen before are cached).
   *
   * @throws DecryptError when the value is malformed, the key is wrong or anything was tampered with.
   */
  open(v: BinaryValue, aadValues: readonly string[], stats?: { unwraps: number }): Uint8Array {
    if (v.cipher !== CIPHER) throw new DecryptError(`unsupported cipher ${JSON.stringify(v.cipher ?? null)}`);
    if (typeof v.kid !== 'string' || typeof v.nonce !== 'string') throw new DecryptError('kid or nonce missing');
    const nonce = fromBase64(v.nonce);
    const sealed = fromBase64(v.$binary);
    if (!nonce || nonce.length !== NONCE_BYTES) throw new DecryptError('nonce is not 12 bytes of base64');
    if (!sealed || sealed.length !== v.length || sealed.length < TAG_BYTES) throw new DecryptError('ciphertext is not base64 of `length` bytes');
    let key: Uint8Array;
    if (typeof v.wrapped === 'string') {
      let k = this.#unwrapped.get(v.kid + '\u0000' + v.wrapped);
      if (!k) {
        const wrapped = fromBase64(v.wrapped);
        if (!wrapped) throw new DecryptError('wrapped data key is not base64');
        try {
          k = aeskw(this.#key(v.kid)).decrypt(wrapped);
        } catch {
          throw new DecryptError(`the data key does not unwrap under key "${v.kid}" (wrong key or tampered)`);
        }
        if (stats) stats.unwraps++;
        if (this.#unwrapped.size >= 4096) this.#unwrapped.clear();
        this.#unwrapped.set(v.kid + '\u0000' + v.wrapped, k);
      }
      key = k;
    } else key = this.#key(v.kid);
    const path = typeof v.path === 'string' ? v.path : '';
    const names = aadNames(v);
    if (names === null || names.length !== aadValues.length) throw new DecryptError('aad must list the bound field names');
    try {
      return gcm(key, nonce, aadBytes(v.kid, path, names, aadValues)).decrypt(sealed);
    } catch {
      throw new DecryptError('authentication failed: tampered ciphertext or associated data, or the wrong key');
    }
  }
}

/** The associated data: UTF-8 JSON of [kid, path, bound names, bound values]. */
function aadBytes(kid: string, path: string, names: readonly string[], values: readonly string[]): Uint8Array {
  return utf8(JSON.stringify([kid, path, names, values]));
}

/** The bound field names an encrypted value lists, or null when `aad` is not a list of strings. */
export function aadNames(v: BinaryValue): string[] | null {
  const a = v.aad;
  if (a === undefined) return [];
  if (!Array.isArray(a) || !a.every((x) => typeof x === 'string')) return null;
  return a as string[];
}

/** Whether a JSON value is an encrypted binary value. */
export function isEncrypted(v: JsonValue | undefined): v is BinaryValue {
  return (
    v !== null &&
    typeof v === 'object' &&
    !Array.isArray(v) &&
    typeof v.$binary === 'string' &&
    typeof v.length === 'number' &&
    v.cipher === CIPHER
  );
}
