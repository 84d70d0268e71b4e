/**
 * Throughput benchmark of the performance and security patterns. It prints:
 *
 * 1. Codecs: compression and decompression MB/s and the achieved ratio of gzip, deflate (levels 1, 6, 9),
 *    Snappy and LZ4 on the example payloads — single orders from the trade-offs example (≈300 B) and
 *    batches of 100 of them as the batcher writes them (≈44 kB) — and the per-call and per-byte costs fitted
 *    to the two sizes (cost = perCall + n · perByte). These feed the cost model in src/engine/codecs.ts.
 * 2. AES-256-GCM (@noble/ciphers) seal and open MB/s on the same payloads, and µs per data key (KDF + AES-KW
 *    wrap), which feed AES_GCM_COST in src/engine/crypto.ts.
 * 3. The engine with the patterns on: wall time per message of producer → sink (baseline), the same with a
 *    link, with an access-control gate, and the full chain batcher → compressor → encryptor → link →
 *    decryptor → decompressor → debatcher, relative to the baseline measured in the same invocation.
 *
 * Figures are medians of interleaved rounds (a shared machine is noisy). Nothing here fails on a timing.
 * Run alone with `npx tsx bench/throughput.ts`, or `npm run bench -- throughput`.
 */
import { pathToFileURL } from 'node:url';
import { alignColumns } from '../src/cli/table';
import { toBytes, type BinaryValue } from '../src/engine/binary';
import { CODEC_COSTS, compressBytes, decompressBytes, DEFLATE_LEVEL_FACTOR, type CodecName, type Level } from '../src/engine/codecs';
import { AES_GCM_COST, KeyRing, NonceSequence } from '../src/engine/crypto';
import { itemRecord } from '../src/engine/patterns/batcher';
import { Rng } from '../src/engine/rng';
import { Simulation } from '../src/engine/Simulation';
import { compileTemplate } from '../src/engine/template';
import type { JsonValue, Message } from '../src/model/message';
import { CURRENT_VERSION } from '../src/model/migrations';
import { FORMAT, validateTopology, type Topology } from '../src/model/topology';
import tradeoffs from '../public/examples/tradeoffs-slow-link-plain.json' with { type: 'json' };

/** Sizes of a run (the defaults are the real benchmark; tests pass small ones). */
export interface ThroughputBenchOptions {
  /** Bytes each codec/cipher measurement processes per round (at least one call). */
  bytesPerRound: number;
  /** Messages per engine scenario run. */
  messages: number;
  /** Interleaved rounds; medians are reported. */
  rounds: number;
}

/** The default sizes. */
export const DEFAULT_THROUGHPUT_BENCH: ThroughputBenchOptions = { bytesPerRound: 8_000_000, messages: 50_000, rounds: 5 };

/** One codec at one level on one payload size. */
export interface CodecFigure {
  codec: CodecName;
  level: Level;
  payload: 'order' | 'batch';
  bytes: number;
  ratio: number;
  compressMBps: number;
  decompressMBps: number;
}

/** Fitted cost of a codec: per call and per byte, from the two payload sizes. */
export interface CodecFit {
  codec: CodecName;
  level: Level;
  compressPerCallUs: number;
  compressNsPerByte: number;
  decompressPerCallUs: number;
  decompressNsPerByte: number;
}

/** AES-GCM figures on one payload size. */
export interface CipherFigure {
  payload: 'order' | 'batch';
  bytes: number;
  sealMBps: number;
  openMBps: number;
}

/** An engine scenario. */
export interface EngineFigure {
  name: string;
  nsPerMessage: number;
  /** Relative to the baseline (1 for the baseline). */
  relative: number;
  eventsPerMessage: number;
  delivered: number;
}

