import { describe, expect, it } from 'vitest';
import { fromBase64, fromUtf8, toBase64, utf8 } from './binary';
import { DecryptError, isEncrypted, KeyRing, NONCE_BYTES, NonceSequence, TAG_BYTES, cryptoCpuMs } from './crypto';

const plain = utf8('{"card":"4111 1111 1111 1111","amount":42}');

describe('nonces', () => {
  it('never repeat over 100,000 messages under one key, and differ between nodes', () => {
    const ring = new KeyRing(7);
    const a = new NonceSequence(0);
    const seen = new Set<string>();
    for (let i = 0; i < 100_000; i++) {
      const v = ring.seal(plain, { kid: 'k1', nonce: a.next(), aad: [], aadValues: [] }, null);
      seen.add(v.nonce as string);
    }
    expect(seen.size).toBe(100_000);
    expect(a.count).toBe(100_000);
    // a second node encrypting under the same key starts its own range
    const b = new NonceSequence(1);
    for (let i = 0; i < 1000; i++) seen.add(toBase64(b.next()));
    expect(seen.size).toBe(101_000);
  });

  it('are 96 bits: node index then a 64-bit counter that carries', () => {
    const s = new NonceSequence(0x01020304);
    const first = s.next();
    expect(first.length).toBe(NONCE_BYTES);
    expect([...first]).toEqual([1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 0, 1]);
    (s as unknown as { lo: number }).lo = 0xffffffff;
    expect([...s.next()].slice(4)).toEqual([0, 0, 0, 1, 0, 0, 0, 0]);
  });
});

describe('AES-256-GCM sealing', () => {
  const ring = new KeyRing(42);
  const nonces = new NonceSequence(3);
  const seal = (kid = 'k1', aadValues = ['Order', 'c-1']) =>
    ring.seal(plain, { kid, nonce: nonces.next(), aad: ['type', 'correlationId'], aadValues }, null);

  it('round-trips and shows only ciphertext, key id and nonce', () => {
    const v = seal();
    expect(isEncrypted(v)).toBe(true);
    expect(v.length).toBe(plain.length + TAG_BYTES);
    expect(fromUtf8(ring.open(v, ['Order', 'c-1']))).toBe(fromUtf8(plain));
    const text = JSON.stringify(v);
    expect(text).not.toContain('4111');
    expect(Object.keys(v).sort()).toEqual(['$binary', 'aad', 'cipher', 'kid', 'length', 'nonce']);
  });

  it('detects a flipped ciphertext or tag byte', () => {
    const v = seal();
    for (const at of [0, 5, v.length - 1]) {
      const bytes = fromBase64(v.$binary)!;
      bytes[at] ^= 0x01;
      expect(() => ring.open({ ...v, $binary: toBase64(bytes) }, ['Order', 'c-1'])).toThrow(DecryptError);
    }
  });

  it('detects swapped associated data, a moved field and a relabelled key id', () => {
    const v = seal();
    expect(() => ring.open(v, ['Order', 'c-2'])).toThrow(/authentication failed/);
    expect(() => ring.open(v, ['Refund', 'c-1'])).toThrow(DecryptError);
    const f = ring.seal(plain, { kid: 'k1', nonce: nonces.next(), aad: [], aadValues: [], path: 'card' }, null);
    expect(() => ring.open({ ...f, path: 'amount' }, [])).toThrow(DecryptError);
    expect(() => ring.open({ ...v, kid: 'k2' }, ['Order', 'c-1'])).toThrow(DecryptError);
    expect(() => ring.open({ ...v, nonce: 'AAAA' }, ['Order', 'c-1'])).toThrow(/nonce/);
    // the names are bound too: relabelling what a value means fails even when the values match
    expect(() => ring.open({ ...v, aad: ['kind', 'correlationId'] }, ['Order', 'c-1'])).toThrow(DecryptError);
  });

  it('fails with the wrong key: another seed or another ring', () => {
    const v = seal();
    expect(() => new KeyRing(43).open(v, ['Order', 'c-1'])).toThrow(DecryptError);
    expect(() => new KeyRing(42, 'partner').open(v, ['Order', 'c-1'])).toThrow(DecryptError);
    // the same seed and ring derive the same keys
    expect(fromUtf8(new KeyRing(42).open(v, ['Order', 'c-1']))).toBe(fromUtf8(plain));
  });

  it('decrypts messages under an old key after rotation', () => {
    const old = seal('orders-v1');
    const fresh = seal('orders-v2');
    expect(fresh.kid).toBe('orders-v2');
    expect(fromUtf8(ring.open(old, ['Order', 'c-1']))).toBe(fromUtf8(plain));
    expect(fromUtf8(ring.open(fresh, ['Order', 'c-1']))).toBe(fromUtf8(plain));
    expect(fresh.$binary).not.toBe(old.$binary);
  });

  it('envelope: a data key wrapped with AES-KW under the key id, unwrapped once and cached', () => {
    const dk = ring.newDataKey('kek-1', 3, 1);
    expect(dk.wrapped.length).toBe(40);
    const a = ring.seal(plain, { kid: 'kek-1', nonce: nonces.next(), aad: [], aadValues: [], dataKey: dk }, null);
    const b = ring.seal(plain, { kid: 'kek-1', nonce: nonces.next(), aad: [], aadValues: [], dataKey: dk }, null);
    expect(a.wrapped).toBe(b.wrapped);
    const reader = new KeyRing(42);
    const stats = { unwraps: 0 };
    expect(fromUtf8(reader.open(a, [], stats))).toBe(fromUtf8(plain));
    expect(fromUtf8(reader.open(b, [], stats))).toBe(fromUtf8(plain));
    expect(stats.unwraps).toBe(1);
    // the data key does not open under another key-encryption key
    expect(() => reader.open({ ...a, kid: 'kek-2' }, [])).toThrow(/does not unwrap/);
    const wrapped = fromBase64(a.wrapped as string)!;
    wrapped[3] ^= 1;
    expect(() => new KeyRing(42).open({ ...a, wrapped: toBase64(wrapped) }, [])).toThrow(DecryptError);
    // distinct data keys per number
    expect(toBase64(ring.newDataKey('kek-1', 3, 2).wrapped)).not.toBe(a.wrapped);
  });

  it('never shows key bytes: a ring serializes as its name and key ids', () => {
    const r = new KeyRing(1, 'ring-a');
    r.seal(plain, { kid: 'x', nonce: new NonceSequence(0).next(), aad: [], aadValues: [] }, null);
    expect(JSON.parse(JSON.stringify(r))).toEqual({ ring: 'ring-a', keyIds: ['x'] });
    expect(Object.keys(r)).toEqual(['name']);
  });

  it('charges CPU by bytes and wraps', () => {
    expect(cryptoCpuMs(10_000, 0)).toBeGreaterThan(cryptoCpuMs(1000, 0));
    expect(cryptoCpuMs(1000, 1)).toBeGreaterThan(cryptoCpuMs(1000, 0));
  });
});
