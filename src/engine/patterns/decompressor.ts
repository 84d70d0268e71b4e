/**
 * Decompressor: restores payloads made by a compressor (exactly: the round trip is lossless), charging CPU
 * time per byte from the codec cost model. The restored message is derived from the compressed one, which
 * is merged into it; the `content-encoding` header is removed. Uncompressed payloads pass unchanged;
 * corrupt ones are dead-lettered as `invalid` with the codec's complaint.
 */
import type { z } from 'zod';
import type { JsonValue } from '../../model/message';
import type { decompressorConfig } from '../../model/kinds/performance';
import { codecCpuMs, CodecError, decompressPayload, isCompressed, type CodecName } from '../codecs';
import type { NodeBehavior, NodeContext, PatternDefinition } from '../pattern';
import { cpuStage, type CpuWork } from './cpuStage';

type Config = z.output<typeof decompressorConfig>;

interface Work extends CpuWork {
  /** 0 pass, 1 restored, 2 failed. */
  result: 0 | 1 | 2;
  payload: JsonValue;
  error: string;
}

export const decompressor: PatternDefinition = {
  kind: 'decompressor',
  create(ctx: NodeContext<Config>): NodeBehavior {
    const c = ctx.config;
    let restored = 0;
    let passed = 0;
    let corrupt = 0;

    const stage = cpuStage<Work>(ctx, c.concurrency, {
      work(m) {
        const v = m.payload;
        if (!isCompressed(v)) return { cpuMs: 0, result: 0, payload: null, error: '' };
        const size = typeof v.contentLength === 'number' ? v.contentLength : 0;
        const cpuMs = codecCpuMs(v.codec as CodecName, 'decompress', size, 6, c.cpuScale);
        try {
          return { cpuMs, result: 1, payload: decompressPayload(v), error: '' };
        } catch (err) {
          if (!(err instanceof CodecError)) throw err;
          return { cpuMs, result: 2, payload: null, error: err.message };
        }
      },
      finish(m, w) {
        if (w.result === 0) {
          passed++;
          ctx.emit('out', m);
        } else if (w.result === 2) {
          corrupt++;
          ctx.deadLetter(m, 'invalid', `cannot decompress: ${w.error}`);
        } else {
          restored++;
          const headers = { ...m.headers };
          delete headers['content-encoding'];
          const out = ctx.derive(m, { payload: w.payload, headers });
          ctx.merge(m);
          ctx.emit('out', out);
        }
      },
    });

    return {
      ...stage,
      view: () => ({ figures: { restored, passed, corrupt, cpuMs: Math.round(stage.cpuMs() * 1000) / 1000, busy: stage.busy(), queued: stage.queued() } }),
    };
  },
};
