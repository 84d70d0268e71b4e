/**
 * Event-store benchmark (`npm run bench -- eventstore`):
 *
 *  1. Node: in-memory appends per second (1 000 streams, single-event appends, with and without an exact
 *     expected version), and aggregate loads with snapshots against without: one 20 000-event account
 *     stream, snapshots every 100 events, loads per second and events folded per load; then the
 *     bank-account example run with and without snapshots (median wall time of three, events read per load).
 *  2. Headless Chromium: the real worker API with IndexedDB write-behind runs a producer appending to an
 *     event store as fast as possible (300 000 events over 1 000 streams); persisted appends per second
 *     while the simulation runs and until everything is persisted (target ≥ 100 000/s), then reading the
 *     stored events back from IndexedDB (target: 100 000 events ≤ 1 s). The page and worker are bundled
 *     with esbuild and served from a temporary directory. Chromium comes from CHROMIUM_PATH or
 *     /usr/bin/chromium; without it this part is skipped.
 *
 * Figures are printed; nothing fails on a timing.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { alignColumns } from '../src/cli/table';
import { compileAggregate } from '../src/engine/eventsourcing/aggregate';
import { EventStoreModel } from '../src/engine/eventsourcing/EventStoreModel';
import { Simulation } from '../src/engine/Simulation';
import { validateTopologyText, type Topology } from '../src/model/topology';

const ROOT = path.resolve(import.meta.dirname, '..');

/** Sizes of a run (tests pass small ones). */
export interface EventStoreBenchOptions {
  appends: number;
  streamEvents: number;
  loads: number;
  browserEvents: number;
  browser: boolean;
}

export const DEFAULT_EVENTSTORE_BENCH: EventStoreBenchOptions = {
  appends: 500_000,
  streamEvents: 20_000,
  loads: 1_000,
  browserEvents: 300_000,
  browser: true,
};

/** The figures. */
export interface EventStoreBenchResult {
  appendsPerSec: { any: number; exact: number };
  load: {
    withSnapshots: { loadsPerSec: number; eventsPerLoad: number };
    without: { loadsPerSec: number; eventsPerLoad: number };
  };
  example: {
    withSnapshots: { ms: number; readPerLoad: number; savedPct: number };
    without: { ms: number; readPerLoad: number };
  };
  browser: BrowserFigures | { skipped: string };
}

interface BrowserFigures {
  events: number;
  runMs: number;
  appendedPerSec: number;
  persistedWhileRunning: number;
  persistedWhileRunningPerSec: number;
  persistedAllMs: number;
  persistedPerSec: number;
  batches: number;
  readAllMs: number;
  readCount: number;
  readStreamMs: number;
  streamEvents: number;
  read100kMs: number;
  read100kCount: number;
}

const reducer = compileAggregate('bench', {
  initialState: { balance: 0 },
  commands: [],
  apply: [
    { event: 'Deposited', set: { balance: 'payload.state.balance + payload.event.amount' }, unset: [] },
  ],
}).reducer;

function appendRate(n: number, exact: boolean): number {
  const s = new EventStoreModel();
  const versions = new Int32Array(1000);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const k = i % 1000;
    s.append(
      `acct-${k}`,
      [
        {
          eventId: `e${i}`,
          type: 'Deposited',
          payload: { amount: 1 },
          correlationId: 'c',
          causationId: null,
        },
      ],
      exact ? versions[k] : 'any',
      i,
    );
    versions[k]++;
  }
  return n / ((performance.now() - t0) / 1000);
}

function loadRate(events: number, loads: number, every: number) {
  const s = new EventStoreModel({ every, keepLast: 2, schemaVersion: 1 });
  s.registerReducer('', reducer);
  for (let i = 0; i < events; i++)
    s.append(
      'acct',
      [
        {
          eventId: `e${i}`,
          type: 'Deposited',
          payload: { amount: i % 7 },
          correlationId: 'c',
          causationId: null,
        },
      ],
      'any',
      i,
    );
  const t0 = performance.now();
  let read = 0;
  for (let i = 0; i < loads; i++) read += s.load('acct', reducer).eventsRead;
  return { loadsPerSec: loads / ((performance.now() - t0) / 1000), eventsPerLoad: read / loads };
}

