/**
 * Encryptor: AES-256-GCM encryption of the payload, or of chosen payload fields (`crypto.ts`). The payload's
 * bytes are its UTF-8 JSON (or, for a binary payload such as a compressed one, its bytes — kept as `inner`).
 *
 * - Nonces: this node's index ‖ a 64-bit counter; never repeated in a run.
 * - `envelope` mode: a data key, new every `dataKeyUses` messages (and at each key rotation), encrypts; it
 *   travels wrapped with AES-KW under the key id. `direct` mode: the key id's key encrypts.
 * - The associated data binds the key id, field path and the `aad` message fields.
 * - The key id is `keyId`, then each `rotation` entry's from its time on (or one set by the `rotate` action).
 *
 * The encrypted message is derived from the original (same correlation, causation = original), which is
 * merged into it; headers `content-encryption` and `key-id` are added. Fields named in `fields` that the
 * payload lacks are skipped. CPU time: the calibrated AES-GCM cost per byte plus one per key wrap.
 *
 * A simulated on-path attacker (`tamper.rate`) then flips one ciphertext byte, or changes the first bound
 * field (type, else a header), so that the decryptor must catch it.
 */
import type { z } from 'zod';
import type { JsonValue, Message } from '../../model/message';
import type { encryptorConfig } from '../../model/kinds/security';
import { fromBase64, toBase64, toBytes, type BinaryValue } from '../binary';
import { CIPHER, cryptoCpuMs, isEncrypted, KeyRing, NonceSequence } from '../crypto';
import type { NodeBehavior, NodeContext, PatternDefinition } from '../pattern';
import { cpuStage, type CpuWork } from './cpuStage';
import { aadValue, getPath, setPath } from './cryptoFields';

type Config = z.output<typeof encryptorConfig>;

interface Work extends CpuWork {
  payload: JsonValue;
  kid: string;
  /** Fields (or 1 for the whole payload) encrypted; 0 passes the message unchanged. */
  sealed: number;
  error: string | null;
}

export const encryptor: PatternDefinition = {
  kind: 'encryptor',
  create(ctx: NodeContext<Config>): NodeBehavior {
    const c = ctx.config;
    const ring = new KeyRing(ctx.runSeed(), c.keyring);
    const nonces = new NonceSequence(ctx.index);
    const rotation = [...c.rotation].sort((a, b) => a.at - b.at);
    let manualKid: string | null = null;
    let dataKey: { kid: string; key: Uint8Array; wrapped: Uint8Array } | null = null;
    let dataKeyUsed = 0;
    let dataKeys = 0;
    let encrypted = 0;
    let fieldsSealed = 0;
    let tampered = 0;
    let bytes = 0;

    const currentKid = (): string => {
      if (manualKid !== null) return manualKid;
      let kid = c.keyId;
      for (const r of rotation) if (r.at <= ctx.now()) kid = r.keyId;
      return kid;
    };

    /** The data key for the next message (envelope mode); counts wraps made. */
    const nextDataKey = (kid: string, wraps: { n: number }) => {
      if (!dataKey || dataKey.kid !== kid || dataKeyUsed >= c.dataKeyUses) {
        dataKeys++;
        dataKey = { kid, ...ring.newDataKey(kid, ctx.index, dataKeys) };
        dataKeyUsed = 0;
        wraps.n++;
      }
      dataKeyUsed++;
      return dataKey;
    };

    const seal = (value: JsonValue, m: Message, kid: string, path: string | undefined, dk: ReturnType<typeof nextDataKey> | undefined): BinaryValue | null => {
      const src = toBytes(value);
      if (src === null) return null;
      bytes += src.bytes.length;
      return ring.seal(
        src.bytes,
        { kid, nonce: nonces.next(), aad: c.aad, aadValues: c.aad.map((a) => aadValue(m, a)), dataKey: dk, path },
        src.inner,
      );
    };

    const stage = cpuStage<Work>(ctx, c.concurrency, {
      work(m) {
        const kid = currentKid();
        const wraps = { n: 0 };
        const before = bytes;
        const dk = c.mode === 'envelope' ? nextDataKey(kid, wraps) : undefined;
        let payload: JsonValue = m.payload;
        let sealed = 0;
        if (c.fields.length === 0) {
          const v = seal(m.payload, m, kid, undefined, dk);
          if (v === null) return { cpuMs: 0, payload, kid, sealed: 0, error: 'the binary payload is not valid base64' };
          payload = v;
          sealed = 1;
        } else {
          for (const path of c.fields) {
            const v = getPath(payload, path);
            if (v === undefined || isEncrypted(v)) continue;
            const s = seal(v, m, kid, path, dk);
            if (s === null) continue;
            payload = setPath(payload, path, s);
            sealed++;
          }
        }
        return { cpuMs: sealed ? cryptoCpuMs(bytes - before, wraps.n, c.cpuScale) : 0, payload, kid, sealed, error: null };
      },
      finish(m, w) {
        if (w.error !== null) {
          ctx.deadLetter(m, 'invalid', w.error);
          return;
        }
        if (w.sealed === 0) {
          ctx.emit('out', m);
          return;
        }
        encrypted++;
        fieldsSealed += c.fields.length ? w.sealed : 0;
        const out = ctx.derive(m, { payload: w.payload, headers: { ...m.headers, 'content-encryption': CIPHER, 'key-id': w.kid } });
        ctx.merge(m);
        if (c.tamper.rate > 0 && ctx.rng.chance(c.tamper.rate)) {
          tampered++;
          tamper(out, c, ctx.rng.next());
        }
        ctx.emit('out', out);
      },
    });

    return {
      ...stage,
      view: () => ({
        state: currentKid(),
        figures: { encrypted, fields: fieldsSealed, dataKeys, tampered, nonces: nonces.count, bytes, cpuMs: Math.round(stage.cpuMs() * 1000) / 1000 },
      }),
      action(name, args) {
        if (name === 'rotate') {
          const kid = args.keyId;
          if (typeof kid !== 'string' || !/^[A-Za-z0-9_.:-]{1,64}$/.test(kid)) throw new Error('rotate: keyId must be a key id');
          manualKid = kid;
          return { keyId: kid };
        }
        if (name === 'keys') return { current: currentKid(), used: ring.keyIds, dataKeys };
        throw new Error(`encryptor has no action "${name}"`);
      },
    };
  },
};

/** The simulated attacker: flips a ciphertext byte, or changes the first bound field. */
function tamper(m: Message, c: Config, draw: number): void {
  const bound = c.aad.find((a) => a === 'type' || a.startsWith('header:'));
  if (c.tamper.target === 'aad' && bound !== undefined) {
    if (bound === 'type') m.type = m.type + '.forged';
    else m.headers = { ...m.headers, [bound.slice(7)]: 'forged' };
    return;
  }
  const flip = (v: BinaryValue): BinaryValue => {
    const b = fromBase64(v.$binary)!;
    b[Math.floor(draw * b.length)] ^= 0x20;
    return { ...v, $binary: toBase64(b) };
  };
  if (isEncrypted(m.payload)) {
    m.payload = flip(m.payload);
    return;
  }
  const path = c.fields.find((p) => isEncrypted(getPath(m.payload, p)));
  if (path !== undefined) m.payload = setPath(m.payload, path, flip(getPath(m.payload, path) as BinaryValue));
}
