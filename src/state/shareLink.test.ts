import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { serializeTopology, type Topology } from '../model/topology';
import { decodeShareFragment, encodeShareFragment, fromBase64Url, inflateCapped, shareData, toBase64Url } from './shareLink';

const topology: Topology = {
  format: 'messaging-studio/topology',
  version: 1,
  name: 'Shared — ünïcode ✓',
  simulation: { seed: 7, until: 1000 },
  nodes: [
    { id: 'p', kind: 'producer', label: 'Orders', position: { x: 10, y: 20 }, config: { rate: 5, message: { kind: 'event', type: 'OrderPlaced', payload: { a: [1, 2, { b: null }] } } } },
    { id: 'q', kind: 'point-to-point', position: { x: 300, y: 20 } },
  ],
  edges: [{ id: 'e1', source: 'p', target: 'q' }],
};

const bombFragment = (megabytes: number) => 't=' + toBase64Url(deflateRawSync(Buffer.alloc(megabytes * 1048576, 32), { level: 9 }));

describe('share links', () => {
  it('round-trips a topology exactly', () => {
    const enc = encodeShareFragment(topology);
    expect(enc.ok).toBe(true);
    if (!enc.ok) return;
    expect(enc.fragment).toMatch(/^t=[A-Za-z0-9_-]+$/);
    const dec = decodeShareFragment('#' + enc.fragment);
    expect(dec.ok).toBe(true);
    if (dec.ok) expect(serializeTopology(dec.topology)).toBe(serializeTopology(topology));
  });

  it('finds the data among other fragment parameters', () => {
    expect(shareData('#x=1&t=abc')).toBe('abc');
    expect(shareData('#nothing')).toBeNull();
  });

  it('base64url round-trips every byte value', () => {
    const bytes = Uint8Array.from({ length: 256 * 3 + 1 }, (_, i) => (i * 7) & 255);
    expect(fromBase64Url(toBase64Url(bytes))).toEqual(bytes);
    expect(fromBase64Url('ab+c')).toBeNull();
    expect(fromBase64Url('a')).toBeNull();
  });

  it('refuses corrupted links with E150', () => {
    const enc = encodeShareFragment(topology);
    if (!enc.ok) throw new Error('encode failed');
    for (const bad of ['#t=', '#t=!!!!', '#t=' + enc.fragment.slice(2, 40), '#t=AAAAAAAA', '#x=1']) {
      const r = decodeShareFragment(bad);
      expect(r.ok, bad).toBe(false);
      if (!r.ok) expect(r.errors[0].code, bad).toBe('E150');
    }
  });

  it('refuses a link that decompresses past the cap, without inflating all of it', () => {
    const fragment = bombFragment(40); // ~40 KB of deflate data that would inflate to 40 MB
    expect(fragment.length).toBeLessThan(64_000);
    const r = decodeShareFragment('#' + fragment);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors[0].code).toBe('E150');
      expect(r.errors[0].message).toMatch(/more than 5 MB/);
    }
  });

  it('refuses an over-long link before decoding it', () => {
    const r = decodeShareFragment('#' + bombFragment(200));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0].message).toMatch(/too long/);
  });

  it('stops inflating at the cap', () => {
    const data = deflateRawSync(Buffer.alloc(1_000_000));
    expect(() => inflateCapped(data, 10_000)).toThrow();
    expect(inflateCapped(data, 1_000_000)).toHaveLength(1_000_000);
  });

  it('passes the decoded text through topology validation (hostile content)', () => {
    const text = '{"format":"messaging-studio/topology","version":1,"name":"x","nodes":[],"edges":[],"__proto__":{"a":1}}';
    const r = decodeShareFragment('#t=' + toBase64Url(deflateRawSync(Buffer.from(text))));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0].code).toBe('E103');
  });

  it('says when a topology is too large for a link', () => {
    const big: Topology = {
      ...topology,
      nodes: Array.from({ length: 3000 }, (_, i) => ({ id: `n${i}`, kind: 'sink', label: `node ${i * 7919}` })),
      edges: [],
    };
    const r = encodeShareFragment(big, { maxFragmentChars: 1000, maxBytes: 5 * 1048576 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('E150');
  });
});
