/**
 * A quiet browser console: no page of the app logs a warning or an error while it loads, signed
 * out or signed in. A header the browser does not understand (an unknown Permissions-Policy
 * feature warned on every load), a hydration mismatch, a missing icon or a failed request all
 * show up here. The one line allowed is Chromium's report of a page's own 404 or 503 status,
 * which is what those pages are for.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { recordConsole } from './console-log';
import { CspWatch } from './csp';
import { launchChromium, signInThroughForm, startStack, type Stack } from './harness';

let stack: Stack;
let browser: Browser;
// A refused eval or inline script is reported, not always logged: watched as well.
const csp = new CspWatch();

beforeAll(async () => {
  stack = await startStack({ apiEnv: { ACCESS_TOKEN_TTL: '600' } });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/**
 * Loads `path`, checks where it landed, and waits until its requests (the auth runtime's, the
 * posts') are done. Returns the line Chromium logs for the page's own error status, if any.
 */
async function load(page: Page, path: string, landsOn: string): Promise<string | undefined> {
  const response = await page.goto(`${stack.app.url}${path}`);
  expect(new URL(page.url()).pathname).toBe(landsOn);
  await page.waitForLoadState('networkidle');
  const status = response?.status() ?? 0;
  return status >= 400
    ? `error on ${page.url()}: Failed to load resource: the server responded with a status of ${status} (${response?.statusText()})`
    : undefined;
}

async function loadEach(
  page: Page,
  logged: string[],
  pages: ReadonlyArray<readonly [string, string]>,
) {
  const ownStatus: string[] = [];
  for (const [path, landsOn] of pages) {
    const line = await load(page, path, landsOn);
    if (line) ownStatus.push(line);
  }
  return logged.filter((line) => !ownStatus.includes(line));
}

test('signed out, no page logs a console warning or error while it loads', async () => {
  const context = await csp.context(browser);
  const logged = recordConsole(context);
  const page = await context.newPage();
  const unexpected = await loadEach(page, logged, [
    ['/signin', '/signin'],
    ['/signup', '/signup'],
    // Signed out, every other page sends the person to sign in.
    ['/', '/signin'],
    ['/debug', '/signin'],
    ['/no-such-page', '/signin'],
  ]);
  expect(unexpected).toEqual([]);
  expect(csp.violations.splice(0)).toEqual([]);
  await context.close();
});

test('signed in, no page logs a console warning or error while it loads', async () => {
  const context = await csp.context(browser);
  const logged = recordConsole(context);
  const page = await context.newPage();
  await signInThroughForm(page, stack.app.url);
  await page.waitForURL(`${stack.app.url}/`);
  const unexpected = await loadEach(page, logged, [
    ['/', '/'],
    ['/debug', '/debug'],
    // Signed in, these send the person on to where they were going.
    ['/signin', '/'],
    ['/signup', '/'],
    ['/no-such-page', '/no-such-page'],
    // Where a page goes when its reissue failed for now (503, retries by itself).
    ['/session-unavailable?callbackUrl=%2F', '/session-unavailable'],
  ]);
  expect(unexpected).toEqual([]);
  expect(csp.violations.splice(0)).toEqual([]);
  await context.close();
});
