/**
 * Benchmark driver: `npm run bench` runs every suite, `npm run bench -- engine` one (or several) by name.
 * Suites print figures and ratios against a baseline measured in the same invocation; they never fail on a
 * timing. The process exits 0 unless a suite crashes.
 *
 * To add a suite, export a function from bench/<name>.ts and append one entry to SUITES below.
 */
import { alignColumns } from '../src/cli/table';
import { benchEngine, formatEngineResult, si } from './engine';
import { benchExpressions, type ExpressionBenchResult } from './expressions';
import { benchRouting, formatRoutingResult } from './routing';
import { benchResilience, formatResilienceResult } from './resilience';
import { benchEventStore, formatEventStoreResult } from './eventstore';
import { benchThroughput, formatThroughputResult } from './throughput';

/** A registered suite: `run` does the measuring and returns the text to print. */
export interface BenchSuite {
  name: string;
  description: string;
  run(): string | Promise<string>;
}

// ---- registration list: append your suite here (static imports at the top of the file) ----
const SUITES: BenchSuite[] = [
  {
    name: 'engine',
    description:
      'engine events/s and messages/s: M/M/1 and a 50-node pipeline at ~1k and ~100k pending events, vs SimPy',
    run: () => formatEngineResult(benchEngine()),
  },
  {
    name: 'expressions',
    description: 'expression language evaluations/s against the same logic hand-written in JavaScript',
    run: async () => formatExpressions(await benchExpressions()),
  },
  {
    name: 'routing',
    description: 'content-based router (3 rules) and message filter cost per message in the engine, vs producer → sink',
    run: async () => formatRoutingResult(await benchRouting()),
  },
  {
    name: 'eventstore',
    description: 'event store: in-memory appends/s, aggregate loads with vs without snapshots, persisted appends/s and read-back in headless Chromium',
    run: async () => formatEventStoreResult(await benchEventStore()),
  },
  {
    name: 'throughput',
    description: 'codec MB/s and ratios on the example payloads (feeds the codec cost model), AES-GCM MB/s, engine with batching/compression/encryption/access control vs producer → sink',
    run: () => formatThroughputResult(benchThroughput()),
  },
  {
    name: 'resilience',
    description: 'engine throughput with fault injection and live invariants on, relative to off (target ≥ 0.7)',
    run: async () => formatResilienceResult(await benchResilience()),
  },
];
// ---- end of registration list ----

/** The expressions suite's table. */
function formatExpressions(results: ExpressionBenchResult[]): string {
  const rows = [['expression', 'evals/s', 'hand-written JS', 'JS / ours']];
  for (const r of results) {
    rows.push([
      r.name,
      si(r.evalsPerSecond),
      si(r.baselineEvalsPerSecond),
      `${(r.baselineEvalsPerSecond / r.evalsPerSecond).toFixed(1)}×`,
    ]);
  }
  return alignColumns(rows).join('\n') + '\n';
}

const USAGE = `Usage: npm run bench [-- <suite> ...]
Suites:
${SUITES.map((s) => `  ${s.name.padEnd(14)}${s.description}`).join('\n')}`;

async function main(argv: string[]): Promise<number> {
  if (argv.includes('-h') || argv.includes('--help')) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  const unknown = argv.filter((a) => !SUITES.some((s) => s.name === a));
  if (unknown.length) {
    process.stderr.write(`error: unknown suite ${unknown.map((u) => `"${u}"`).join(', ')}\n\n${USAGE}\n`);
    return 2;
  }
  const chosen = argv.length ? SUITES.filter((s) => argv.includes(s.name)) : SUITES;
  for (const suite of chosen) {
    process.stdout.write(`\n== ${suite.name} ==\n`);
    const started = performance.now();
    process.stdout.write(await suite.run());
    process.stdout.write(`(${suite.name}: ${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(
      `benchmark crashed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exitCode = 1;
  },
);