/** Everything the suite measured. */
export interface ThroughputBenchResult {
  options: ThroughputBenchOptions;
  codecs: CodecFigure[];
  fits: CodecFit[];
  cipher: CipherFigure[];
  cipherFit: { perCallUs: number; nsPerByte: number; dataKeyUs: number };
  engine: EngineFigure[];
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

/** The example payloads: orders from the trade-offs example's template, and a batch of 100 as items. */
export function examplePayloads(): { order: Uint8Array; batch: Uint8Array } {
  const template = (tradeoffs.nodes[0].config as { message: { payload: JsonValue; headers: JsonValue } }).message;
  const fill = compileTemplate(template.payload, 'payload');
  const rng = Rng.forStream(1, 'bench');
  const orders = Array.from({ length: 100 }, (_, i) => fill.fill(rng, i + 1, i * 10));
  const items = orders.map((payload, i) =>
    itemRecord({ id: `m${i + 1}`, correlationId: `m${i + 1}`, type: 'OrderPlaced', kind: 'event', createdAt: i * 10, headers: template.headers as Record<string, string>, payload } as Message),
  );
  return { order: toBytes(orders[0])!.bytes, batch: toBytes(items)!.bytes };
}

/** Wall ms per call of `fn`, run enough times to process about `bytes` bytes of `size`-byte inputs. */
function timePerCall(size: number, bytes: number, fn: () => void): number {
  const calls = Math.max(3, Math.ceil(bytes / size));
  fn(); // warm
  const t0 = performance.now();
  for (let i = 0; i < calls; i++) fn();
  return (performance.now() - t0) / calls;
}

const CASES: { codec: CodecName; level: Level }[] = [
  { codec: 'gzip', level: 1 },
  { codec: 'gzip', level: 6 },
  { codec: 'gzip', level: 9 },
  { codec: 'deflate', level: 1 },
  { codec: 'deflate', level: 6 },
  { codec: 'deflate', level: 9 },
  { codec: 'snappy', level: 6 },
  { codec: 'lz4', level: 6 },
];

function benchCodecs(o: ThroughputBenchOptions): { codecs: CodecFigure[]; fits: CodecFit[] } {
  const payloads = examplePayloads();
  const samples = new Map<string, { c: number[]; d: number[]; ratio: number; bytes: number }>();
  for (let round = 0; round < o.rounds; round++) {
    for (const { codec, level } of CASES) {
      for (const payload of ['order', 'batch'] as const) {
        const data = payloads[payload];
        const packed = compressBytes(codec, data, level);
        const key = `${codec}/${level}/${payload}`;
        const s = samples.get(key) ?? { c: [], d: [], ratio: data.length / packed.length, bytes: data.length };
        s.c.push(timePerCall(data.length, o.bytesPerRound, () => compressBytes(codec, data, level)));
        s.d.push(timePerCall(data.length, o.bytesPerRound, () => decompressBytes(codec, packed, data.length)));
        samples.set(key, s);
      }
    }
  }
  const codecs: CodecFigure[] = [];
  const fits: CodecFit[] = [];
  for (const { codec, level } of CASES) {
    const get = (p: 'order' | 'batch') => samples.get(`${codec}/${level}/${p}`)!;
    for (const payload of ['order', 'batch'] as const) {
      const s = get(payload);
      codecs.push({
        codec,
        level,
        payload,
        bytes: s.bytes,
        ratio: s.ratio,
        compressMBps: s.bytes / 1e6 / (median(s.c) / 1000),
        decompressMBps: s.bytes / 1e6 / (median(s.d) / 1000),
      });
    }
    const small = get('order');
    const big = get('batch');
    const fit = (a: number[], b: number[]) => {
      const perByte = ((median(b) - median(a)) * 1e6) / (big.bytes - small.bytes); // ns per byte
      const perCall = median(a) * 1000 - (perByte * small.bytes) / 1000; // µs
      return { perByte, perCall: Math.max(0, perCall) };
    };
    const c = fit(small.c, big.c);
    const d = fit(small.d, big.d);
    fits.push({ codec, level, compressPerCallUs: c.perCall, compressNsPerByte: c.perByte, decompressPerCallUs: d.perCall, decompressNsPerByte: d.perByte });
  }
  return { codecs, fits };
}

function benchCipher(o: ThroughputBenchOptions): { cipher: CipherFigure[]; cipherFit: ThroughputBenchResult['cipherFit'] } {
  const payloads = examplePayloads();
  const ring = new KeyRing(1);
  const nonces = new NonceSequence(0);
  const seal = new Map<string, number[]>();
  const open = new Map<string, number[]>();
  const keys: number[] = [];
  let n = 0;
  for (let round = 0; round < o.rounds; round++) {
    for (const payload of ['order', 'batch'] as const) {
      const data = payloads[payload];
      let sealed: BinaryValue | null = null;
      const opts = { kid: 'k1', aad: ['type'], aadValues: ['OrderPlaced'] };
      (seal.get(payload) ?? seal.set(payload, []).get(payload)!).push(
        timePerCall(data.length, o.bytesPerRound / 4, () => {
          sealed = ring.seal(data, { ...opts, nonce: nonces.next() }, null);
        }),
      );
      const v = sealed!;
      (open.get(payload) ?? open.set(payload, []).get(payload)!).push(timePerCall(data.length, o.bytesPerRound / 4, () => ring.open(v, ['OrderPlaced'])));
    }
    keys.push(timePerCall(1, 2000, () => ring.newDataKey('k1', 0, ++n)));
  }
  const cipher = (['order', 'batch'] as const).map((payload) => {
    const bytes = payloads[payload].length;
    return { payload, bytes, sealMBps: bytes / 1e6 / (median(seal.get(payload)!) / 1000), openMBps: bytes / 1e6 / (median(open.get(payload)!) / 1000) };
  });
  const a = median(seal.get('order')!);
  const b = median(seal.get('batch')!);
  const nsPerByte = ((b - a) * 1e6) / (cipher[1].bytes - cipher[0].bytes);
  return { cipher, cipherFit: { nsPerByte, perCallUs: Math.max(0, a * 1000 - (nsPerByte * cipher[0].bytes) / 1000), dataKeyUs: median(keys) * 1000 } };
}

/** The engine scenarios: producer → [middle] → sink, constant arrivals, fast links (no backlog). */
export function engineTopologies(messages: number): Topology[] {
  const template = (tradeoffs.nodes[0].config as { message: unknown }).message;
  const rate = 1000;
  const until = (messages / rate) * 1000 + 5000;
  const fast = { bandwidth: 1e12, latency: 1 };
  const make = (name: string, middle: { id: string; kind: string; config?: Record<string, unknown> }[], linkAfter: string | null): Topology => {
    const ids = ['src', ...middle.map((m) => m.id), 'out'];
    const t: Topology = {
      format: FORMAT,
      version: CURRENT_VERSION,
      name,
      simulation: { seed: 1, until },
      nodes: [
        { id: 'src', kind: 'producer', config: { rate, arrival: 'constant', count: messages, message: template as Record<string, unknown> } },
        ...middle.map((m) => ({ id: m.id, kind: m.kind, config: m.config ?? {} })),
        { id: 'out', kind: 'sink' },
      ],
      edges: ids.slice(1).map((id, i) => {
        const e: Topology['edges'][number] = { id: `e${i + 1}`, source: ids[i], target: id };
        if (ids[i] === linkAfter) e.link = fast;
        return e;
      }),
    };
    const checked = validateTopology(t);
    if (!checked.ok) throw new Error(`${name}: ${checked.errors[0].message}`);
    return t;
  };
  return [
    make('baseline: producer → sink', [], null),
    make('+ link with capacity', [], 'src'),
    make('+ access-control gate', [{ id: 'acl', kind: 'access-control', config: { principals: { anonymous: ['shop'] }, rules: [{ id: 'shop-orders', roles: ['shop'], topic: 'OrderPlaced', operations: ['publish'] }] } }], null),
    make('+ batcher (100) → debatcher', [{ id: 'b', kind: 'batcher', config: { maxCount: 100, window: 0 } }, { id: 'd', kind: 'debatcher' }], null),
    make('+ gzip → gunzip (per message)', [{ id: 'z', kind: 'compressor' }, { id: 'u', kind: 'decompressor' }], 'z'),
    make('+ AES-GCM envelope → decrypt (per message)', [{ id: 'x', kind: 'encryptor' }, { id: 'y', kind: 'decryptor' }], 'x'),
    make(
      '+ batch → gzip → encrypt → link → decrypt → gunzip → split',
      [
        { id: 'b', kind: 'batcher', config: { maxCount: 100, window: 0 } },
        { id: 'z', kind: 'compressor' },
        { id: 'x', kind: 'encryptor' },
        { id: 'y', kind: 'decryptor' },
        { id: 'u', kind: 'decompressor' },
        { id: 'd', kind: 'debatcher' },
      ],
      'x',
    ),
  ];
}

function benchEngine(o: ThroughputBenchOptions): EngineFigure[] {
  const topologies = engineTopologies(o.messages);
  const times = topologies.map(() => [] as number[]);
  const facts = topologies.map(() => ({ events: 0, delivered: 0 }));
  for (let round = 0; round < o.rounds; round++) {
    topologies.forEach((t, i) => {
      const t0 = performance.now();
      const sim = new Simulation(t, { trace: { capacity: 0 } });
      sim.run();
      times[i].push(performance.now() - t0);
      facts[i] = { events: sim.events, delivered: sim.metrics.completed };
    });
  }
  const base = median(times[0]);
  return topologies.map((t, i) => ({
    name: t.name,
    nsPerMessage: (median(times[i]) * 1e6) / o.messages,
    relative: median(times[i]) / base,
    eventsPerMessage: facts[i].events / o.messages,
    delivered: facts[i].delivered,
  }));
}

/** Runs the suite. */
export function benchThroughput(options: Partial<ThroughputBenchOptions> = {}): ThroughputBenchResult {
  const o = { ...DEFAULT_THROUGHPUT_BENCH, ...options };
  return { options: o, ...benchCodecs(o), ...benchCipher(o), engine: benchEngine(o) };
}

const f1 = (v: number) => v.toFixed(1);

/** The suite's printed report. */
export function formatThroughputResult(r: ThroughputBenchResult): string {
  const out: string[] = [];
  out.push('Codecs on the example payloads (MB/s of uncompressed bytes; median of rounds)');
  const rows = [['codec', 'level', 'payload', 'bytes', 'ratio', 'compress MB/s', 'decompress MB/s']];
  for (const c of r.codecs) rows.push([c.codec, c.codec === 'gzip' || c.codec === 'deflate' ? String(c.level) : '-', c.payload, String(c.bytes), c.ratio.toFixed(2), f1(c.compressMBps), f1(c.decompressMBps)]);
  out.push(...alignColumns(rows), '');
  out.push('Cost model fit (cost = per call + bytes × per byte), against the constants in src/engine/codecs.ts');
  const fit = [['codec', 'level', 'compress µs/call', 'ns/B', 'decompress µs/call', 'ns/B', '| model: compress µs/call', 'ns/B', 'decompress µs/call', 'ns/B']];
  for (const f of r.fits) {
    const m = CODEC_COSTS[f.codec];
    const factor = f.codec === 'gzip' || f.codec === 'deflate' ? DEFLATE_LEVEL_FACTOR[f.level] : 1;
    fit.push([
      f.codec,
      String(f.level),
      f1(f.compressPerCallUs),
      f1(f.compressNsPerByte),
      f1(f.decompressPerCallUs),
      f1(f.decompressNsPerByte),
      '| ' + f1(m.compressPerCallUs),
      f1(m.compressNsPerByte * factor),
      f1(m.decompressPerCallUs),
      f1(m.decompressNsPerByte),
    ]);
  }
  out.push(...alignColumns(fit), '');
  out.push('AES-256-GCM (@noble/ciphers)');
  const ci = [['payload', 'bytes', 'seal MB/s', 'open MB/s']];
  for (const c of r.cipher) ci.push([c.payload, String(c.bytes), f1(c.sealMBps), f1(c.openMBps)]);
  out.push(...alignColumns(ci));
  out.push(
    `fit: ${f1(r.cipherFit.perCallUs)} µs/call + ${f1(r.cipherFit.nsPerByte)} ns/B; data key (KDF + AES-KW wrap) ${f1(r.cipherFit.dataKeyUs)} µs` +
      ` — model: ${AES_GCM_COST.perCallUs} µs/call + ${AES_GCM_COST.nsPerByte} ns/B, wrap ${AES_GCM_COST.wrapUs} µs`,
    '',
  );
  out.push(`Engine with the patterns on (${r.options.messages} orders per run, wall time per message, median of ${r.options.rounds})`);
  const en = [['scenario', 'ns/msg', 'vs baseline', 'events/msg', 'delivered']];
  for (const e of r.engine) en.push([e.name, f1(e.nsPerMessage), `${e.relative.toFixed(2)}×`, e.eventsPerMessage.toFixed(2), String(e.delivered)]);
  out.push(...alignColumns(en));
  return out.join('\n') + '\n';
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.stdout.write(formatThroughputResult(benchThroughput()));
}