function exampleRun(every: number) {
  const r = validateTopologyText(
    fs.readFileSync(path.join(ROOT, 'public/examples/bank-account-snapshots.json'), 'utf8'),
  );
  if (!r.ok) throw new Error('bank example is invalid');
  const topology = structuredClone(r.topology) as Topology;
  for (const n of topology.nodes)
    if (n.kind === 'event-store') (n.config as { snapshots: { every: number } }).snapshots.every = every;
  const sim = new Simulation(topology, { trace: { capacity: 0 } });
  const t0 = performance.now();
  sim.run();
  const ms = performance.now() - t0;
  const h = sim.action('accounts', 'stats') as { loads: number; eventsRead: number; eventsSkipped: number };
  return {
    ms,
    readPerLoad: h.eventsRead / h.loads,
    savedPct: (100 * h.eventsSkipped) / Math.max(1, h.eventsRead + h.eventsSkipped),
  };
}

function browserTopology(events: number): Topology {
  const rate = 100_000;
  return {
    format: 'messaging-studio/topology',
    version: 1,
    name: 'eventstore-bench',
    simulation: { seed: 1, until: (events / rate) * 1000 },
    nodes: [
      {
        id: 'src',
        kind: 'producer',
        config: {
          rate,
          arrival: 'constant',
          message: {
            kind: 'event',
            type: 'Deposited',
            headers: { 'aggregate-id': 'acct-{{randInt 1 1000}}' },
            payload: { amount: '{{randInt 1 100}}' },
          },
        },
      },
      { id: 'store', kind: 'event-store' },
    ],
    edges: [{ id: 'e1', source: 'src', target: 'store' }],
  } as Topology;
}

