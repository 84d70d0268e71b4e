/**
 * Compression codecs on real payload bytes — gzip and raw deflate (`fflate`), Snappy raw format
 * (`snappyjs`), LZ4 frames (`lz4js`); all pure JavaScript without eval — and the CPU cost model that the
 * compressor and decompressor charge as simulated service time.
 *
 * A compressed payload is a binary value (see `binary.ts`):
 * `{ "$binary": "<base64>", "length": <compressed bytes>, "codec": "gzip", "contentLength": <bytes in> }`,
 * plus `inner` when the bytes compressed were another binary value's (an encrypted payload).
 *
 * Cost model: compressing n bytes takes `compressPerCallUs/1000 + n·compressNsPerByte/10⁶` virtual ms
 * (decompressing likewise with the decompression constants), times the node's `cpuScale`. The constants are measured by
 * `bench/throughput.ts` on the example payloads (see the comment on {@link CODEC_COSTS}).
 *
 * @example
 * const r = compressPayload({ order: 1, sku: 'A-1' }, 'gzip', 6);
 * r.value.codec;               // 'gzip'
 * decompressPayload(r.value);  // { order: 1, sku: 'A-1' }
 */
import { deflateSync, gunzipSync, gzipSync, inflateSync } from 'fflate';
import * as lz4 from 'lz4js';
import * as snappy from 'snappyjs';
import type { JsonValue } from '../model/message';
import { fromBase64, fromBytes, isBinary, makeBinary, toBytes, type BinaryValue } from './binary';

/** Codec names as written in node configs. */
export const CODEC_NAMES = ['gzip', 'deflate', 'snappy', 'lz4'] as const;

/** A codec name. */
export type CodecName = (typeof CODEC_NAMES)[number];

/** Compression level of gzip/deflate (0 = store … 9 = smallest); the other codecs have one level. */
export type Level = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;

/** Decompressed sizes above this are refused (a corrupt or hostile length field must not allocate GBs). */
export const MAX_CONTENT_BYTES = 64 * 1024 * 1024;

/** A payload that cannot be decompressed (corrupt bytes, wrong codec, wrong length). */
export class CodecError extends Error {}

/** Compresses bytes with a codec. */
export function compressBytes(codec: CodecName, data: Uint8Array, level: Level = 6): Uint8Array {
  switch (codec) {
    case 'gzip':
      // mtime 0: no wall-clock time in the header, so the output is a pure function of the input
      return gzipSync(data, { level, mtime: 0 });
    case 'deflate':
      return deflateSync(data, { level });
    case 'snappy':
      return snappy.compress(data);
    case 'lz4':
      return lz4.compress(data);
  }
}

/**
 * Decompresses bytes that must expand to exactly `contentLength` bytes.
 *
 * @throws CodecError when the bytes are corrupt or do not expand to `contentLength` bytes.
 */
