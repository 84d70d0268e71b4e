import { describe, expect, it } from 'vitest';
import { CODEC_NAMES, codecCpuMs } from '../codecs';
import { TestSimulation } from '../testing/TestSimulation';
import { Outcome } from '../trace';

const logLine = {
  kind: 'event',
  type: 'AccessLog',
  headers: { service: 'api' },
  payload: { method: '{{pick GET POST}}', path: '/api/orders/{{randInt 1 9999}}', status: '{{pick 200 201 404}}', agent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36' },
};

function pipeline(codec: string, extra: Record<string, unknown> = {}) {
  const t = TestSimulation.of(
    {
      src: ['producer', { rate: 100, count: 500, message: logLine }],
      batch: ['batcher', { maxCount: 50, window: 0 }],
      zip: ['compressor', { codec, ...extra }],
      unzip: 'decompressor',
      split: 'debatcher',
      out: 'sink',
      dlq: 'dead-letter',
    },
    ['src -> batch', 'batch -> zip', 'zip -> unzip', 'unzip -> split', 'split -> out', 'unzip:dead-letter -> dlq'],
    { until: 60_000, keepTrace: true },
  );
  const r = t.run();
  const views = t.sim.views();
  return { t, r, zip: views[t.indexOf('zip')]!.figures!, unzip: views[t.indexOf('unzip')]!.figures! };
}

describe('compressor and decompressor', () => {
  it.each(CODEC_NAMES)('%s: every message arrives exactly as produced, and the ratio is recorded', (codec) => {
    const { t, r, zip, unzip } = pipeline(codec);
    expect(r.nodes.out.completed).toBe(500);
    expect(zip.compressed).toBe(10);
    expect(unzip.restored).toBe(10);
    expect(zip.ratio).toBeGreaterThan(2);
    expect(zip.ratio).toBeCloseTo(zip.bytesIn / zip.bytesOut, 1);
    // the payloads at the sink equal the producer's: compare via the trace
    const spans = t.spans();
    const byCorrelation = new Map<string, unknown>();
    for (let i = 0; i < spans.count; i++) {
      const m = t.sim.trace.findMessage(spans.msg[i])!;
      if (spans.node[i] === t.indexOf('src')) byCorrelation.set(m.correlationId, m.payload);
    }
    let compared = 0;
    for (let i = 0; i < spans.count; i++) {
      if (spans.node[i] !== t.indexOf('out')) continue;
      const m = t.sim.trace.findMessage(spans.msg[i])!;
      expect(m.payload).toEqual(byCorrelation.get(m.correlationId));
      expect(m.headers['content-encoding']).toBeUndefined();
      compared++;
    }
    expect(compared).toBe(500);
    const a = t.accounting();
    expect(a.inFlight).toBe(a.byNodes + a.inTransit);
  });

  it('puts a binary payload with content-encoding on the wire, shown as base64 in the trace', () => {
    const { t } = pipeline('gzip');
    const spans = t.spans();
    // the span of the compressed message leaving the compressor (the batch it was made from was merged)
    const i = [...spans.node].findIndex((n, k) => n === t.indexOf('zip') && spans.outcome[k] === Outcome.Forwarded);
    const m = t.sim.trace.findMessage(spans.msg[i])!;
    expect(m.headers['content-encoding']).toBe('gzip');
    expect(m.payload).toMatchObject({ $binary: expect.stringMatching(/^H4sI[A-Za-z0-9+/=]+$/), codec: 'gzip', level: 6 });
  });

  it('charges the cost model as CPU time: busy time = Σ cost, and a slower CPU queues', () => {
    const { r, zip } = pipeline('gzip', { cpuScale: 1 });
    const perBatch = codecCpuMs('gzip', 'compress', zip.bytesIn / 10);
    expect(zip.cpuMs).toBeCloseTo(perBatch * 10, 1);
    expect(r.nodes.zip.latency.mean).toBeGreaterThan(0);
    const slow = pipeline('gzip', { cpuScale: 1000 });
    expect(slow.zip.cpuMs).toBeCloseTo(zip.cpuMs * 1000, -1);
    expect(slow.r.nodes.zip.latency.mean).toBeGreaterThan(r.nodes.zip.latency.mean * 500);
  });

  it('passes small and already compressed payloads unchanged', () => {
    const t = TestSimulation.of(
      {
        src: ['producer', { rate: 50, count: 20, message: { type: 'T', payload: { a: 1 } } }],
        zip1: ['compressor', { codec: 'lz4' }],
        zip2: ['compressor', { codec: 'gzip' }],
        small: ['compressor', { codec: 'gzip', minBytes: 1000 }],
        out: 'sink',
      },
      ['src -> small', 'small -> zip1', 'zip1 -> zip2', 'zip2 -> out'],
      { until: 10_000 },
    );
    t.run();
    const v = t.sim.views();
    expect(v[t.indexOf('small')]!.figures).toMatchObject({ compressed: 0, skipped: 20 });
    expect(v[t.indexOf('zip1')]!.figures).toMatchObject({ compressed: 20 });
    expect(v[t.indexOf('zip2')]!.figures).toMatchObject({ compressed: 0, skipped: 20 });
  });

  it('dead-letters corrupt compressed payloads and passes plain ones', () => {
    const t = TestSimulation.of(
      {
        bad: ['producer', { rate: 10, count: 3, message: { type: 'T', payload: { $binary: 'AAAA', length: 3, codec: 'gzip', contentLength: 10 } } }],
        plain: ['producer', { rate: 10, count: 4, message: { type: 'T', payload: { a: 1 } } }],
        unzip: 'decompressor',
        out: 'sink',
        dlq: 'dead-letter',
      },
      ['bad -> unzip', 'plain -> unzip', 'unzip -> out', 'unzip:dead-letter -> dlq'],
      { until: 10_000 },
    );
    const r = t.run();
    expect(r.nodes.dlq.received).toBe(3);
    expect(r.nodes.out.completed).toBe(4);
    const list = t.action('dlq', 'list', { limit: 1 }) as { items: { reason: string; detail: string }[] };
    expect(list.items[0]).toMatchObject({ reason: 'invalid', detail: expect.stringContaining('cannot decompress') });
  });
});
