import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import {
  DEMO,
  launchChromium,
  machineState,
  reissueCount,
  signInThroughForm,
  startStack,
  type Stack,
} from './harness';
import { WAIT_MS, eventually, stepTrace } from './waits';

let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  // Tokens outlive the test: the only reissue is the one it provokes.
  stack = await startStack({ apiEnv: { ACCESS_TOKEN_TTL: '600' } });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function openDebug(page: Page) {
  await page.goto(`${stack.app.url}/debug`);
  await page.getByTestId('session-alerts').waitFor({ state: 'attached' });
}

/** One browser, signed in through the form in tab A; then both tabs on /debug. */
async function twoTabsOnDebug() {
  const context = await browser.newContext();
  const first = await context.newPage();
  await signInThroughForm(first, stack.app.url);
  await first.waitForURL(`${stack.app.url}/`);
  await openDebug(first);
  const second = await context.newPage();
  await openDebug(second);
  return { context, first, second };
}

test('two tabs of one session whose access token was revoked: bursts of 20 requests in each share one reissue', async () => {
  const { context, first, second } = await twoTabsOnDebug();

  const before = await reissueCount(stack.api.url);
  // Revokes the access token both tabs hold: each tab's next request gets a real 401.
  await first.getByRole('button', { name: 'Expire my access token now' }).click();
  await eventually(() => first.getByTestId('expire-result').textContent()).toContain('revoked');

  await Promise.all([
    first.getByRole('button', { name: 'Fire 20 parallel requests' }).click(),
    second.getByRole('button', { name: 'Fire 20 parallel requests' }).click(),
  ]);
  for (const page of [first, second]) {
    await eventually(() => page.getByTestId('burst-result').textContent()).toBe(
      'Burst 1: 20 succeeded, 0 failed.',
    );
  }

  // The second tab joined the first one's reissue: through the Web Lock and its session
  // re-check, the server's single flight, or the session next-auth broadcast between tabs.
  const reissues = (await reissueCount(stack.api.url)) - before;
  console.log(`two tabs × 20 requests after revocation: ${reissues} reissue(s) on the API`);
  expect(reissues).toBe(1);

  // Both tabs go on working with the new token and the persisted cookie.
  await second.reload();
  await second.getByTestId('session-alerts').waitFor({ state: 'attached' });
  await second.getByRole('button', { name: 'Fire 20 parallel requests' }).click();
  await eventually(() => second.getByTestId('burst-result').textContent()).toBe(
    'Burst 1: 20 succeeded, 0 failed.',
  );
  expect((await reissueCount(stack.api.url)) - before).toBe(1);
  await context.close();
});

test('a session ended in both tabs: signing in again in tab A (the dialog) revives tab B without focus, and its next requests succeed', async () => {
  const { context, first, second } = await twoTabsOnDebug();

  // The refresh token family dies on the API and the access token is revoked: both tabs expire.
  await fetch(`${stack.api.url}/debug/revoke-sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: DEMO.email }),
  });
  await first.getByRole('button', { name: 'Expire my access token now' }).click();
  for (const page of [first, second]) {
    await page.getByRole('button', { name: 'Fire 20 parallel requests' }).click();
    await eventually(() => machineState(page)).toBe('expired');
  }

  // Tab A signs in again in its dialog; tab B is never brought to the front.
  const dialog = first.getByRole('dialog', { name: 'Your session ended' });
  await dialog.getByLabel('Password').fill(DEMO.password);
  await dialog.getByRole('button', { name: 'Sign in' }).click();
  await eventually(() => machineState(first)).toBe('authenticated.active');

  await eventually(() => machineState(second)).toBe('authenticated.active');
  expect(await second.getByTestId('adopted-count').textContent()).toBe('1');
  await second.getByRole('button', { name: 'Fire 20 parallel requests' }).click();
  await eventually(() => second.getByTestId('burst-result').textContent()).toMatch(
    /^Burst \d+: 20 succeeded, 0 failed\.$/,
  );
  await context.close();
});

test('sign-out in tab A: tab B shows signed out within 2 s', async () => {
  const step = stepTrace();
  step('opening a context and tab A');
  const context = await browser.newContext();
  const first = await context.newPage();
  step('tab A: signing in');
  await signInThroughForm(first, stack.app.url);
  await first.waitForURL(`${stack.app.url}/`);
  step('opening tab B');
  const second = await context.newPage();
  step('tab B: opening /debug');
  await openDebug(second);
  await eventually(() => machineState(second)).toBe('authenticated.active');

  step('tab A: signing out');
  const clicked = Date.now();
  await first.getByRole('button', { name: 'Sign out' }).click();
  step("tab B: waiting for its machine's signedOut");
  await eventually(() => machineState(second)).toBe('signedOut');
  const machineSignedOut = Date.now() - clicked;
  step("tab B: waiting for the header's Sign in link");
  await second
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Sign in' })
    .waitFor({ timeout: WAIT_MS });
  const headerSignedOut = Date.now() - clicked;

  console.log(
    `sign-out in tab A: tab B's machine signed out after ${machineSignedOut} ms, its header after ${headerSignedOut} ms`,
  );
  expect(headerSignedOut).toBeLessThan(2_000);
  // Tab B says what happened and offers to sign in again where it is.
  await second.getByRole('dialog', { name: 'You were signed out' }).waitFor({ timeout: WAIT_MS });
  // Tab A's sign-out ends in a full page load; closing while it commits can hang Chromium.
  step('tab A: waiting for its sign-out to land on /signin');
  await first.waitForURL(`${stack.app.url}/signin?reason=signedOut`);
  step('closing the context');
  await context.close();
});

test('tab B on /signin, never signed in: tab A signs in and B shows the session without focus; A signs out and B shows signed out', async () => {
  const context = await browser.newContext();
  const second = await context.newPage();
  await second.goto(`${stack.app.url}/signin`);
  await second.getByRole('button', { name: 'Sign in' }).waitFor({ timeout: WAIT_MS });
  const first = await context.newPage();
  // A brought to the front; B stays in the background from here on.
  await first.bringToFront();

  await signInThroughForm(first, stack.app.url);
  await first.waitForURL(`${stack.app.url}/`, { timeout: WAIT_MS });
  await second
    .getByTestId('header-pen-name')
    .filter({ hasText: DEMO.penName })
    .waitFor({ timeout: WAIT_MS });

  await first.getByRole('button', { name: 'Sign out' }).click();
  await second
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Sign in' })
    .waitFor({ timeout: WAIT_MS });
  expect(await second.getByTestId('header-pen-name').count()).toBe(0);
  await first.waitForURL(`${stack.app.url}/signin?reason=signedOut`);
  await context.close();
});
