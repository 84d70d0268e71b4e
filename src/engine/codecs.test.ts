import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../model/message';
import { fromBase64, isBinary, jsonBytes, stringBytes, toBase64, toBytes, fromBytes, utf8, utf8Length } from './binary';
import {
  CODEC_NAMES,
  CodecError,
  codecCpuMs,
  compressBytes,
  compressPayload,
  decompressBytes,
  decompressPayload,
  isCompressed,
  type CodecName,
} from './codecs';
import { Rng } from './rng';

/** A structured payload like the examples' orders. */
function order(i: number, rng: Rng): JsonValue {
  return {
    orderId: `ord-${i}`,
    customer: { id: `c-${rng.int(1, 500)}`, tier: ['gold', 'silver', 'bronze'][rng.int(0, 2)], country: 'DE' },
    lines: Array.from({ length: rng.int(1, 4) }, (_, k) => ({ sku: `SKU-${rng.int(100, 120)}`, qty: rng.int(1, 9), line: k })),
    status: 'created',
    currency: 'EUR',
    total: rng.int(100, 99_999) / 100,
  };
}

const plain = (v: JsonValue) => JSON.parse(JSON.stringify(v)) as JsonValue;

describe('binary values', () => {
  it('base64 matches Node for random bytes and decodes back', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const b64 = toBase64(bytes);
        expect(b64).toBe(Buffer.from(bytes).toString('base64'));
        expect(fromBase64(b64)).toEqual(bytes);
      }),
    );
  });

  it('refuses text that is not base64', () => {
    expect(fromBase64('abc')).toBeNull();
    expect(fromBase64('ab!d')).toBeNull();
    expect(fromBase64('éééé')).toBeNull();
  });

  it('sizes JSON exactly as JSON.stringify writes it, in UTF-8', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const text = JSON.stringify(v);
        expect(jsonBytes(v as JsonValue)).toBe(Buffer.byteLength(text, 'utf8'));
      }),
      { numRuns: 300 },
    );
    for (const n of [0, -0, 5, -5, 9, 10, 99, 100, -100, 1e14, 999_999_999_999_999, -1e15, 1.5, -0.25, 1e21, 2 ** 53, NaN, Infinity]) {
      expect(jsonBytes(n), String(n)).toBe(JSON.stringify(n).length);
    }
    for (const s of ['\u0000', '\ud800', 'a\udc00b', '😀', '"\\\n\t', 'é€']) {
      expect(stringBytes(s)).toBe(Buffer.byteLength(JSON.stringify(s), 'utf8'));
    }
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        expect(utf8Length(s)).toBe(Buffer.byteLength(s, 'utf8'));
      }),
    );
  });

  it('counts a binary value by its raw bytes, not its base64 text', () => {
    const bytes = new Uint8Array(300).map((_, i) => i & 255);
    const v = { $binary: toBase64(bytes), length: 300, codec: 'gzip' };
    const base64Size = Buffer.byteLength(JSON.stringify(v));
    // the quoted base64 string is replaced by its 300 raw bytes
    expect(jsonBytes(v)).toBe(base64Size - (toBase64(bytes).length + 2) + 300);
    expect(jsonBytes(v)).toBeLessThan(base64Size);
  });

  it('unwraps what it wrapped: JSON values and nested binary values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const { bytes, inner } = toBytes(v as JsonValue)!;
        expect(inner).toBeNull();
        expect(fromBytes(bytes, inner)).toEqual(plain(v as JsonValue));
      }),
      { numRuns: 200 },
    );
    const bin = { $binary: toBase64(utf8('xyz')), length: 3, codec: 'lz4', contentLength: 9 };
    const r = toBytes(bin)!;
    expect(r.inner).toEqual({ length: 3, codec: 'lz4', contentLength: 9 });
    expect(fromBytes(r.bytes, r.inner)).toEqual(bin);
  });
});

