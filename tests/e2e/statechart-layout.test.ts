/**
 * The statechart panel at a desktop width and on a phone, at twice the device scale: no label
 * overlaps another label, no line passes through a label, no transition's label sits on a state,
 * and the transitions table shows every column at 1280 px without scrolling sideways.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { launchChromium, machineState, signInThroughForm, startStack, type Stack } from './harness';
import { statechartOverlaps } from './statechart-geometry';
import { eventually } from './waits';

let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  stack = await startStack({ apiEnv: { ACCESS_TOKEN_TTL: '600' } });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function debugPage(width: number): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width, height: 900 },
    deviceScaleFactor: 2,
  });
  const page = await context.newPage();
  await signInThroughForm(page, stack.app.url);
  await page.waitForURL(`${stack.app.url}/`);
  await page.goto(`${stack.app.url}/debug`);
  await eventually(() => machineState(page)).toBe('authenticated.active');
  await page.evaluate(() => document.fonts.ready);
  return page;
}

for (const width of [1280, 375]) {
  test(`at ${width} px and 2× scale, no label of the chart overlaps another label, a line or a state`, async () => {
    const page = await debugPage(width);
    const overlaps = await statechartOverlaps(page);
    console.log(
      `${width} px: ${overlaps.labels} labels; ${overlaps.labelOnLabel.length} label × label, ` +
        `${overlaps.lineThroughLabel.length} line × label, ${overlaps.labelOnState.length} label × state`,
    );
    expect(overlaps.labels).toBeGreaterThan(20);
    expect(overlaps.labelOnLabel).toEqual([]);
    expect(overlaps.lineThroughLabel).toEqual([]);
    expect(overlaps.labelOnState).toEqual([]);
    await page.context().close();
  });
}

test('at 1280 px the transitions table shows every column without scrolling sideways', async () => {
  const page = await debugPage(1280);
  await page.getByText('Every transition, with guards and actions').click();
  const scroll = page.locator('.transitions .table-scroll');
  const { scrollWidth, clientWidth } = await scroll.evaluate((element) => ({
    scrollWidth: element.scrollWidth,
    clientWidth: element.clientWidth,
  }));
  expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
  // The last column's header is whole, not clipped.
  const header = await page.getByRole('columnheader', { name: 'Actions' }).boundingBox();
  const box = await scroll.boundingBox();
  expect(header!.x + header!.width).toBeLessThanOrEqual(box!.x + box!.width);
  await page.context().close();
});
