// Event stores are real: what the order example appends is persisted to IndexedDB behind the run and is
// still there after a reload; a saga that failed shows its compensations on its timeline.
import { EventSourcingPage } from './fixtures/EventSourcingPage';
import { RunPage } from './fixtures/RunPage';
import { expect, test } from './fixtures/StudioPage';

test('the order example’s streams and events are in the browser after a reload', async ({ studio, page }) => {
  await studio.goto('?example=cqrs-order&run=1&speed=10');
  const run = new RunPage(studio);
  const es = new EventSourcingPage(studio);
  await expect(run.clock).toHaveAttribute('data-status', 'running');
  await es.openEventStore();
  await expect.poll(() => run.now(), { timeout: 20_000 }).toBeGreaterThan(20_000);
  await run.pause();
  const head = await es.waitPersisted();
  expect(head).toBeGreaterThan(100);
  await expect(es.streams.first()).toBeVisible();
  const count = await page.getByTestId('es-stream-count').textContent();
  const ids = await es.streamIds();
  expect(ids.length).toBeGreaterThan(5);
  expect(ids.every((id) => id.startsWith('order-c-'))).toBe(true);
  await es.openStream(ids[0]);
  await expect(page.getByTestId('es-event').first()).toBeVisible();
  const events = await es.events();
  expect(events[0]).toMatchObject({ version: '1' });
  // the state slider asks the run for the aggregate at a version
  await page.getByTestId('es-slider').fill('1');
  await expect(page.getByTestId('es-state')).toContainText('"status": "open"');

  await page.reload();
  await studio.waitReady();
  await es.openEventStore();
  await expect(page.getByTestId('es-stream-count')).toHaveText(count!);
  expect(await es.streamIds()).toEqual(ids);
  await es.openStream(ids[0]);
  await expect(page.getByTestId('es-event').first()).toBeVisible();
  expect(await es.events()).toEqual(events);
  await expect(es.persisted).toContainText(`${head.toLocaleString('en')} events stored`);
});

test('a saga instance’s timeline shows its compensations in reverse order after a failure', async ({
  studio,
  page,
}) => {
  await studio.goto('?example=travel-booking-saga&run=1&speed=10');
  const run = new RunPage(studio);
  const es = new EventSourcingPage(studio);
  await es.openSagas();
  await expect.poll(() => es.sagaCount('compensated'), { timeout: 20_000 }).toBeGreaterThan(10);
  await run.pause();
  await page.getByTestId('saga-count-compensated').click();
  const instances = page.getByTestId('saga-instance');
  await expect(instances.first()).toHaveAttribute('data-state', 'compensated');
  // the first compensated instance whose failure came after a completed step
  let found = false;
  for (let i = 0; i < Math.min(30, await instances.count()) && !found; i++) {
    await instances.nth(i).click();
    const timeline = page.getByTestId('saga-timeline');
    await expect(timeline).toHaveAttribute('data-saga', (await instances.nth(i).getAttribute('data-saga'))!);
    if ((await page.getByTestId('saga-compensation').count()) === 0) continue;
    found = true;
    await expect(timeline).toHaveAttribute('data-state', 'compensated');
    const stepsDone = await page
      .locator('[data-testid="saga-step"][data-outcome="completed"]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-step')));
    const timedOut = await page
      .locator('[data-testid="saga-step"][data-outcome="timed out"]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-step')));
    const comps = await page
      .getByTestId('saga-compensation')
      .evaluateAll((els) => els.map((e) => [e.getAttribute('data-step'), e.getAttribute('data-outcome')]));
    // each completed step is compensated once, last first (a step that timed out first: its work may have happened)
    expect(comps.map(([step]) => step)).toEqual([...timedOut, ...[...stepsDone].reverse()]);
    expect(comps.every(([, outcome]) => outcome === 'completed')).toBe(true);
    expect(new Set(comps.map(([step]) => step)).size).toBe(comps.length);
    await expect(page.getByTestId('saga-log')).toContainText('CompensationCompleted');
    await expect(page.getByTestId('saga-log')).toContainText('SagaCompensated');
  }
  expect(found, 'a compensated saga with compensations').toBe(true);
});

test('a choreographed saga is rebuilt from its participants: a failed shipment refunds, then cancels', async ({
  studio,
  page,
}) => {
  await studio.goto('?example=order-choreography&run=1&speed=10');
  const run = new RunPage(studio);
  const es = new EventSourcingPage(studio);
  await es.openSagas();
  await expect.poll(() => es.sagaCount('compensated'), { timeout: 20_000 }).toBeGreaterThan(10);
  await run.pause();
  await page.getByTestId('saga-count-compensated').click();
  const instances = page.getByTestId('saga-instance');
  let found = false;
  for (let i = 0; i < Math.min(40, await instances.count()) && !found; i++) {
    await instances.nth(i).click();
    await expect(page.getByTestId('saga-timeline')).toHaveAttribute(
      'data-saga',
      (await instances.nth(i).getAttribute('data-saga'))!,
    );
    const comps = await page
      .getByTestId('saga-compensation')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-step')));
    if (comps.length !== 2) continue;
    found = true;
    expect(comps).toEqual(['payment', 'order']);
    await expect(page.locator('[data-testid="saga-step"][data-step="shipping"]')).toHaveAttribute(
      'data-outcome',
      'failed',
    );
  }
  expect(found, 'a saga whose shipment failed').toBe(true);
});
