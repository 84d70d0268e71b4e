// Running in the studio: build a queue with two competing consumers from the palette, run it, watch the
// load being shared, and follow one message from the trace to its path on the canvas.
import { RunPage } from './fixtures/RunPage';
import { expect, test } from './fixtures/StudioPage';

test('a queue with two competing consumers runs, shares the load, and a traced message lights its path', async ({
  studio,
  page,
}) => {
  await studio.goto();
  // the first node added to an empty canvas is framed by a fit; then zoom out so that five nodes fit side by
  // side, and place the others relative to the first (a drop centres the node on the pointer)
  const producer = await studio.dragFromPalette('producer', 120, 150);
  await page.waitForTimeout(300);
  for (let i = 0; i < 3; i++) await page.locator('.react-flow__controls-zoomout').click();
  await page.waitForTimeout(400);
  const canvasBox = (await studio.canvas.boundingBox())!;
  let p = (await studio.node(producer).boundingBox())!;
  // pan so that the producer sits near the left edge, a little above the middle
  const shiftX = p.x - canvasBox.x - 40;
  const shiftY = p.y - canvasBox.y - 150;
  await page.mouse.move(canvasBox.x + canvasBox.width - 60, canvasBox.y + 120);
  await page.mouse.down();
  await page.mouse.move(canvasBox.x + canvasBox.width - 60 - shiftX, canvasBox.y + 120 - shiftY, {
    steps: 8,
  });
  await page.mouse.up();
  p = (await studio.node(producer).boundingBox())!;
  const x0 = p.x - canvasBox.x + p.width / 2;
  const y0 = p.y - canvasBox.y + p.height / 2;
  const dx = p.width * 1.35;
  const queue = await studio.dragFromPalette('point-to-point', x0 + dx, y0);
  const a = await studio.dragFromPalette('service-activator', x0 + 2 * dx, y0 - p.height * 0.9);
  const b = await studio.dragFromPalette('service-activator', x0 + 2 * dx, y0 + p.height * 0.9);
  const dlq = await studio.dragFromPalette('dead-letter', x0 + dx, y0 + p.height * 1.6);
  await expect(studio.nodes).toHaveCount(5);

  await studio.connect(producer, 'out', queue, 'in');
  await studio.connect(queue, 'out', a, 'in');
  await studio.connect(queue, 'out', b, 'in');
  await studio.connect(queue, 'dead-letter', dlq, 'in');
  await expect(studio.edges).toHaveCount(4);

  await studio.select(producer);
  await studio.setField('Rate', '60');
  await studio.select(a);
  await studio.setField('Workers', '2');
  await studio.select(b);
  await studio.setField('Workers', '2');
  await studio.clickEmptyCanvas();

  const run = new RunPage(studio);
  await run.setSpeed('10');
  await run.start();
  await run.openPanel('throughput');

  // both consumers get work, and round-robin dispatch shares it about evenly
  await run.waitForReceived(a, 100);
  await run.waitForReceived(b, 100);
  await expect
    .poll(() => run.legendValue('completed'), { message: 'completed messages per second' })
    .toBeGreaterThan(0);
  await expect.poll(() => run.legendValue('produced')).toBeGreaterThan(0);
  await run.pause();
  const [ra, rb] = [await run.received(a), await run.received(b)];
  expect(ra).toBeGreaterThan(0);
  expect(rb).toBeGreaterThan(0);
  expect(Math.abs(ra - rb) / (ra + rb)).toBeLessThan(0.2);

  // the trace: find one message, pick it, see its path on the canvas
  await run.openPanel('trace');
  await expect(run.traceRows.first()).toBeVisible();
  const seq = await page
    .getByTestId('trace-list')
    .locator(`.trace-row`)
    .filter({ has: page.locator('.tc-node', { hasText: new RegExp(`^(${a}|${b})$`) }) })
    .first()
    .getAttribute('data-msg');
  expect(seq).toBeTruthy();
  await run.filterTraceByMessage(`m${seq}`);
  await expect(page.getByTestId('trace-count')).toContainText('matching hops');
  await expect(run.traceRows).toHaveCount(3); // producer → queue → consumer
  await run.traceRows.first().click();

  await expect(run.nodeHighlight(producer)).toBeVisible();
  await expect(run.nodeHighlight(queue)).toBeVisible();
  const consumer = (await run.nodeHighlight(a).count()) ? a : b;
  await expect(run.nodeHighlight(consumer)).toBeVisible();
  await expect(run.nodeHighlight(consumer === a ? b : a)).toHaveCount(0);
  await expect(run.nodeHighlight(dlq)).toHaveCount(0);
  await expect(studio.page.locator('.react-flow__edge .is-highlighted')).toHaveCount(2);
  await expect(page.getByTestId('trace-waterfall')).toBeVisible();
  await expect(page.getByTestId('trace-message')).toContainText(`m${seq}`);
  await expect(page.getByTestId('trace-payload')).toBeVisible();
  // the fixture fails the test on any CSP violation during the run
});

test('?example=order-queue&run=1 opens the example and starts running', async ({ studio }) => {
  await studio.goto('?example=order-queue&run=1');
  const run = new RunPage(studio);
  await expect(run.clock).toHaveAttribute('data-status', 'running');
  await expect.poll(() => run.now()).toBeGreaterThan(500);
  await expect.poll(() => run.received('workers')).toBeGreaterThan(0);
});

test('edits made while paused apply on reset, and the toolbar says so', async ({ studio, page }) => {
  await studio.openExample('order-queue');
  const run = new RunPage(studio);
  await run.step();
  await expect(run.clock).toHaveAttribute('data-status', 'paused');
  await expect(page.getByTestId('run-outdated')).toHaveCount(0);
  await studio.select('orders');
  await studio.setField('Rate', '20');
  await expect(page.getByTestId('run-outdated')).toBeVisible();
  await run.reset();
  await expect(page.getByTestId('run-outdated')).toHaveCount(0);
  await expect.poll(() => run.now()).toBe(0);
});

test('the dead-letter inspector lists failed messages with reason and origin, and reprocesses them', async ({
  studio,
  page,
}) => {
  await studio.goto('?example=dead-letter-redelivery&run=1&speed=10');
  const run = new RunPage(studio);
  await run.openPanel('dead-letters');
  const total = page.getByTestId('dlq-total');
  await expect
    .poll(async () => parseInt((await total.textContent()) ?? '0', 10), { timeout: 20_000 })
    .toBeGreaterThan(2);
  await run.pause();
  const rows = page.getByTestId('dlq-row');
  await expect(rows.first()).toBeVisible();
  // reason and the node where it failed
  await expect(rows.first().locator('.dlq__reason')).toHaveText(/max-redeliveries|expired/);
  await expect(rows.first().locator('td').nth(3)).not.toHaveText('–');
  const held = parseInt((await total.textContent()) ?? '0', 10);
  await page.getByTestId('dlq-reprocess-all').click();
  // everything held is sent back; a frame from just before the pause may still have been on its way
  // when `held` was read, so the count reprocessed is at least that
  await expect(total).toContainText(/^0 held · \d+ reprocessed/);
  const reprocessed = Number(/· (\d+) reprocessed/.exec((await total.textContent()) ?? '')?.[1]);
  expect(reprocessed).toBeGreaterThanOrEqual(held);
});
