import { describe, expect, it } from 'vitest';
import type { JsonValue, Message } from '../../model/message';
import { isEncrypted } from '../crypto';
import { TestSimulation, type NodeSpec } from '../testing/TestSimulation';
import { Outcome } from '../trace';

const payment = {
  kind: 'command',
  type: 'CapturePayment',
  headers: { tenant: '{{pick acme globex}}' },
  payload: { payment: 'pay-{{seq}}', card: { number: '4111 1111 1111 {{randInt 1000 9999}}', expiry: '12/29' }, email: 'u{{seq}}@example.com', amount: '{{randInt 1 999}}' },
};

function flow(enc: Record<string, unknown>, dec: Record<string, unknown> = {}, count = 300, extra: Record<string, NodeSpec> = {}, edges: string[] = []) {
  const t = TestSimulation.of(
    {
      src: ['producer', { rate: 100, count, message: payment }],
      enc: ['encryptor', enc],
      dec: ['decryptor', dec],
      out: 'sink',
      dlq: 'dead-letter',
      ...extra,
    },
    edges.length ? edges : ['src -> enc', 'enc -> dec', 'dec -> out', 'dec:dead-letter -> dlq'],
    { until: 60_000, keepTrace: true },
  );
  const r = t.run();
  return { t, r, view: (id: string) => t.sim.views()[t.indexOf(id)]! };
}

/** Messages leaving a node over an edge, from the trace. */
function leaving(t: TestSimulation, id: string): Message[] {
  const s = t.spans();
  const out: Message[] = [];
  for (let i = 0; i < s.count; i++) if (s.node[i] === t.indexOf(id) && s.outcome[i] === Outcome.Forwarded) out.push(t.sim.trace.findMessage(s.msg[i])!);
  return out;
}

/** Producer payloads by correlation id. */
function originals(t: TestSimulation): Map<string, JsonValue> {
  return new Map(leaving(t, 'src').map((m) => [m.correlationId, m.payload]));
}

