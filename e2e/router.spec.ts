// A content-based router built in the studio: two rules and an otherwise port, typed in the generated
// inspector (an invalid expression shows E140 while typing), run to the end, and the per-port counts the
// studio shows compared with what the rules imply — and with the headless engine on the exported file.
import { Simulation } from '../src/engine/Simulation';
import { validateTopology } from '../src/model/topology';
import { RunPage } from './fixtures/RunPage';
import { expect, test } from './fixtures/StudioPage';

const UNTIL_MS = 10_000;

test('a router with two rules and otherwise: per-port counts match the rules', async ({ studio, page }) => {
  await studio.goto();
  // added with the keyboard: each lands in the middle of the visible canvas, nudged off the others
  const producer = await studio.addWithKeyboard('producer');
  const router = await studio.addWithKeyboard('content-based-router');
  const early = await studio.addWithKeyboard('sink');
  const middle = await studio.addWithKeyboard('sink');
  const late = await studio.addWithKeyboard('sink');
  await expect(studio.nodes).toHaveCount(5);
  // … and overlapping a little: auto-layout spreads them out (wait until no two overlap and they stand still)
  await page.getByRole('button', { name: 'Auto-layout' }).click();
  let last = '';
  await expect
    .poll(
      async () => {
        const boxes = await studio.nodes.evaluateAll((els) =>
          els.map((e) => e.getBoundingClientRect()).map((r) => [r.left, r.top, r.right, r.bottom]),
        );
        const apart = boxes.every(([l, t, r, b], i) =>
          boxes.every(([l2, t2, r2, b2], j) => i === j || r <= l2 || r2 <= l || b <= t2 || b2 <= t),
        );
        const now = JSON.stringify(boxes);
        const still = now === last;
        last = now;
        return apart && still;
      },
      { message: 'nodes laid out without overlap', intervals: [200] },
    )
    .toBe(true);

  // Two rules, in order: the default rule renamed and rewritten, and a second one added.
  await studio.select(router);
  const names = studio.inspector.getByLabel('Name (output port)', { exact: true });
  const whens = studio.inspector.getByLabel('When', { exact: true });
  await names.nth(0).fill('early');
  await whens.nth(0).fill('now() < 3000');
  await studio.inspector.getByRole('button', { name: 'Add rule' }).click();
  await names.nth(1).fill('middle');
  // an expression that does not parse is refused as you type, with where
  await whens.nth(1).fill('now() <');
  await expect(studio.inspector.locator('.field.is-invalid')).toContainText('E140');
  await expect(studio.inspector.locator('.field.is-invalid')).toContainText('at character');
  await whens.nth(1).fill('now() < 6000');
  await expect(studio.inspector.locator('.field.is-invalid')).toHaveCount(0);

  // One output port per rule, plus otherwise.
  await expect(studio.handle(router, 'early', 'source')).toBeVisible();
  await expect(studio.handle(router, 'middle', 'source')).toBeVisible();
  await studio.connect(producer, 'out', router, 'in');
  await studio.connect(router, 'early', early, 'in');
  await studio.connect(router, 'middle', middle, 'in');
  await studio.connect(router, 'otherwise', late, 'in');
  await expect(studio.edges).toHaveCount(4);
  await studio.clickEmptyCanvas();
  await expect(page.getByTestId('problem-chip')).toHaveCount(0);

  // Run to 10 s of virtual time, as fast as possible.
  const run = new RunPage(studio);
  await page.getByTestId('run-until').fill(String(UNTIL_MS / 1000));
  await page.getByTestId('run-until').press('Enter');
  await run.setSpeed('max');
  await page.getByTestId('run-start').click();
  await expect(run.clock).toHaveAttribute('data-status', 'finished', { timeout: 30_000 });
  const shown = {
    early: await run.received(early),
    middle: await run.received(middle),
    late: await run.received(late),
  };

  // What the rules imply: the producer (10 msg/s, Poisson) makes about 30 messages in each of the first two
  // 3-second windows and about 40 in the last 4 s; every message takes exactly one port.
  for (const n of Object.values(shown)) expect(n).toBeGreaterThan(5);

  // The same file in the headless engine, same seed, same end: the same counts per port, and every message
  // took the port its arrival time implies.
  const exported = await studio.topology();
  const checked = validateTopology(exported);
  expect(checked.ok).toBe(true);
  if (!checked.ok) return;
  const sim = new Simulation(checked.topology, { until: UNTIL_MS, trace: { capacity: 100_000, sample: 1 } });
  sim.run();
  const byPort: Record<string, number> = {};
  for (const e of sim.edges)
    if (sim.nodes[e.source].id === router) byPort[e.sourcePort] = sim.metrics.edgeMessages[e.index];
  expect(shown).toEqual({ early: byPort.early, middle: byPort.middle, late: byPort.otherwise });
  expect(shown.early + shown.middle + shown.late).toBe(sim.metrics.produced);

  const spans = sim.trace.since(0);
  const routerIndex = sim.indexOf(router);
  let routed = 0;
  for (let i = 0; i < spans.count; i++) {
    if (spans.node[i] !== routerIndex) continue;
    routed++;
    const t = spans.tOut[i];
    const expected = t < 3000 ? 'early' : t < 6000 ? 'middle' : 'otherwise';
    expect(sim.trace.strings.values[spans.port[i]], `message at ${t} ms`).toBe(expected);
  }
  expect(routed).toBe(sim.metrics.produced);
});