describe('codecs', () => {
  const rng = Rng.forStream(1, 'codec-test');
  const orders = Array.from({ length: 100 }, (_, i) => order(i, rng));

  it.each(CODEC_NAMES)('%s round-trips random bytes losslessly', (codec) => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000 }), (bytes) => {
        const c = compressBytes(codec, bytes);
        expect(decompressBytes(codec, c, bytes.length)).toEqual(bytes);
      }),
      { numRuns: 150 },
    );
  });

  it.each(CODEC_NAMES)('%s round-trips random JSON payloads losslessly', (codec) => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const r = compressPayload(v as JsonValue, codec)!;
        expect(isCompressed(r.value)).toBe(true);
        expect(r.value.length).toBe(r.outBytes);
        expect(decompressPayload(r.value)).toEqual(plain(v as JsonValue));
      }),
      { numRuns: 150 },
    );
  });

  it('compresses a batch of structured orders well, a single order a little, random bytes not at all', () => {
    const ratios: Record<string, { one: number; batch: number; random: number }> = {};
    const noise = new Uint8Array(20_000);
    const nrng = Rng.forStream(2, 'noise');
    for (let i = 0; i < noise.length; i++) noise[i] = nrng.nextUint32() & 255;
    for (const codec of CODEC_NAMES) {
      const one = compressPayload(orders[0], codec)!;
      const batch = compressPayload(orders, codec)!;
      ratios[codec] = {
        one: one.inBytes / one.outBytes,
        batch: batch.inBytes / batch.outBytes,
        random: noise.length / compressBytes(codec, noise).length,
      };
      expect(decompressPayload(batch.value)).toEqual(orders);
      // repetitive JSON: keys and values repeat across the 100 orders
      expect(ratios[codec].batch).toBeGreaterThan(2.5);
      expect(ratios[codec].batch).toBeGreaterThan(ratios[codec].one);
      // incompressible input may grow by a frame/header only
      expect(ratios[codec].random).toBeLessThan(1.01);
      expect(ratios[codec].random).toBeGreaterThan(0.98);
    }
    // entropy coding (deflate) beats pure LZ77 byte-oriented codecs on text
    expect(ratios.gzip.batch).toBeGreaterThan(ratios.snappy.batch);
    expect(ratios.gzip.batch).toBeGreaterThan(ratios.lz4.batch);
    // higher deflate levels are never worse on this input
    const l1 = compressPayload(orders, 'deflate', 1)!.outBytes;
    const l9 = compressPayload(orders, 'deflate', 9)!.outBytes;
    expect(l9).toBeLessThanOrEqual(l1);
  });

  it('keeps a compressed payload a binary value in JSON, and gzip output deterministic (no mtime)', () => {
    const a = compressPayload(orders[1], 'gzip')!;
    const b = compressPayload(orders[1], 'gzip')!;
    expect(a.value.$binary).toBe(b.value.$binary);
    expect(isBinary(JSON.parse(JSON.stringify(a.value)) as JsonValue)).toBe(true);
    expect(a.value).toMatchObject({ codec: 'gzip', contentLength: a.inBytes, level: 6 });
  });

  it('compresses an encrypted (binary) payload by its bytes and gives back the same binary value', () => {
    const inner = { $binary: toBase64(utf8('{"secret":"x"}'.repeat(20))), length: 280, cipher: 'aes-256-gcm', kid: 'k1' };
    const r = compressPayload(inner, 'lz4')!;
    expect(r.inBytes).toBe(280);
    expect(r.value.inner).toEqual({ length: 280, cipher: 'aes-256-gcm', kid: 'k1' });
    expect(decompressPayload(r.value)).toEqual(inner);
  });

  it('refuses corrupt input with a CodecError', () => {
    for (const codec of CODEC_NAMES as readonly CodecName[]) {
      const r = compressPayload(orders, codec)!;
      const bad = { ...r.value, contentLength: (r.value.contentLength as number) - 1 };
      expect(() => decompressPayload(bad), codec).toThrow(CodecError);
      const longer = { ...r.value, contentLength: (r.value.contentLength as number) + 5 };
      expect(() => decompressPayload(longer), codec).toThrow(CodecError);
    }
    const gz = compressPayload(orders, 'gzip')!.value;
    const bytes = fromBase64(gz.$binary)!;
    bytes[0] ^= 0xff; // the gzip magic number
    expect(() => decompressPayload({ ...gz, $binary: toBase64(bytes) })).toThrow(CodecError);
    expect(() => decompressPayload({ $binary: 'AAAA', length: 3, codec: 'zstd', contentLength: 3 })).toThrow(/unknown codec/);
    expect(() => decompressPayload({ $binary: 'AAAA', length: 3, codec: 'gzip', contentLength: 1e12 })).toThrow(CodecError);
  });

  it('charges CPU time by codec, level and bytes', () => {
    expect(codecCpuMs('gzip', 'compress', 2_000_000)).toBeGreaterThan(codecCpuMs('gzip', 'compress', 1_000_000));
    expect(codecCpuMs('gzip', 'compress', 1_000_000, 9)).toBeGreaterThan(codecCpuMs('gzip', 'compress', 1_000_000, 1));
    expect(codecCpuMs('gzip', 'compress', 1_000_000)).toBeGreaterThan(codecCpuMs('gzip', 'decompress', 1_000_000));
    expect(codecCpuMs('lz4', 'compress', 1_000_000)).toBeLessThan(codecCpuMs('gzip', 'compress', 1_000_000));
    expect(codecCpuMs('snappy', 'compress', 1000, 6, 3)).toBeCloseTo(3 * codecCpuMs('snappy', 'compress', 1000), 12);
  });
});
