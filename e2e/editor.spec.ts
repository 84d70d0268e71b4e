/**
 * Editor basics, driven as a user: palette (drag and keyboard), connecting (and refused connections with
 * their reason), the generated inspector, validation markers, undo/redo, delete, copy/paste, duplicate,
 * auto-layout, shortcuts. Every test also fails on a CSP violation or a console error (see the fixture).
 */
import { expect, test } from './fixtures/StudioPage';

test.describe('editor', () => {
  test('drag from the palette, connect, configure, undo/redo, delete', async ({ studio, page }) => {
    await studio.goto();
    await expect(page.getByRole('heading', { name: 'Start a topology' })).toBeVisible();

    const producer = await studio.dragFromPalette('producer', 160, 140);
    const queue = await studio.dragFromPalette('point-to-point', 480, 140);
    expect(producer).toBe('producer');
    expect(queue).toBe('point-to-point');
    await expect(page.getByRole('heading', { name: 'Start a topology' })).toBeHidden();

    await studio.connect(producer, 'out', queue, 'in');
    await expect(studio.edges).toHaveCount(1);

    // Configure a field of the generated form: the node shows it.
    await studio.select(producer);
    await expect(studio.inspector.getByText('A message source.')).toBeVisible();
    await studio.setField('Rate', '25');
    await expect(studio.node(producer)).toContainText('25 msg/s');

    // An invalid value shows the runner's message inline, and a red marker on the node.
    await studio.setField('Rate', '-5');
    await expect(studio.inspector.locator('.field.is-invalid')).toContainText('E122');
    await expect(studio.node(producer).locator('.node')).toHaveClass(/is-invalid/);
    await expect(page.getByTestId('problem-chip')).toHaveText(/1 problem/);
    await studio.setField('Rate', '25');
    await expect(studio.node(producer).locator('.node')).not.toHaveClass(/is-invalid/);

    // Undo / redo (typing into one field is one step).
    await studio.clickEmptyCanvas();
    await studio.undo();
    await expect(studio.node(producer)).toContainText('10 msg/s');
    await studio.redo();
    await expect(studio.node(producer)).toContainText('25 msg/s');

    // Delete a node: its edge goes too; undo brings both back.
    await studio.select(queue);
    await studio.clickEmptyCanvas();
    await studio.node(queue).locator('.node__head').click();
    await studio.deleteSelection();
    await expect(studio.node(queue)).toHaveCount(0);
    await expect(studio.edges).toHaveCount(0);
    await studio.undo();
    await expect(studio.node(queue)).toHaveCount(1);
    await expect(studio.edges).toHaveCount(1);
    await studio.press('Mod+y');
    await expect(studio.node(queue)).toHaveCount(0);
  });

  test('a connection the kinds do not allow is refused with the reason', async ({ studio }) => {
    await studio.openExample('order-queue');
    const before = await studio.edgeIds();

    // A producer's output takes one connection and already has one.
    await studio.connect('orders', 'out', 'dlq', 'in');
    await expect(studio.notice).toContainText('takes one connection and already has edge "e1"');
    expect(await studio.edgeIds()).toEqual(before);

    // Input to input.
    await studio.dragBetween(studio.handle('dlq', 'in', 'target'), studio.handle('workers', 'in', 'target'));
    await expect(studio.notice).toContainText('two inputs cannot be connected');

    // Dropping on a node without inputs makes nothing.
    await studio.dragBetween(studio.handle('workers', 'out', 'source'), studio.node('orders').locator('.node__head'));
    expect(await studio.edgeIds()).toEqual(before);

    // A port used by nothing yet is fine.
    await studio.connect('workers', 'error', 'dlq', 'in');
    await expect(studio.edges).toHaveCount(before.length + 1);
  });

  test('keyboard: add from the palette, duplicate, select all, copy and paste, shortcuts help', async ({ studio, page }) => {
    await studio.goto();
    const sink = await studio.addWithKeyboard('sink');
    await expect(studio.node(sink)).toBeVisible();
    await studio.node(sink).locator('.node__head').click();
    await studio.press('Mod+d');
    await expect(studio.nodes).toHaveCount(2);
    await studio.press('Mod+a');
    await studio.press('Mod+c');
    await studio.press('Mod+v');
    await expect(studio.nodes).toHaveCount(4);
    await studio.undo();
    await expect(studio.nodes).toHaveCount(2);

    await studio.press('Shift+?');
    const help = page.getByTestId('help-dialog');
    await expect(help).toBeVisible();
    await expect(help).toContainText('Undo');
    await page.keyboard.press('Escape');
    await expect(help).toBeHidden();
  });

  test('pasting a topology copied as JSON text (another tab) inserts it; hostile text is refused', async ({ studio, page }) => {
    await studio.openExample('order-queue');
    const paste = (text: string) =>
      page.evaluate((t) => {
        const data = new DataTransfer();
        data.setData('text/plain', t);
        document.body.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
      }, text);
    const fragment = {
      format: 'messaging-studio/topology',
      version: 1,
      name: 'Clipboard',
      nodes: [
        { id: 'orders', kind: 'producer', position: { x: 0, y: 300 } },
        { id: 'tail', kind: 'sink', position: { x: 300, y: 300 } },
      ],
      edges: [{ id: 'e1', source: 'orders', target: 'tail' }],
    };
    await paste(JSON.stringify(fragment));
    await expect(studio.nodes).toHaveCount(6);
    await expect(studio.node('orders-2')).toBeVisible(); // clashing ids are renamed
    await expect(studio.node('tail')).toHaveClass(/selected/);
    expect(await studio.edgeIds()).toContain('e4');

    await paste('{"format":"messaging-studio/topology","version":1,"name":"x","nodes":[{"id":"a","kind":"sink","config":{"__proto__":{}}}],"edges":[]}');
    await expect(studio.problemDialog).toContainText('E103');
    await studio.problemDialog.getByRole('button', { name: 'OK' }).click();
    await expect(studio.nodes).toHaveCount(6);
  });

  test('inspector: distributions, message templates, enums, labels, edge subscriptions', async ({ studio, page }) => {
    await studio.openExample('order-queue');
    await studio.select('workers');
    await studio.inspector.getByLabel('Service time shape').selectOption('uniform');
    await expect(studio.inspector.locator('.dist-preview svg')).toBeVisible();
    await expect(studio.node('workers')).toContainText('U(0–20 ms)');
    await studio.setField('Max', '40');
    await expect(studio.node('workers')).toContainText('U(0–40 ms)');
    await studio.setField('Min', '50');
    await expect(studio.inspector).toContainText('uniform: min must not exceed max');
    await studio.setField('Min', '5');

    await studio.setField('Label', 'Payments');
    await expect(studio.node('workers')).toContainText('Payments');

    await studio.select('orders');
    await studio.inspector.getByRole('radio', { name: 'Event' }).click();
    await expect(studio.node('orders').locator('.msg-badge--event')).toBeVisible();
    await studio.setField('Payload', '{ "sku": ');
    await expect(studio.inspector).toContainText('invalid JSON');
    await studio.setField('Payload', '{ "sku": "B-2" }');
    await expect(studio.inspector).not.toContainText('invalid JSON');

    // An edge leaving a publish-subscribe channel is a subscription.
    await studio.openFile('e2e/scenarios/pubsub.json');
    await expect(studio.node('bus')).toBeVisible();
    await studio.selectEdge('e2');
    await expect(studio.field('Topic pattern')).toHaveValue('orders.*');
    await studio.setField('Topic pattern', 'orders..x');
    await expect(studio.inspector.locator('.field.is-invalid')).toContainText('E132');
    await expect(studio.edge('e2').locator('.react-flow__edge-path')).toHaveClass(/is-invalid/);
    await studio.setField('Topic pattern', 'orders.#');
    await expect(page.locator('[data-edge-label="e2"]')).toHaveText('topic orders.#');
  });

  test('nothing selected: topology name, description and simulation settings', async ({ studio, page }) => {
    await studio.openExample('order-queue');
    await studio.clickEmptyCanvas();
    await studio.setField('Name', 'Orders at peak');
    await expect(page.getByRole('button', { name: /Topology settings: Orders at peak/ })).toBeVisible();
    await studio.setField('Seed', '7');
    await studio.setField('Hop limit', '0');
    await expect(studio.inspector).toContainText('simulation.maxHops');
    await studio.setField('Hop limit', '');
    const t = await studio.topology();
    expect(t.name).toBe('Orders at peak');
    expect(t.simulation).toEqual({ seed: 7, until: 60000 });
  });

  test('auto-layout moves nodes in one undo step, under the CSP', async ({ studio, page }) => {
    await studio.openExample('order-queue');
    const pos = () => studio.nodes.evaluateAll((els) => els.map((e) => (e as HTMLElement).style.transform).join('|'));
    const before = await pos();
    await page.getByRole('button', { name: 'Auto-layout' }).click();
    await expect.poll(pos).not.toBe(before);
    await studio.clickEmptyCanvas();
    await studio.undo();
    await expect.poll(pos).toBe(before);
  });
});

