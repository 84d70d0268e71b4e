/**
 * Decryptor: decrypts what an encryptor of the same key ring made — a whole encrypted payload, or every
 * encrypted value found inside the payload (field-level) — verifying the GCM tag over the ciphertext, the
 * key id, the field path and the bound message fields as they are now. The decrypted message is derived
 * from the encrypted one (same correlation, causation = it), which is merged into it; headers
 * `content-encryption` and `key-id` are removed.
 *
 * Dead-lettered as `invalid`, with the reason as detail: a tampered ciphertext or bound field, a key id not
 * in `keyIds` (when that list is not empty), a different key ring (wrong key), malformed values, and — with
 * `requireEncrypted` — plaintext. Otherwise plaintext passes unchanged. CPU time: the calibrated AES-GCM cost
 * per byte plus one per data-key unwrap (unwrapped data keys are cached).
 */
import type { z } from 'zod';
import type { JsonValue, Message } from '../../model/message';
import type { decryptorConfig } from '../../model/kinds/security';
import { fromBytes, type BinaryMeta, type BinaryValue } from '../binary';
import { aadNames, cryptoCpuMs, DecryptError, isEncrypted, KeyRing } from '../crypto';
import type { NodeBehavior, NodeContext, PatternDefinition } from '../pattern';
import { cpuStage, type CpuWork } from './cpuStage';
import { aadValue } from './cryptoFields';

type Config = z.output<typeof decryptorConfig>;

interface Work extends CpuWork {
  payload: JsonValue;
  /** Values decrypted (0: plaintext). */
  opened: number;
  error: string | null;
}

const MAX_DEPTH = 64;

export const decryptor: PatternDefinition = {
  kind: 'decryptor',
  create(ctx: NodeContext<Config>): NodeBehavior {
    const c = ctx.config;
    const ring = new KeyRing(ctx.runSeed(), c.keyring);
    const held = new Set(c.keyIds);
    let decrypted = 0;
    let plain = 0;
    let rejected = 0;
    let bytes = 0;
    const stats = { unwraps: 0 };
    const byKey = new Map<string, number>();

    /** Decrypts one encrypted value (throws DecryptError). */
    const open = (v: BinaryValue, m: Message): JsonValue => {
      const kid = v.kid;
      if (typeof kid !== 'string') throw new DecryptError('no key id');
      if (held.size && !held.has(kid)) throw new DecryptError(`key "${kid}" is not held here`);
      const names = aadNames(v);
      if (names === null) throw new DecryptError('aad must list the bound field names');
      const out = ring.open(
        v,
        names.map((n) => aadValue(m, n)),
        stats,
      );
      bytes += out.length;
      byKey.set(kid, (byKey.get(kid) ?? 0) + 1);
      const inner = v.inner;
      try {
        return fromBytes(out, inner !== undefined && inner !== null && typeof inner === 'object' && !Array.isArray(inner) ? (inner as BinaryMeta) : null);
      } catch {
        throw new DecryptError('the decrypted bytes are not JSON');
      }
    };

    /** Decrypts every encrypted value inside `v`; returns a new value, or `v` itself when none was found. */
    const walk = (v: JsonValue, m: Message, count: { n: number }, depth: number): JsonValue => {
      if (v === null || typeof v !== 'object' || depth > MAX_DEPTH) return v;
      if (isEncrypted(v)) {
        count.n++;
        return open(v, m);
      }
      if (Array.isArray(v)) {
        let copy: JsonValue[] | null = null;
        for (let i = 0; i < v.length; i++) {
          const r = walk(v[i], m, count, depth + 1);
          if (r !== v[i]) (copy ??= v.slice())[i] = r;
        }
        return copy ?? v;
      }
      let copy: { [k: string]: JsonValue } | null = null;
      for (const k of Object.keys(v)) {
        const r = walk(v[k], m, count, depth + 1);
        if (r !== v[k]) (copy ??= { ...v })[k] = r;
      }
      return copy ?? v;
    };

    const stage = cpuStage<Work>(ctx, c.concurrency, {
      work(m) {
        const before = bytes;
        const unwrapsBefore = stats.unwraps;
        const count = { n: 0 };
        try {
          const payload = walk(m.payload, m, count, 0);
          return { cpuMs: count.n ? cryptoCpuMs(bytes - before, stats.unwraps - unwrapsBefore, c.cpuScale) : 0, payload, opened: count.n, error: null };
        } catch (err) {
          if (!(err instanceof DecryptError)) throw err;
          return { cpuMs: cryptoCpuMs(0, stats.unwraps - unwrapsBefore, c.cpuScale), payload: null, opened: 0, error: err.message };
        }
      },
      finish(m, w) {
        if (w.error !== null) {
          rejected++;
          ctx.deadLetter(m, 'invalid', `cannot decrypt: ${w.error}`);
          return;
        }
        if (w.opened === 0) {
          if (c.requireEncrypted) {
            rejected++;
            ctx.deadLetter(m, 'invalid', 'the payload is not encrypted');
            return;
          }
          plain++;
          ctx.emit('out', m);
          return;
        }
        decrypted++;
        const headers = { ...m.headers };
        delete headers['content-encryption'];
        delete headers['key-id'];
        const out = ctx.derive(m, { payload: w.payload, headers });
        ctx.merge(m);
        ctx.emit('out', out);
      },
    });

    return {
      ...stage,
      view: () => ({
        figures: { decrypted, plain, rejected, unwraps: stats.unwraps, bytes, cpuMs: Math.round(stage.cpuMs() * 1000) / 1000 },
      }),
      action(name) {
        if (name === 'keys') return { held: c.keyIds, used: Object.fromEntries(byKey) };
        throw new Error(`decryptor has no action "${name}"`);
      },
    };
  },
};