export function decompressBytes(codec: CodecName, data: Uint8Array, contentLength: number): Uint8Array {
  if (!Number.isInteger(contentLength) || contentLength < 0 || contentLength > MAX_CONTENT_BYTES) {
    throw new CodecError(`content length ${contentLength} is not a whole number of bytes up to ${MAX_CONTENT_BYTES}`);
  }
  let out: Uint8Array;
  try {
    // one byte of room more than expected: output that fills it was longer than the header said
    switch (codec) {
      case 'gzip':
        out = gunzipSync(data, { out: new Uint8Array(contentLength + 1) });
        break;
      case 'deflate':
        out = inflateSync(data, { out: new Uint8Array(contentLength + 1) });
        break;
      case 'snappy':
        out = snappy.uncompress(data, contentLength);
        break;
      case 'lz4':
        out = lz4.decompress(data, contentLength + 1);
        break;
      default:
        throw new CodecError(`unknown codec "${String(codec)}"`);
    }
  } catch (err) {
    if (err instanceof CodecError) throw err;
    throw new CodecError(`${codec}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (out.length !== contentLength) throw new CodecError(`${codec}: expanded to ${out.length} bytes, expected ${contentLength}`);
  return out;
}

/** Simulated CPU cost of a codec. */
export interface CodecCost {
  /** Fixed cost per compression call (µs): setup, headers, hash tables. */
  compressPerCallUs: number;
  /** Compression cost per input byte (ns). For gzip/deflate: at level 6 (see {@link DEFLATE_LEVEL_FACTOR}). */
  compressNsPerByte: number;
  /** Fixed cost per decompression call (µs). */
  decompressPerCallUs: number;
  /** Decompression cost per output byte (ns). */
  decompressNsPerByte: number;
}

/**
 * Cost constants per codec, fitted by `bench/throughput.ts` (`npm run bench -- throughput`; run of
 * 2026-11-27 on the shared 2-core dev container, Node 20.20): each codec timed on the trade-offs example's
 * orders one by one (254 B) and in batches of 100 as the batcher writes them (40.6 kB), and
 * cost = per call + bytes × per byte fitted through the two medians. These are the costs of the pure-JS
 * libraries the studio runs (lz4js clears a 256 kB hash table on every call, hence its large per-call cost);
 * raw deflate is given gzip's figures (gzip is deflate plus a CRC and a header; the deflate fit was within
 * the machine's noise of it). Use the node's `cpuScale` to model a faster or slower CPU. Re-run the
 * benchmark and update these when the codecs change.
 */
export const CODEC_COSTS: Readonly<Record<CodecName, CodecCost>> = {
  gzip: { compressPerCallUs: 30, compressNsPerByte: 21, decompressPerCallUs: 6.5, decompressNsPerByte: 3 },
  deflate: { compressPerCallUs: 30, compressNsPerByte: 21, decompressPerCallUs: 6.5, decompressNsPerByte: 3 },
  snappy: { compressPerCallUs: 2, compressNsPerByte: 4.3, decompressPerCallUs: 1, decompressNsPerByte: 2.5 },
  lz4: { compressPerCallUs: 80, compressNsPerByte: 4, decompressPerCallUs: 0.3, decompressNsPerByte: 2.2 },
};

/**
 * gzip/deflate compression cost per byte relative to level 6, by level. Levels 1, 6 and 9 are fitted by the
 * same benchmark run as {@link CODEC_COSTS} (gzip: 10.3, 20.8 and 31.5 ns/B); the others are interpolated,
 * and level 0 (stored, no compression) is assumed to cost a tenth.
 */
export const DEFLATE_LEVEL_FACTOR: readonly number[] = [0.1, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.17, 1.33, 1.5];

/** Virtual ms of CPU that compressing (or decompressing) `bytes` uncompressed bytes costs. */
export function codecCpuMs(codec: CodecName, op: 'compress' | 'decompress', bytes: number, level: Level = 6, cpuScale = 1): number {
  const c = CODEC_COSTS[codec];
  if (op === 'decompress') return ((c.decompressPerCallUs * 1000 + bytes * c.decompressNsPerByte) / 1e6) * cpuScale;
  const factor = codec === 'gzip' || codec === 'deflate' ? (DEFLATE_LEVEL_FACTOR[level] ?? 1) : 1;
  return ((c.compressPerCallUs * 1000 + bytes * c.compressNsPerByte * factor) / 1e6) * cpuScale;
}

/** What compressing a payload gave. */
export interface Compressed {
  value: BinaryValue;
  /** Uncompressed bytes. */
  inBytes: number;
  /** Compressed bytes. */
  outBytes: number;
}

/**
 * Compresses a payload: its UTF-8 JSON text, or the bytes of a binary payload (kept as `inner`).
 * Returns null for a binary payload whose base64 is corrupt.
 */
export function compressPayload(payload: JsonValue, codec: CodecName, level: Level = 6): Compressed | null {
  const src = toBytes(payload);
  if (src === null) return null;
  const out = compressBytes(codec, src.bytes, level);
  const meta: Record<string, JsonValue> = { codec, contentLength: src.bytes.length };
  if (codec === 'gzip' || codec === 'deflate') meta.level = level;
  return { value: makeBinary(out, meta, src.inner), inBytes: src.bytes.length, outBytes: out.length };
}

/** Whether a payload is a compressed binary value (has a known `codec`). */
export function isCompressed(v: JsonValue): v is BinaryValue {
  return isBinary(v) && typeof v.codec === 'string' && (CODEC_NAMES as readonly string[]).includes(v.codec);
}

/**
 * The payload a compressed binary value was made from.
 *
 * @throws CodecError when the value is not a valid compressed payload.
 */
export function decompressPayload(value: BinaryValue): JsonValue {
  const codec = value.codec;
  if (typeof codec !== 'string' || !(CODEC_NAMES as readonly string[]).includes(codec)) {
    throw new CodecError(`unknown codec ${JSON.stringify(codec ?? null)}`);
  }
  const contentLength = value.contentLength;
  if (typeof contentLength !== 'number') throw new CodecError('contentLength is missing');
  const bytes = fromBase64(value.$binary);
  if (bytes === null || bytes.length !== value.length) throw new CodecError('$binary is not base64 of `length` bytes');
  const raw = decompressBytes(codec as CodecName, bytes, contentLength);
  const inner = value.inner;
  if (inner !== undefined && !(inner !== null && typeof inner === 'object' && !Array.isArray(inner) && typeof inner.length === 'number')) {
    throw new CodecError('inner must be binary metadata');
  }
  try {
    return fromBytes(raw, (inner as { length: number; [k: string]: JsonValue } | undefined) ?? null);
  } catch (err) {
    throw new CodecError(`the decompressed bytes are not JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
}