test('every control has an accessible name, and focus is visible', async ({ studio, page }) => {
  await studio.openExample('order-queue');
  await studio.select('orders');
  const unnamed = await page.evaluate(() => {
    const out: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>('button, input, select, textarea, [role=button], [role=radio], [role=menuitem], [role=separator]')) {
      if (el.closest('[hidden]') || el.getClientRects().length === 0) continue;
      const labelled = el.getAttribute('aria-labelledby')?.split(' ').map((id) => document.getElementById(id)?.textContent ?? '').join('');
      const name =
        el.getAttribute('aria-label') ||
        labelled ||
        ((el as HTMLInputElement).labels?.[0]?.textContent ?? '') ||
        el.getAttribute('title') ||
        el.textContent ||
        '';
      if (!name.trim()) out.push(el.outerHTML.slice(0, 120));
    }
    return out;
  });
  expect(unnamed).toEqual([]);

  // Keyboard focus shows an outline.
  await studio.palette.getByRole('searchbox').focus();
  await page.keyboard.press('Tab');
  await expect(studio.paletteItem('producer')).toBeFocused();
  // the focus ring fades in (a 120 ms transition): poll rather than read the first frame
  await expect
    .poll(() => studio.paletteItem('producer').evaluate((el) => getComputedStyle(el).borderColor + '|' + getComputedStyle(el).outlineStyle))
    .not.toBe('rgba(0, 0, 0, 0)|none');
});