describe('encryptor and decryptor', () => {
  it('envelope-encrypts whole payloads: ciphertext on the wire, the same payload after decryption', () => {
    const { t, r, view } = flow({ keyId: 'k1', aad: ['type', 'correlationId', 'header:tenant'] });
    expect(r.nodes.out.completed).toBe(300);
    const wire = leaving(t, 'enc');
    expect(wire).toHaveLength(300);
    for (const m of wire) {
      expect(isEncrypted(m.payload)).toBe(true);
      expect(m.payload).toMatchObject({ cipher: 'aes-256-gcm', kid: 'k1', aad: ['type', 'correlationId', 'header:tenant'], wrapped: expect.any(String) });
      expect(JSON.stringify(m.payload)).not.toContain('4111');
      expect(m.headers).toMatchObject({ 'content-encryption': 'aes-256-gcm', 'key-id': 'k1' });
    }
    const orig = originals(t);
    for (const m of leaving(t, 'dec')) {
      expect(m.payload).toEqual(orig.get(m.correlationId));
      expect(m.headers['key-id']).toBeUndefined();
    }
    expect(view('enc').figures).toMatchObject({ encrypted: 300, dataKeys: 300, nonces: 300 });
    expect(view('dec').figures).toMatchObject({ decrypted: 300, unwraps: 300, rejected: 0 });
    // nonces are unique
    expect(new Set(wire.map((m) => (m.payload as { nonce: string }).nonce)).size).toBe(300);
  });

  it('reuses a data key for dataKeyUses messages; the decryptor unwraps each once', () => {
    const { view } = flow({ keyId: 'k1', dataKeyUses: 25 });
    expect(view('enc').figures).toMatchObject({ dataKeys: 12 });
    expect(view('dec').figures).toMatchObject({ decrypted: 300, unwraps: 12 });
  });

  it('never repeats a nonce across two encryptors under the same key', () => {
    const { t } = flow({ keyId: 'shared', mode: 'direct' }, {}, 2000, { enc2: ['encryptor', { keyId: 'shared', mode: 'direct' }], src2: ['producer', { rate: 100, count: 2000, message: payment }] }, [
      'src -> enc',
      'src2 -> enc2',
      'enc -> dec',
      'enc2 -> dec',
      'dec -> out',
      'dec:dead-letter -> dlq',
    ]);
    const nonces = [...leaving(t, 'enc'), ...leaving(t, 'enc2')].map((m) => (m.payload as { nonce: string }).nonce);
    expect(nonces).toHaveLength(4000);
    expect(new Set(nonces).size).toBe(4000);
    expect(t.report().nodes.out.completed).toBe(4000);
  });

  it('rotates keys on schedule; messages under the old key still decrypt, unless the old id is not held', () => {
    const enc = { keyId: 'v1', rotation: [{ at: 1500, keyId: 'v2' }] };
    const both = flow(enc, { keyIds: ['v1', 'v2'] });
    const kids = leaving(both.t, 'enc').map((m) => (m.payload as { kid: string }).kid);
    expect(kids.filter((k) => k === 'v1').length).toBeGreaterThan(100);
    expect(kids.filter((k) => k === 'v2').length).toBeGreaterThan(100);
    expect(both.r.nodes.out.completed).toBe(300);
    expect(both.view('enc').state).toBe('v2');

    const onlyNew = flow(enc, { keyIds: ['v2'] });
    expect(onlyNew.r.nodes.dlq.received).toBe(kids.filter((k) => k === 'v1').length);
    const dead = onlyNew.t.action('dlq', 'list', { limit: 1 }) as { items: { reason: string; detail: string }[] };
    expect(dead.items[0]).toMatchObject({ reason: 'invalid', detail: expect.stringContaining('"v1" is not held') });
  });

  it('dead-letters every tampered ciphertext and nothing else', () => {
    const { r, view, t } = flow({ keyId: 'k1', tamper: { rate: 0.1, target: 'ciphertext' } }, {}, 1000);
    const tampered = view('enc').figures!.tampered;
    expect(tampered).toBeGreaterThan(60);
    expect(r.nodes.dlq.received).toBe(tampered);
    expect(r.nodes.out.completed).toBe(1000 - tampered);
    const dead = t.action('dlq', 'list', { limit: 1 }) as { items: { reason: string; detail: string }[] };
    expect(dead.items[0]).toMatchObject({ reason: 'invalid', detail: expect.stringContaining('authentication failed') });
  });

  it('dead-letters messages whose bound fields were changed after encryption', () => {
    const { r, view } = flow({ keyId: 'k1', aad: ['header:tenant'], tamper: { rate: 0.2, target: 'aad' } }, {}, 500);
    const tampered = view('enc').figures!.tampered;
    expect(tampered).toBeGreaterThan(50);
    expect(r.nodes.dlq.received).toBe(tampered);
  });

  it('fails with the wrong key: a decryptor of another key ring', () => {
    const { r } = flow({ keyId: 'k1' }, { keyring: 'partner' }, 50);
    expect(r.nodes.dlq.received).toBe(50);
    expect(r.nodes.out.completed).toBe(0);
  });

  it('encrypts chosen fields only, and restores them', () => {
    const { t, r, view } = flow({ keyId: 'pii', mode: 'direct', fields: ['card.number', 'email', 'missing.field'] });
    expect(r.nodes.out.completed).toBe(300);
    for (const m of leaving(t, 'enc')) {
      const p = m.payload as { payment: string; card: { number: JsonValue; expiry: string }; email: JsonValue };
      expect(p.payment).toMatch(/^pay-\d+$/);
      expect(p.card.expiry).toBe('12/29');
      expect(isEncrypted(p.card.number)).toBe(true);
      expect(p.card.number).toMatchObject({ path: 'card.number' });
      expect(isEncrypted(p.email)).toBe(true);
    }
    const orig = originals(t);
    for (const m of leaving(t, 'dec')) expect(m.payload).toEqual(orig.get(m.correlationId));
    expect(view('enc').figures).toMatchObject({ encrypted: 300, fields: 600 });
  });

  it('encrypts a compressed payload by its bytes and restores it after decryption and decompression', () => {
    const { t, r } = flow({ keyId: 'k1' }, {}, 100, { zip: ['compressor', { codec: 'snappy' }], unzip: 'decompressor' }, [
      'src -> zip',
      'zip -> enc',
      'enc -> dec',
      'dec -> unzip',
      'unzip -> out',
      'dec:dead-letter -> dlq',
    ]);
    expect(r.nodes.out.completed).toBe(100);
    expect((leaving(t, 'enc')[0].payload as { inner: { codec: string } }).inner.codec).toBe('snappy');
    const orig = originals(t);
    for (const m of leaving(t, 'unzip')) expect(m.payload).toEqual(orig.get(m.correlationId));
  });

  it('rejects plaintext when encryption is required, passes it otherwise', () => {
    const t = TestSimulation.of(
      {
        src: ['producer', { rate: 10, count: 5 }],
        strict: ['decryptor', { requireEncrypted: true }],
        lax: 'decryptor',
        out: 'sink',
        dlq: 'dead-letter',
        src2: ['producer', { rate: 10, count: 4 }],
      },
      ['src -> strict', 'strict -> out', 'strict:dead-letter -> dlq', 'src2 -> lax', 'lax -> out'],
      { until: 10_000 },
    );
    const r = t.run();
    expect(r.nodes.dlq.received).toBe(5);
    expect(r.nodes.out.completed).toBe(4);
  });

  it('shows key ids, never keys', () => {
    const { t } = flow({ keyId: 'k1', rotation: [{ at: 1000, keyId: 'k2' }] }, {}, 200);
    const keys = t.action('enc', 'keys') as Record<string, unknown>;
    expect(keys).toEqual({ current: 'k2', used: ['k1', 'k2'], dataKeys: 200 });
    expect(t.action('enc', 'rotate', { keyId: 'k3' })).toEqual({ keyId: 'k3' });
    expect(() => t.action('enc', 'rotate', { keyId: '' })).toThrow();
    const text = JSON.stringify({ report: t.report(), views: t.sim.views(), dec: t.action('dec', 'keys') });
    expect(text).not.toMatch(/master|#keys/);
  });

  it('charges CPU time and keeps the accounting', () => {
    const { t, view } = flow({ keyId: 'k1', cpuScale: 100 }, { cpuScale: 100 });
    expect(view('enc').figures!.cpuMs).toBeGreaterThan(0);
    expect(t.report().nodes.enc.latency.mean).toBeGreaterThan(0);
    const a = t.accounting();
    expect(a.produced + a.derived).toBe(a.completed + a.deadLettered + a.dropped + a.merged + a.inFlight);
    expect(a.inFlight).toBe(a.byNodes + a.inTransit);
  });
});
