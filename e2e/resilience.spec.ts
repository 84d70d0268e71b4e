// Breaking things on purpose in the studio: on the circuit-breaker example, add a "no loss" invariant in
// the invariants panel, edit the gateway's error fault in the inspector, switch it on at the start of the
// run (its schedule says 5 s), run, and watch the breaker open on the canvas and the invariant fail — with
// its first offending message one click away in the trace.
import { readFile } from 'node:fs/promises';
import { RunPage } from './fixtures/RunPage';
import { expect, test } from './fixtures/StudioPage';

test('a fault switched on in the studio opens the breaker, and the invariants panel reports the violation', async ({ studio, page }) => {
  await studio.openExample('circuit-breaker');
  const run = new RunPage(studio);

  // the invariant: every payment that leaves the producer is charged
  await page.getByTestId('panel-tab-invariants').click();
  const panel = page.getByTestId('invariants-panel');
  await expect(panel.getByTestId('invariants-summary')).toContainText('No invariants yet');
  await page.locator('#inv-kind').selectOption('no-loss');
  await page.locator('#inv-from').selectOption('payments');
  await page.locator('#inv-to').selectOption('charged');
  await page.getByTestId('invariant-add').click();
  const row = panel.getByTestId('invariant-row');
  await expect(row).toHaveCount(1);
  await expect(row).toHaveAttribute('data-status', 'idle');
  await expect(row).toContainText('every message from payments reaches charged');

  // the fault of the example, in the breaker's inspector: make the gateway fail every call
  await studio.select('breaker');
  const card = studio.inspector.getByTestId('fault-card');
  await expect(card).toHaveCount(1);
  await expect(card).toHaveAttribute('data-fault', 'gateway-down');
  await expect(card).toContainText('from 5 s for 6 s');
  await card.getByRole('button', { name: 'Edit fault gateway-down' }).click();
  await studio.setField('Failure probability', '1');
  // scheduled, not on yet: a faint mark on the canvas
  await expect(studio.node('breaker').getByRole('img', { name: '1 fault scheduled' })).toBeVisible();

  // it is part of the topology: it exports (with the invariant)
  const exported = JSON.parse((await studio.exportFile()).text) as { faults: { id: string; probability: number }[]; invariants: { kind: string; from: string; to: string }[] };
  expect(exported.faults).toEqual([expect.objectContaining({ id: 'gateway-down', probability: 1 })]);
  expect(exported.invariants).toEqual([expect.objectContaining({ kind: 'no-loss', from: 'payments', to: 'charged' })]);

  // load the run (paused at the first event) and switch the fault on now
  await run.step();
  const toggle = card.getByTestId('fault-toggle');
  await expect(toggle).not.toBeChecked();
  await toggle.check();
  await expect(toggle).toBeChecked();
  await expect(studio.node('breaker').getByTestId('fault-marks').locator('[data-active]')).toHaveAttribute('data-active', 'error');

  // run: the failures trip the breaker long before the fault's scheduled window
  await run.setSpeed('2');
  await run.start();
  const state = studio.node('breaker').locator('.live-badge--state');
  await expect(state).toHaveText('open', { timeout: 20_000 });
  await run.pause();
  expect(await run.now()).toBeLessThan(5000);

  // the invariant is violated: payments went to the fallback instead of being charged
  await page.getByTestId('panel-tab-invariants').click();
  await expect(row).toHaveAttribute('data-status', 'violated');
  await expect(page.getByTestId('invariants-violated-count')).toHaveText('1');
  await expect(studio.node('charged').getByRole('img', { name: '1 violated invariant' })).toBeVisible();
  await row.getByTestId('invariant-offenders-toggle').click();
  const offender = row.getByTestId('invariant-offender').first();
  await expect(offender).toHaveText(/^m\d+$/);
  const id = (await offender.textContent())!;

  // one click shows that message in the trace, with its path on the canvas
  await offender.click();
  await expect(page.getByTestId('panel-tab-trace')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('trace-message')).toContainText(id);
  await expect(page.locator('.react-flow__node[data-id="retry-later"] .node.is-highlighted')).toBeVisible();
});

test('the conversation of a traced message as a sequence diagram, and a filter’s rule on a dropped message', async ({ studio, page }) => {
  await studio.openExample('message-filter');
  const run = new RunPage(studio);
  await run.setSpeed('max');
  await page.getByTestId('run-start').click();
  await expect(run.clock).toHaveAttribute('data-status', 'finished', { timeout: 30_000 });
  await run.openPanel('trace');
  await page.getByTestId('trace-filter-outcome').selectOption({ label: 'dropped' });
  await page.locator('.trace-row').first().click();
  await expect(page.getByTestId('trace-dead-letter')).toContainText('filtered');

  await page.getByTestId('conversation-open').click();
  const diagram = page.getByTestId('sequence-diagram');
  await expect(diagram).toBeVisible();
  await expect(page.getByTestId('conversation-summary')).toContainText(/1 message · \d+ steps/);
  await expect(diagram.locator('.seq__participant')).toHaveCount(2);
  await expect(diagram.locator('.seq__step--drop')).toHaveCount(1);
  const download = page.waitForEvent('download');
  await page.getByTestId('conversation').getByRole('button', { name: 'Export OTLP JSON' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/\.otlp\.json$/);
  await page.getByTestId('conversation-close').click();
  await expect(diagram).toHaveCount(0);
});

test('an access-control node’s audit log: opened from the inspector, filtered by decision, exported', async ({ studio, page }) => {
  await studio.openExample('access-control');
  const run = new RunPage(studio);
  await run.setSpeed('max');
  await page.getByTestId('run-start').click();
  await expect(run.clock).toHaveAttribute('data-status', 'finished', { timeout: 30_000 });
  await studio.select('consumegate');
  await studio.inspector.getByTestId('open-audit').click();
  const panel = page.getByTestId('audit-panel');
  await expect(panel.getByRole('tab', { name: 'Consume gate (analytics)' })).toHaveAttribute('aria-selected', 'true');
  await expect(panel.getByTestId('audit-row')).toHaveCount(50);
  await panel.getByTestId('audit-decision').selectOption('deny');
  await expect(panel.getByTestId('audit-row').first()).toHaveAttribute('data-decision', 'deny');
  expect(new Set(await panel.getByTestId('audit-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-decision'))))).toEqual(new Set(['deny']));
  const download = page.waitForEvent('download');
  await panel.getByTestId('audit-export').click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^audit-consumegate-run\d+\.json$/);
  const text = await readFile(await file.path(), 'utf8');
  const log = JSON.parse(text) as { node: string; entries: { decision: string }[] };
  expect(log.node).toBe('consumegate');
  expect(log.entries.length).toBeGreaterThan(50);
});
