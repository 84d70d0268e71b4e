import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunReport } from '../engine/report';
import { parseArgs, USAGE } from './args';
import { EXIT, formatReport, main, runTopologyText } from './run';
import { alignColumns, formatNumber, formatTable } from './table';

const ROOT = resolve(__dirname, '../..');
const ORDER_QUEUE = join(ROOT, 'public/examples/order-queue.json');

/** A small valid topology: producer → channel → one worker, plus a dead-letter channel. */
function topology(overrides: Record<string, unknown> = {}) {
  return {
    format: 'messaging-studio/topology',
    version: 1,
    name: 'CLI test',
    simulation: { seed: 3, until: 5000 },
    nodes: [
      { id: 'src', kind: 'producer', config: { rate: 50, arrival: 'constant' } },
      { id: 'q', kind: 'point-to-point', config: {} },
      { id: 'w', kind: 'service-activator', config: { serviceTime: { dist: 'constant', value: 5 } } },
    ],
    edges: [
      { id: 'e1', source: 'src', target: 'q' },
      { id: 'e2', source: 'q', target: 'w' },
    ],
    ...overrides,
  };
}

const files = (map: Record<string, string>) => (p: string) => {
  if (p in map) return map[p];
  throw Object.assign(new Error(`ENOENT: no such file, open '${p}'`), { code: 'ENOENT' });
};

describe('parseArgs', () => {
  it('reads the file and every option, in both --flag value and --flag=value forms', () => {
    expect(parseArgs(['a.json', '--seed', '7', '--until=2500', '--events', '100', '--format=table'])).toEqual(
      {
        kind: 'run',
        options: { file: 'a.json', seed: 7, until: 2500, events: 100, format: 'table' },
      },
    );
    expect(parseArgs(['--format', 'json', 'b.json'])).toEqual({
      kind: 'run',
      options: { file: 'b.json', format: 'json' },
    });
  });

  it('defaults to json and leaves unset overrides undefined', () => {
    const r = parseArgs(['x.json']);
    expect(r).toEqual({ kind: 'run', options: { file: 'x.json', format: 'json' } });
  });

  it('asks for help with -h or --help, wherever it is', () => {
    expect(parseArgs(['--help'])).toEqual({ kind: 'help' });
    expect(parseArgs(['a.json', '-h'])).toEqual({ kind: 'help' });
  });

  it('takes file names that start with a dash after --', () => {
    expect(parseArgs(['--', '-odd.json'])).toEqual({
      kind: 'run',
      options: { file: '-odd.json', format: 'json' },
    });
  });

  it.each([
    [['a.json', '--speed', '2'], 'unknown option "--speed"'],
    [['a.json', '--seed'], '--seed needs a value'],
    [['a.json', '--seed', '1.5'], '--seed must be a whole number'],
    [['a.json', '--seed', '-1'], '--seed must be a whole number'],
    [['a.json', '--seed', '4294967296'], '--seed must be a whole number'],
    [['a.json', '--until', '0'], '--until must be a number'],
    [['a.json', '--until', 'soon'], '--until must be a number'],
    [['a.json', '--until='], '--until must be a number'],
    [['a.json', '--events', '0'], '--events must be a whole number'],
    [['a.json', '--format', 'csv'], '--format must be json or table'],
    [[], 'no topology file given'],
    [['a.json', 'b.json'], 'one topology file at a time'],
  ])('refuses %j', (argv, message) => {
    const r = parseArgs(argv);
    expect(r.kind).toBe('error');
    if (r.kind === 'error') expect(r.message).toContain(message);
  });
});