async function runBrowser(events: number): Promise<BrowserFigures | { skipped: string }> {
  const exe = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (!fs.existsSync(exe)) return { skipped: `no Chromium at ${exe}` };
  const { build } = await import('esbuild');
  const { chromium } = await import('playwright-core');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'es-bench-'));
  await build({
    entryPoints: {
      eventstorePage: path.join(ROOT, 'bench/eventstorePage.ts'),
      eventstoreWorker: path.join(ROOT, 'bench/eventstoreWorker.ts'),
    },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outdir: dir,
    logLevel: 'error',
  });
  fs.writeFileSync(
    path.join(dir, 'index.html'),
    '<!doctype html><meta charset="utf-8"><script type="module" src="./eventstorePage.js"></script>',
  );
  const server = http.createServer((req, res) => {
    const file = path.join(dir, path.basename((req.url ?? '/').split('?')[0]) || 'index.html');
    if (!fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(200, { 'content-type': 'text/html' }).end(fs.readFileSync(path.join(dir, 'index.html')));
      return;
    }
    res
      .writeHead(200, { 'content-type': file.endsWith('.js') ? 'text/javascript' : 'text/html' })
      .end(fs.readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const browser = await chromium.launch({
    executablePath: exe,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForFunction(() => typeof window.__esStart === 'function');
    await page.evaluate(([t, until]) => window.__esStart(t, until as number, 'eventstore-bench/store'), [
      browserTopology(events),
      (events / 100_000) * 1000,
    ] as const);
    await page.waitForFunction(() => window.__esBench.done, undefined, { timeout: 300_000, polling: 200 });
    const r = await page.evaluate(() => window.__esBench);
    if (r.error) throw new Error(r.error);
    const s = r.samples;
    const start = s.find((x) => x.events > 0) ?? s[0];
    const end = s.find((x) => x.state === 'finished')!;
    const last = s[s.length - 1];
    const runMs = end.t - start.t;
    return {
      events: last.head,
      runMs,
      appendedPerSec: end.head / (runMs / 1000),
      persistedWhileRunning: end.persisted,
      persistedWhileRunningPerSec: end.persisted / (runMs / 1000),
      persistedAllMs: last.t - start.t,
      persistedPerSec: last.persisted / ((last.t - start.t) / 1000),
      batches: last.batches,
      readAllMs: r.readAllMs ?? NaN,
      readCount: r.readCount ?? 0,
      readStreamMs: r.readStreamMs ?? NaN,
      streamEvents: r.streamEvents ?? 0,
      read100kMs: r.read100kMs ?? NaN,
      read100kCount: r.read100kCount ?? 0,
    };
  } finally {
    await browser.close();
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the benchmark. */
export async function benchEventStore(
  o: EventStoreBenchOptions = DEFAULT_EVENTSTORE_BENCH,
): Promise<EventStoreBenchResult> {
  appendRate(Math.min(50_000, o.appends), false); // warm up
  const appendsPerSec = { any: appendRate(o.appends, false), exact: appendRate(o.appends, true) };
  loadRate(2_000, 100, 100);
  // the stream ends 50 events after its last snapshot, so a load folds a real tail
  const load = {
    withSnapshots: loadRate(o.streamEvents + 50, o.loads, 100),
    without: loadRate(o.streamEvents + 50, Math.max(10, o.loads / 50), 0),
  };
  // warm both up, then three interleaved runs each; the median is reported
  exampleRun(25);
  exampleRun(0);
  const withRuns: ReturnType<typeof exampleRun>[] = [];
  const withoutRuns: ReturnType<typeof exampleRun>[] = [];
  for (let i = 0; i < 3; i++) {
    withRuns.push(exampleRun(25));
    withoutRuns.push(exampleRun(0));
  }
  const median = <T extends { ms: number }>(xs: T[]) => [...xs].sort((a, b) => a.ms - b.ms)[1];
  const example = { withSnapshots: median(withRuns), without: median(withoutRuns) };
  const browser = o.browser ? await runBrowser(o.browserEvents) : { skipped: 'not asked' };
  return { appendsPerSec, load, example, browser };
}

const si = (n: number) =>
  n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : n.toFixed(1);

/** The figures as text. */
export function formatEventStoreResult(r: EventStoreBenchResult): string {
  const lines: string[] = [];
  lines.push('In-memory event store (Node):');
  lines.push(
    ...alignColumns([
      ['measure', 'value'],
      ['appends/s, expected any', si(r.appendsPerSec.any)],
      ['appends/s, exact expected version', si(r.appendsPerSec.exact)],
      ['aggregate loads/s, 20 050-event stream, snapshot every 100', si(r.load.withSnapshots.loadsPerSec)],
      ['  events folded per load', r.load.withSnapshots.eventsPerLoad.toFixed(1)],
      ['aggregate loads/s, same stream, no snapshots', si(r.load.without.loadsPerSec)],
      ['  events folded per load', r.load.without.eventsPerLoad.toFixed(0)],
      [
        '  snapshots speed-up',
        `${(r.load.withSnapshots.loadsPerSec / r.load.without.loadsPerSec).toFixed(0)}×`,
      ],
      ['bank example (60 s), snapshots every 25: wall ms', r.example.withSnapshots.ms.toFixed(0)],
      [
        '  events read per load / share skipped',
        `${r.example.withSnapshots.readPerLoad.toFixed(1)} / ${r.example.withSnapshots.savedPct.toFixed(0)} %`,
      ],
      ['bank example (60 s), no snapshots: wall ms', r.example.without.ms.toFixed(0)],
      ['  events read per load', r.example.without.readPerLoad.toFixed(1)],
    ]),
  );
  lines.push('');
  if ('skipped' in r.browser) {
    lines.push(`Headless Chromium: skipped (${r.browser.skipped})`);
  } else {
    const b = r.browser;
    lines.push(
      `Headless Chromium, worker + IndexedDB write-behind (${b.events.toLocaleString('en')} events, 1 000 streams):`,
    );
    lines.push(
      ...alignColumns([
        ['measure', 'value', 'target'],
        ['simulation run (wall ms)', b.runMs.toFixed(0), ''],
        ['appended/s while running', si(b.appendedPerSec), ''],
        [
          'persisted while running',
          `${b.persistedWhileRunning.toLocaleString('en')} (${si(b.persistedWhileRunningPerSec)}/s)`,
          '',
        ],
        ['all persisted after (ms)', b.persistedAllMs.toFixed(0), ''],
        ['persisted appends/s (start → all persisted)', si(b.persistedPerSec), '≥ 100 k'],
        ['write transactions', String(b.batches), ''],
        [
          `read back the first ${b.read100kCount.toLocaleString('en')} events (ms)`,
          b.read100kMs.toFixed(0),
          '≤ 1000',
        ],
        [
          `load all ${b.readCount.toLocaleString('en')} events for seeding a run (ms)`,
          b.readAllMs.toFixed(0),
          '',
        ],
        [
          `read one stream's ${b.streamEvents} events (spread over every chunk) (ms)`,
          b.readStreamMs.toFixed(0),
          '',
        ],
      ]),
    );
  }
  return lines.join('\n') + '\n';
}
