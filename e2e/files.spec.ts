/**
 * Files: open and export (exact round trip), autosave and reload, share links, My topologies, the
 * examples gallery, and hostile input (wrong version, unknown fields, dangling edges, __proto__ keys,
 * 10,000-deep nesting, a 50 MB file, corrupted and decompression-bomb links) — each refused with its
 * errors while the open topology stays as it was.
 */
import { readFile } from 'node:fs/promises';
import { deflateRawSync } from 'node:zlib';
import { expect, test, type StudioPage } from './fixtures/StudioPage';

const ROUND_TRIP = 'e2e/scenarios/round-trip.json';

/** base64url of raw deflate data, as share links carry it. */
const b64url = (b: Buffer) => b.toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

async function expectRefused(studio: StudioPage, code: RegExp, keptNodes: string[]) {
  await expect(studio.problemDialog).toBeVisible();
  await expect(studio.problemDialog.locator('.error-list__code').first()).toHaveText(code);
  await expect(studio.problemDialog).toContainText('Nothing was changed');
  await studio.problemDialog.getByRole('button', { name: 'OK' }).click();
  await expect(studio.problemDialog).toBeHidden();
  expect((await studio.nodeIds()).sort()).toEqual([...keptNodes].sort());
}

test.describe('files', () => {
  test('open then export gives back the same file, byte for byte', async ({ studio }) => {
    await studio.goto();
    await studio.openFile(ROUND_TRIP);
    await expect(studio.node('billing')).toBeVisible();
    await expect(studio.node('audit')).toBeVisible(); // a node without a position still shows
    const exported = await studio.exportFile();
    expect(exported.name).toBe('round-trip-every-feature.json');
    expect(exported.text).toBe(await readFile(ROUND_TRIP, 'utf8'));
  });

  test('a dropped .json file opens too', async ({ studio, page }) => {
    await studio.goto();
    const text = await readFile('e2e/scenarios/pubsub.json', 'utf8');
    const dataTransfer = await page.evaluateHandle((t) => {
      const dt = new DataTransfer();
      dt.items.add(new File([t], 'pubsub.json', { type: 'application/json' }));
      return dt;
    }, text);
    await studio.canvas.dispatchEvent('dragover', { dataTransfer });
    await studio.canvas.dispatchEvent('drop', { dataTransfer });
    await expect(studio.node('bus')).toBeVisible();
  });

  test('a reload brings back the autosaved topology', async ({ studio }) => {
    await studio.openExample('order-queue');
    await studio.select('workers');
    await studio.setField('Label', 'Renamed service');
    await studio.setField('Workers', '7');
    await studio.waitSaved();
    await studio.reload();
    await expect(studio.node('workers')).toContainText('Renamed service');
    await expect(studio.node('workers')).toContainText('7 workers');
    // Undo history does not survive a reload, but the topology does.
    await expect(studio.page.getByRole('button', { name: 'Undo' })).toBeDisabled();
  });

  test('a share link opens the same topology', async ({ studio, browser }) => {
    await studio.goto();
    await studio.openFile(ROUND_TRIP);
    await expect(studio.node('billing')).toBeVisible();
    const link = await studio.shareLink();
    expect(link).toMatch(/#t=[A-Za-z0-9_-]+$/);

    // A fresh browser context: nothing saved there.
    const context = await browser.newContext();
    const page = await context.newPage();
    const { StudioPage } = await import('./fixtures/StudioPage');
    const other = new StudioPage(page);
    await other.attach();
    await page.goto(link);
    await other.waitReady();
    await expect(other.node('billing')).toBeVisible();
    expect((await other.exportFile()).text).toBe(await readFile(ROUND_TRIP, 'utf8'));
    expect(page.url()).not.toContain('#t='); // consumed, so a reload restores the autosaved copy
    expect(other.cspViolations).toEqual([]);
    expect(other.unexpectedErrors()).toEqual([]);
    await context.close();
  });

  test('bad files are refused with their errors and the open topology is kept', async ({ studio }, testInfo) => {
    await studio.openExample('order-queue');
    const kept = await studio.nodeIds();

    await studio.openFile('e2e/scenarios/bad-version.json');
    await expectRefused(studio, /E105/, kept);
    await studio.openFile('e2e/scenarios/bad-unknown-field.json');
    await expect(studio.problemDialog).toContainText('nodes[0].colour (node "p")');
    await expectRefused(studio, /E110/, kept);
    await studio.openFile('e2e/scenarios/bad-dangling-edge.json');
    await expectRefused(studio, /E130/, kept);
    await studio.openFile('e2e/scenarios/bad-proto-key.json');
    await expectRefused(studio, /E103/, kept);
    await studio.openFile('e2e/scenarios/bad-not-json.json');
    await expectRefused(studio, /E100/, kept);

    // 10,000-deep nesting is refused before it is parsed.
    const deep = `{"format":"messaging-studio/topology","version":1,"name":"deep","nodes":[],"edges":[],"description":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    await studio.openFileContent('deep.json', Buffer.from(deep));
    await expectRefused(studio, /E102/, kept);

    // A 50 MB file is refused by its size, without being read.
    const big = testInfo.outputPath('big.json');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(big, Buffer.alloc(50 * 1024 * 1024, 32));
    await studio.openFile(big);
    await expect(studio.problemDialog).toContainText('50.0 MB');
    await expectRefused(studio, /E101/, kept);
  });

  test('corrupted and decompression-bomb share links show E150 and keep the open topology', async ({ studio, page }) => {
    await studio.openExample('order-queue');
    await studio.waitSaved();
    const kept = await studio.nodeIds();

    // Corrupted data, pasted into the address bar of the open studio.
    await page.evaluate(() => (window.location.hash = 't=AAAAAAAAAAAA'));
    await expectRefused(studio, /E150/, kept);

    // 40 MB of spaces deflated into ~40 KB: refused when the output passes 5 MB.
    const bomb = b64url(deflateRawSync(Buffer.alloc(40 * 1024 * 1024, 32), { level: 9 }));
    expect(bomb.length).toBeLessThan(64_000);
    const started = Date.now();
    await studio.goto(`#t=${bomb}`);
    await expect(studio.problemDialog).toContainText('decompresses to more than 5 MB');
    expect(Date.now() - started).toBeLessThan(15_000);
    await expectRefused(studio, /E150/, kept);
  });

  test('My topologies: open, rename, duplicate, delete', async ({ studio, page }) => {
    await studio.goto();
    await studio.openFile(ROUND_TRIP);
    await studio.waitSaved();
    await studio.openExample('order-queue');
    await studio.waitSaved();

    await studio.fileMenu('My topologies…');
    const dialog = page.getByTestId('topologies-dialog');
    await expect(dialog.locator('.saved')).toHaveCount(2);
    await dialog.getByRole('button', { name: 'Rename Round trip — every feature' }).click();
    await dialog.getByRole('textbox', { name: /New name for/ }).fill('Billing flows');
    await page.keyboard.press('Enter');
    await expect(dialog.getByRole('button', { name: 'Open Billing flows' })).toBeVisible();
    await dialog.getByRole('button', { name: 'Duplicate Billing flows' }).click();
    await expect(dialog.getByRole('button', { name: 'Open Billing flows (copy)' })).toBeVisible();
    await dialog.getByRole('button', { name: 'Delete Order queue' }).click();
    await dialog.getByRole('button', { name: 'Delete for good' }).click();
    await expect(dialog.locator('.saved')).toHaveCount(2);
    // Deleting the open topology leaves a new, empty one open.
    await expect(studio.nodes).toHaveCount(0);
    await dialog.getByRole('button', { name: 'Open Billing flows (copy)' }).click();
    await expect(dialog).toBeHidden();
    await expect(studio.node('billing')).toBeVisible();
    expect((await studio.topology()).name).toBe('Billing flows (copy)');
  });

  test('the examples gallery opens an example, with its description', async ({ studio, page }) => {
    await studio.goto();
    await studio.fileMenu('Examples…');
    const dialog = page.getByTestId('examples-dialog');
    const card = dialog.getByRole('button', { name: 'Open example Order queue' });
    await expect(card).toContainText('dead-letter');
    await card.click();
    await expect(dialog).toBeHidden();
    await expect(studio.node('queue')).toBeVisible();
  });

  test('?example=…&run=1 opens an example and starts the run', async ({ studio, page }) => {
    await studio.goto('?example=order-queue&run=1');
    await expect(studio.node('workers')).toBeVisible();
    await expect(page.getByTestId('run-clock')).not.toHaveAttribute('data-status', 'idle');
    expect(page.url()).not.toContain('example='); // consumed: a reload restores the autosaved copy
  });

  test('works from a sub-path (relative asset and example URLs)', async ({ studio, page, baseURL }) => {
    await page.route('**/deep/sub/path/**', async (route) => {
      const url = route.request().url().replace('/deep/sub/path', '');
      await route.fulfill({ response: await route.fetch({ url }) });
    });
    await page.goto(`${baseURL}/deep/sub/path/?example=order-queue`);
    await studio.waitReady();
    await expect(studio.node('workers')).toBeVisible();
    expect(page.url()).toContain('/deep/sub/path/');
  });
});