describe('table formatting', () => {
  it('formats numbers: integers plainly, fractions with two decimals, large fractions rounded', () => {
    expect(formatNumber(42)).toBe('42');
    expect(formatNumber(3.14159)).toBe('3.14');
    expect(formatNumber(12345.678)).toBe('12346');
  });

  it('aligns the first column left and the others right', () => {
    expect(
      alignColumns([
        ['a', '1'],
        ['long', '100'],
      ]),
    ).toEqual(['a       1', 'long  100']);
  });

  it('prints one row per node, the edges and the totals of a real run', () => {
    const run = runTopologyText(JSON.stringify(topology()), 't.json');
    expect(run.ok).toBe(true);
    if (!run.ok) return;
    const text = formatTable(run.report);
    const lines = text.split('\n');
    const header = lines.findIndex((l) => l.startsWith('node '));
    expect(header).toBeGreaterThan(0);
    const rows = lines.slice(header + 1, header + 4);
    expect(rows.map((r) => r.split(/\s+/)[0])).toEqual(['src', 'q', 'w']);
    // every row of the node table has the same width as the header (aligned)
    for (const r of rows) expect(r.length).toBe(lines[header].length);
    const w = run.report.nodes.w;
    expect(rows[2]).toContain((w.utilization * 100).toFixed(1));
    expect(text).toMatch(new RegExp(`completed\\s+${run.report.totals.completed}\\n`));
    expect(text).toContain(`trace digest ${run.report.traceDigest}`);
    expect(text).toMatch(/e1\s+\d+/);
  });
});

describe('table of edges with links', () => {
  it('shows link utilization and backlog for edges with a link with capacity', () => {
    const t = topology({
      edges: [
        { id: 'e1', source: 'src', target: 'q', link: { bandwidth: 10_000, latency: 2 } },
        { id: 'e2', source: 'q', target: 'w' },
      ],
    });
    const run = runTopologyText(JSON.stringify(t), 'l.json');
    if (!run.ok) throw new Error(run.errors.join('\n'));
    const link = run.report.edges.e1.link;
    expect(link?.messages).toBe(run.report.edges.e1.messages);
    const text = formatTable(run.report);
    expect(text).toContain('link util %');
    expect(text).toMatch(
      new RegExp(
        `e1\\s+${run.report.edges.e1.messages}\\s+${((link?.utilization ?? 0) * 100).toFixed(1)}\\s`,
      ),
    );
  });
});

