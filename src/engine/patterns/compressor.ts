/**
 * Compressor: compresses each payload's real bytes with gzip, deflate, Snappy or LZ4 (`codecs.ts`) and
 * sends a binary payload with header `content-encoding: <codec>`. The compressed message is derived from
 * the original (same correlation, causation = original), which is merged into it. Each message costs
 * simulated CPU time from the calibrated per-codec cost model, on `concurrency` workers. Payloads under
 * `minBytes` and payloads already compressed pass unchanged. The view shows the achieved ratio.
 */
import type { z } from 'zod';
import type { compressorConfig } from '../../model/kinds/performance';
import { jsonBytes, type BinaryValue } from '../binary';
import { codecCpuMs, compressPayload, isCompressed, type Level } from '../codecs';
import type { NodeBehavior, NodeContext, PatternDefinition } from '../pattern';
import { cpuStage, type CpuWork } from './cpuStage';

type Config = z.output<typeof compressorConfig>;

interface Work extends CpuWork {
  /** The compressed payload, or null to pass the message unchanged. */
  value: BinaryValue | null;
}

export const compressor: PatternDefinition = {
  kind: 'compressor',
  create(ctx: NodeContext<Config>): NodeBehavior {
    const c = ctx.config;
    const level = c.level as Level;
    let compressed = 0;
    let skipped = 0;
    let bytesIn = 0;
    let bytesOut = 0;

    const stage = cpuStage<Work>(ctx, c.concurrency, {
      work(m) {
        if (isCompressed(m.payload) || (c.minBytes > 0 && jsonBytes(m.payload) < c.minBytes)) return { cpuMs: 0, value: null };
        const r = compressPayload(m.payload, c.codec, level);
        if (r === null) return { cpuMs: 0, value: null }; // corrupt binary payload: not ours to judge
        bytesIn += r.inBytes;
        bytesOut += r.outBytes;
        return { cpuMs: codecCpuMs(c.codec, 'compress', r.inBytes, level, c.cpuScale), value: r.value };
      },
      finish(m, w) {
        if (w.value === null) {
          skipped++;
          ctx.emit('out', m);
          return;
        }
        compressed++;
        const out = ctx.derive(m, { payload: w.value, headers: { ...m.headers, 'content-encoding': c.codec } });
        ctx.merge(m);
        ctx.emit('out', out);
      },
    });

    return {
      ...stage,
      view: () => ({
        figures: {
          compressed,
          skipped,
          ratio: bytesOut > 0 ? Math.round((bytesIn / bytesOut) * 100) / 100 : 0,
          bytesIn,
          bytesOut,
          cpuMs: Math.round(stage.cpuMs() * 1000) / 1000,
          busy: stage.busy(),
          queued: stage.queued(),
        },
      }),
    };
  },
};
