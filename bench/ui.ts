/**
 * UI benchmark (`npm run bench:ui`): the built studio in headless Chromium.
 *
 *  1. Canvas frame rate with a generated 500-node / 600-edge topology: idle (baseline), then running as fast
 *     as possible with the panels open — median fps and p95 frame time from requestAnimationFrame deltas
 *     over ~5 s each. Targets: ≥ 55 fps median, p95 ≤ 20 ms. The fitted view of 500 nodes is below the
 *     zoom at which badges are drawn, so the run is measured again zoomed in (badges and labels live), and
 *     with the trace panel open.
 *  2. Main-thread cost of one frame of 10k trace spans: the TraceBuffer append and the whole frame
 *     handling (frame store push), timed in the page through `window.__studioBench` (installed with
 *     `?bench=1`), and the same append in Node for comparison. Target: ≤ 1 ms.
 *  3. Mounting the trace list over 1M rows (until the rows are in the DOM, and until the next paint).
 *     Target: ≤ 50 ms.
 *
 * It builds the app when dist/ is missing, serves it with `vite preview` on a free port, and writes the
 * generated topology to dist/examples/bench-500.json (opened with `?example=bench-500`). Chromium comes from
 * CHROMIUM_PATH or /usr/bin/chromium. It prints figures and never fails on a timing.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { syntheticSpans } from '../src/ui/panels/benchHooks';
import { TraceBuffer } from '../src/state/run/TraceBuffer';
import { benchTopology } from './uiTopology';

const ROOT = path.resolve(import.meta.dirname, '..');
const DIST = path.join(ROOT, 'dist');
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

async function waitForServer(url: string, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`vite preview did not answer at ${url}`);
}

/** Polls a page expression (given as text) until it is truthy. (waitForFunction would need 'unsafe-eval'.) */
async function waitFor(page: Page, expression: string, timeout: number): Promise<void> {
  const end = Date.now() + timeout;
  while (Date.now() < end) {
    if (await page.evaluate(expression)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${expression}`);
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : NaN;
};
const f = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : '–');

/** requestAnimationFrame deltas over `ms` in the page. */
async function frameDeltas(page: Page, ms: number): Promise<number[]> {
  // page scripts are passed as text: tsx would otherwise wrap named functions in a helper the page lacks
  return page.evaluate(`new Promise((resolve) => {
    const deltas = [];
    let last = -1;
    const start = performance.now();
    requestAnimationFrame(function tick(t) {
      if (last >= 0) deltas.push(t - last);
      last = t;
      if (t - start < ${ms}) requestAnimationFrame(tick);
      else resolve(deltas);
    });
  })`);
}

function describeFps(label: string, deltas: number[]): { fps: number; p95: number; line: string } {
  const median = quantile(deltas, 0.5);
  const p95 = quantile(deltas, 0.95);
  const fps = 1000 / median;
  return {
    fps,
    p95,
    line: `${label.padEnd(34)} median ${f(fps)} fps (${f(median, 2)} ms), p95 frame ${f(p95, 2)} ms, max ${f(Math.max(...deltas), 1)} ms, ${deltas.length} frames`,
  };
}

function nodeAppendBench(): { median: number; p95: number } {
  const buf = new TraceBuffer();
  const times: number[] = [];
  for (let r = 0; r < 150; r++) {
    const spans = syntheticSpans(10_000, 500, buf.written);
    const t = performance.now();
    buf.append(spans);
    times.push(performance.now() - t);
  }
  const warm = times.slice(20);
  return { median: quantile(warm, 0.5), p95: quantile(warm, 0.95) };
}

async function main(): Promise<void> {
  if (!fs.existsSync(path.join(DIST, 'index.html'))) {
    process.stdout.write('dist/ not found: building (vite build)…\n');
    const b = spawnSync('npx', ['vite', 'build'], { cwd: ROOT, stdio: 'inherit' });
    if (b.status !== 0) throw new Error('vite build failed');
  }
  const topology = benchTopology();
  fs.mkdirSync(path.join(DIST, 'examples'), { recursive: true });
  fs.writeFileSync(path.join(DIST, 'examples', 'bench-500.json'), JSON.stringify(topology));

  const port = await freePort();
  const server: ChildProcess = spawn('npx', ['vite', 'preview', '--port', String(port), '--strictPort'], {
    cwd: ROOT,
    stdio: 'ignore',
    detached: true,
  });
  const stopServer = () => {
    if (server.pid) {
      try {
        process.kill(-server.pid);
      } catch {
        // already gone
      }
    }
  };
  process.on('exit', stopServer);
  const base = `http://127.0.0.1:${port}/`;
  const out: string[] = [];
  const say = (line: string) => {
    out.push(line);
    process.stdout.write(line + '\n');
  };
  try {
    await waitForServer(base, 30_000);
    const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
    const browser = await chromium.launch({ executablePath, args: FLAGS });
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });

    say(
      `UI benchmark — ${topology.nodes.length} nodes, ${topology.edges.length} edges, chromium ${browser.version()}, 1280×800`,
    );
    await page.goto(`${base}?example=bench-500&bench=1`);
    try {
      await waitFor(page, `document.querySelectorAll('.react-flow__node').length > 0`, 120_000);
    } catch (err) {
      fs.mkdirSync(path.join(ROOT, 'bench', 'out'), { recursive: true });
      await page
        .screenshot({ path: path.join(ROOT, 'bench', 'out', 'ui-failure.png'), timeout: 10_000 })
        .catch(() => {});
      throw new Error(
        `the topology did not appear (screenshot: bench/out/ui-failure.png; ${problems.join(' | ') || 'no page errors'})`,
        { cause: err },
      );
    }
    await page.waitForTimeout(1500);
    const rendered = await page.evaluate<number>(`document.querySelectorAll('.react-flow__node').length`);
    say(`nodes rendered on the canvas: ${rendered}`);

    const idle = describeFps('idle canvas (baseline)', await frameDeltas(page, 5000));
    say(idle.line);

    await page.selectOption('[data-testid=run-speed]', 'max');
    await page.click('[data-testid=run-start]');
    await waitFor(
      page,
      `Number(document.querySelector('[data-testid=run-clock]')?.getAttribute('data-now')) > 0`,
      30_000,
    );
    await page.waitForTimeout(1000);
    const running = describeFps('running, as fast as possible', await frameDeltas(page, 5000));
    say(running.line);
    say(
      `  ratio to idle: ${f(running.fps / idle.fps, 2)}× fps; targets ≥ 55 fps median: ${running.fps >= 55 ? 'met' : 'NOT met'}, p95 ≤ 20 ms: ${running.p95 <= 20 ? 'met' : 'NOT met'}`,
    );
    const clock = await page.evaluate<string>(
      `Array.from(document.querySelector('.run-clock')?.children ?? []).map((c) => c.textContent).join(' ')`,
    );
    say(`  run clock at the end: ${clock.replace(/\s+/g, ' ').trim()}`);

    // zoomed in far enough for the badges and edge labels to be drawn (they are not below 50 %)
    const zoom = () =>
      page.evaluate<number>(
        `new DOMMatrix(getComputedStyle(document.querySelector('.react-flow__viewport')).transform).a`,
      );
    for (let i = 0; i < 20 && (await zoom()) < 0.9; i++) {
      await page.click('.react-flow__controls-zoomin');
      await page.waitForTimeout(120);
    }
    await page.waitForTimeout(800);
    const badges = await page.evaluate<number>(
      `document.querySelectorAll('[data-testid=live-badges]').length`,
    );
    const zoomed = describeFps(
      `running, zoom ${f((await zoom()) * 100, 0)} %`,
      await frameDeltas(page, 4000),
    );
    say(`${zoomed.line} (${badges} nodes with live badges drawn)`);
    await page.click('.react-flow__controls-fitview');
    await page.waitForTimeout(800);

    await page.click('[data-testid=panel-tab-trace]');
    await page.waitForTimeout(500);
    const withTrace = describeFps('running, trace panel open', await frameDeltas(page, 4000));
    say(withTrace.line);

    await page.click('[data-testid=run-pause]');
    await page.waitForTimeout(500);

    const timing = await page.evaluate<{ append: number[]; push: number[] }>(
      `window.__studioBench.timeFrame(10000, 30)`,
    );
    const append = timing.append.slice(3);
    const push = timing.push.slice(3);
    const nodeAppend = nodeAppendBench();
    say(
      `one frame of 10k spans, main thread (in the page, paused run; 27 samples, each the mean of a batch of 10):`,
    );
    say(
      `  TraceBuffer.append            median ${f(quantile(append, 0.5), 3)} ms, p95 ${f(quantile(append, 0.95), 3)} ms (target ≤ 1 ms: ${quantile(append, 0.5) <= 1 ? 'met' : 'NOT met'})`,
    );
    say(
      `  whole frame push (append + series + store update, before React renders)  median ${f(quantile(push, 0.5), 3)} ms, p95 ${f(quantile(push, 0.95), 3)} ms`,
    );
    say(
      `  same append in Node (micro-benchmark)  median ${f(nodeAppend.median, 3)} ms, p95 ${f(nodeAppend.p95, 3)} ms`,
    );

    // 1M-row trace list: fill the buffer, close the panel, then time opening it
    await page.click('[data-testid=panel-tab-throughput]');
    const rows = await page.evaluate<number>(`window.__studioBench.fillTrace(1000000)`);
    await page.waitForTimeout(300);
    const mount = await page.evaluate<{
      dom: number;
      paint: number;
      rows: number;
    }>(`new Promise((resolve) => {
      const tab = document.querySelector('[data-testid=panel-tab-trace]');
      const t0 = performance.now();
      tab.click();
      const check = () => {
        const list = document.querySelector('[data-testid=trace-list]');
        if (list && list.querySelector('.trace-row')) {
          const dom = performance.now() - t0;
          requestAnimationFrame(() => setTimeout(() => resolve({ dom, paint: performance.now() - t0, rows: Number(list.getAttribute('data-rows')) }), 0));
        } else requestAnimationFrame(check);
      };
      queueMicrotask(check);
    })`);
    say(
      `trace list over ${mount.rows.toLocaleString('en')} rows (buffer holds ${rows.toLocaleString('en')}):`,
    );
    say(
      `  mounted with rows in the DOM after ${f(mount.dom, 1)} ms, painted after ${f(mount.paint, 1)} ms (target ≤ 50 ms: ${mount.dom <= 50 ? 'met' : 'NOT met'})`,
    );
    if (problems.length) say(`page problems (${problems.length}): ${problems.slice(0, 5).join(' | ')}`);
    await browser.close();
  } finally {
    stopServer();
  }
  fs.mkdirSync(path.join(ROOT, 'bench', 'out'), { recursive: true });
  fs.writeFileSync(path.join(ROOT, 'bench', 'out', 'ui.txt'), out.join('\n') + '\n');
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(
      `UI benchmark crashed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  },
);