describe('runTopologyText', () => {
  it('runs to until, applies seed and until overrides, and gives the documented report shape', () => {
    const run = runTopologyText(JSON.stringify(topology()), 't.json', { seed: 9, until: 2000 });
    expect(run.ok).toBe(true);
    if (!run.ok) return;
    const r = run.report;
    expect(r.seed).toBe(9);
    expect(r.until).toBe(2000);
    expect(r.now).toBe(2000);
    // constant arrivals every 20 ms from t = 0 up to and including t = 2000
    expect(r.totals.produced).toBe(101);
    expect(r.totals.completed).toBe(r.totals.produced - r.totals.inFlight);
    expect(r.nodes.w.latency.mean).toBeCloseTo(5, 6);
    expect(r.nodes.w.utilization).toBeGreaterThan(0.2);
    expect(r.edges.e1.messages).toBe(101);
    expect(r.traceDigest).toMatch(/^[0-9a-f]{16}$/);
    expect(run.note).toBeUndefined();
  });

  it('stops at --events with a note', () => {
    const run = runTopologyText(JSON.stringify(topology()), 't.json', { events: 10 });
    expect(run.ok && run.report.events).toBe(10);
    expect(run.ok && run.note).toMatch(/stopped after 10 events/);
  });

  it('is deterministic: same seed, same digest; another seed, another digest', () => {
    const text = JSON.stringify(
      topology({
        nodes: [
          { id: 'src', kind: 'producer', config: { rate: 100 } },
          { id: 's', kind: 'sink' },
        ],
        edges: [{ id: 'e', source: 'src', target: 's' }],
      }),
    );
    const digest = (seed: number) => {
      const r = runTopologyText(text, 't.json', { seed });
      return r.ok ? r.report.traceDigest : r.errors.join();
    };
    expect(digest(1)).toBe(digest(1));
    expect(digest(1)).not.toBe(digest(2));
  });

  it('returns every validation error as one line with file, path, node and code', () => {
    const bad = topology({
      nodes: [
        { id: 'src', kind: 'producer', config: { rate: -1 } },
        { id: 'x', kind: 'teleporter' },
      ],
      edges: [{ id: 'e1', source: 'src', target: 'nowhere' }],
    });
    const run = runTopologyText(JSON.stringify(bad), 'bad.json');
    expect(run.ok).toBe(false);
    if (run.ok) return;
    expect(run.errors).toHaveLength(3);
    expect(run.errors[0]).toMatch(/^bad\.json: nodes\[0\]\.config\.rate \(node "src"\): E122 /);
    expect(run.errors[1]).toBe('bad.json: nodes[1].kind (node "x"): E120 unknown kind "teleporter"');
    expect(run.errors[2]).toBe(
      'bad.json: edges[0].target (edge "e1"): E130 target node "nowhere" does not exist',
    );
  });

  it('reports JSON syntax errors with line and column', () => {
    const run = runTopologyText('{\n\n x}', 'broken.json');
    expect(run.ok).toBe(false);
    if (!run.ok)
      expect(run.errors).toEqual([expect.stringMatching(/^broken\.json:3:2: E100 invalid JSON: /)]);
  });

  it('turns an error at start (a bad template placeholder) into one line', () => {
    const bad = topology({
      nodes: [
        { id: 'src', kind: 'producer', config: { message: { payload: { n: '{{nope}}' } } } },
        { id: 's', kind: 'sink' },
      ],
      edges: [{ id: 'e1', source: 'src', target: 's' }],
    });
    const run = runTopologyText(JSON.stringify(bad), 'tpl.json');
    expect(run.ok).toBe(false);
    if (!run.ok) {
      expect(run.errors).toHaveLength(1);
      expect(run.errors[0]).toMatch(/^tpl\.json: cannot start the run: .*unknown placeholder \{\{nope\}\}/);
    }
  });
});

describe('main', () => {
  it('prints the JSON report and nothing else on stdout', () => {
    const r = main(['t.json'], files({ 't.json': JSON.stringify(topology()) }));
    expect(r.code).toBe(EXIT.ok);
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout) as RunReport;
    expect(report.topology).toBe('CLI test');
    expect(Object.keys(report.nodes)).toEqual(['src', 'q', 'w']);
    expect(report.nodes.q).toMatchObject({ kind: 'point-to-point', queue: { depth: 0 } });
    expect(Object.keys(report.totals)).toEqual(
      expect.arrayContaining(['produced', 'completed', 'deadLettered', 'dropped', 'inFlight', 'latency']),
    );
  });

  it('prints the table with --format table', () => {
    const r = main(['t.json', '--format', 'table'], files({ 't.json': JSON.stringify(topology()) }));
    expect(r.code).toBe(EXIT.ok);
    expect(r.stdout.startsWith('CLI test\n')).toBe(true);
    expect(r.stdout).toContain('Totals');
  });

  it('prints usage on --help, to stdout, exit 0', () => {
    const r = main(['--help']);
    expect(r).toEqual({ code: EXIT.ok, stdout: USAGE + '\n', stderr: '' });
  });

  it('exits 2 with the message and usage on a bad flag or a missing file', () => {
    const flag = main(['t.json', '--sed', '1'], files({}));
    expect(flag.code).toBe(EXIT.usage);
    expect(flag.stdout).toBe('');
    expect(flag.stderr.split('\n')[0]).toBe('error: unknown option "--sed"');
    expect(flag.stderr).toContain('Usage:');
    const missing = main(['missing.json'], files({}));
    expect(missing.code).toBe(EXIT.usage);
    expect(missing.stderr.split('\n')[0]).toBe('error: missing.json: no such file');
    expect(missing.stderr).toContain('Usage:');
  });

  it('exits 1 with one error a line on an invalid file', () => {
    const r = main(['bad.json'], files({ 'bad.json': '{"format":"messaging-studio/topology","version":1}' }));
    expect(r.code).toBe(EXIT.invalid);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines.length).toBe(3);
    for (const l of lines)
      expect(l).toMatch(/^bad\.json: (name|nodes|edges): E112 required field is missing/);
  });

  it('formats a report in either format', () => {
    const run = runTopologyText(readFileSync(ORDER_QUEUE, 'utf8'), 'order-queue.json');
    if (!run.ok) throw new Error(run.errors.join('\n'));
    expect(JSON.parse(formatReport(run.report, 'json'))).toEqual(JSON.parse(JSON.stringify(run.report)));
    expect(formatReport(run.report, 'table')).toContain('Order queue');
  });
});

describe('invariants', () => {
  const withInvariants = (invariants: unknown[]) =>
    JSON.stringify(
      topology({
        nodes: [
          { id: 'src', kind: 'producer', config: { rate: 50 } },
          { id: 'w', kind: 'service-activator', config: { serviceTime: { dist: 'constant', value: 5 } } },
          { id: 'done', kind: 'sink' },
        ],
        edges: [
          { id: 'e1', source: 'src', target: 'w' },
          { id: 'e2', source: 'w', target: 'done' },
        ],
        invariants,
      }),
    );

  it('exits 3 with one stderr line per failed invariant, and still prints the report', () => {
    const text = withInvariants([
      { id: 'fast', kind: 'latency', at: 'done', percentile: 50, under: 1 },
      { id: 'complete', kind: 'no-loss', from: 'src', to: 'done' },
    ]);
    const r = main(['inv.json', '--format', 'table'], files({ 'inv.json': text }));
    expect(r.code).toBe(EXIT.invariant);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^inv\.json: invariant "fast" \(latency\) failed: \d+ violations?; first: m\d+ at [\d.]+ ms: /,
    );
    expect(r.stdout).toMatch(/Invariants\n/);
    expect(r.stdout).toMatch(/fast\s+latency\s+FAILED/);
    expect(r.stdout).toMatch(/complete\s+no-loss\s+holds/);
    const json = JSON.parse(main(['inv.json'], files({ 'inv.json': text })).stdout) as RunReport;
    expect(json.invariants?.map((i) => [i.id, i.ok])).toEqual([
      ['fast', false],
      ['complete', true],
    ]);
  });

  it('exits 0 when every invariant holds', () => {
    const r = main(
      ['inv.json'],
      files({ 'inv.json': withInvariants([{ id: 'ok', kind: 'latency', at: 'done', under: 100 }]) }),
    );
    expect(r.code).toBe(EXIT.ok);
    expect(r.stderr).toBe('');
  });
});

describe('the CLI as a process', () => {
  const spawn = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/run.ts'), ...args], {
      cwd: ROOT,
      encoding: 'utf8',
    });

  it('exits non-zero on an invalid file with its errors, one a line, on stderr and no stack trace', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-cli-'));
    const file = join(dir, 'bad.json');
    writeFileSync(
      file,
      JSON.stringify(
        topology({
          nodes: [{ id: 'src', kind: 'producer', config: { rate: 0, extra: true } }],
          edges: [{ id: 'e1', source: 'src', target: 'ghost' }],
        }),
      ),
    );
    const r = spawn(file);
    expect(r.status).toBe(EXIT.invalid);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/bad\.json: nodes\[0\]\.config\.rate \(node "src"\): E122 /),
      `${file}: nodes[0].config.extra (node "src"): E110 unknown field "extra"`,
      `${file}: edges[0].target (edge "e1"): E130 target node "ghost" does not exist`,
    ]);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('runs a real example and prints parseable JSON only', () => {
    const r = spawn(ORDER_QUEUE, '--until', '2000');
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout) as RunReport;
    expect(report.until).toBe(2000);
    expect(report.totals.completed).toBeGreaterThan(0);
  });
});
