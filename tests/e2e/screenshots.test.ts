import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, test } from 'vitest';
import {
  DEMO,
  launchChromium,
  machineState,
  signInThroughForm,
  startStack,
  type Stack,
} from './harness';
import { eventually } from './waits';

/**
 * The pictures in docs/screenshots, taken from the real app so they stay current. Data is fixed
 * (the seeded demo user, the same posts) and the clock is frozen for the token countdown, so a
 * run that changes nothing in the UI writes the same images.
 */
const OUT = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));
const VIEWPORT = { width: 1280, height: 800 };

let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  // Long-lived access tokens: no proactive reissue while the pictures are taken.
  stack = await startStack({ apiEnv: { ACCESS_TOKEN_TTL: '600' } });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1 });
  return { context, page: await context.newPage() };
}

async function signedInHome(page: Page) {
  await signInThroughForm(page, stack.app.url);
  await page.waitForURL(`${stack.app.url}/`);
  await page.getByTestId('session-alerts').waitFor({ state: 'attached' });
}

async function session(page: Page): Promise<{ accessToken: string; accessTokenExpiresAt: number }> {
  return page.evaluate(async () => (await fetch('/api/auth/session')).json());
}

async function shoot(page: Page, name: string) {
  // No hover effects from the last click.
  await page.mouse.move(0, 0);
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: `${OUT}${name}.png`, animations: 'disabled', caret: 'hide' });
}

/** The live panel alone (chart, counters, buttons, the table closed), as the element it is. */
async function shootPanel(page: Page, name: string) {
  await page.mouse.move(0, 0);
  await page.evaluate(() => document.fonts.ready);
  await page
    .getByTestId('statechart-panel')
    .screenshot({ path: `${OUT}${name}.png`, animations: 'disabled', caret: 'hide' });
}

test('sign-in and sign-up pages', async () => {
  const { context, page } = await newPage();
  await page.goto(`${stack.app.url}/signin`);
  await page.getByLabel('Email').waitFor();
  await shoot(page, 'sign-in');

  await page.goto(`${stack.app.url}/signup`);
  await page.getByLabel('Pen name').waitFor();
  await shoot(page, 'sign-up');
  await context.close();
});

test('home with posts, the statechart on /debug, the transient notice and the expired dialog', async () => {
  const { context, page } = await newPage();
  await signedInHome(page);

  for (const post of [
    {
      title: 'Concurrent 401s, one reissue',
      body: 'Twenty requests failed at once. The statechart sent one reissue; all twenty retried.',
    },
    {
      title: 'Hello from the demo account',
      body: 'Posts render on the server first, then stay live through clientAuth.',
    },
  ]) {
    await page.getByLabel('Title').fill(post.title);
    await page.getByLabel('Body').fill(post.body);
    await page.getByRole('button', { name: 'Publish' }).click();
    await eventually(() => page.getByLabel('Title').inputValue()).toBe('');
  }
  await page.reload();
  await page.getByTestId('session-alerts').waitFor({ state: 'attached' });
  await eventually(() => page.getByTestId('posts').getByRole('listitem').count()).toBe(2);
  await shoot(page, 'home');

  await page.goto(`${stack.app.url}/debug`);
  await eventually(() => machineState(page)).toBe('authenticated.active');
  await page.getByRole('button', { name: 'Expire my access token now' }).click();
  await eventually(() => page.getByTestId('expire-result').textContent()).toContain('revoked');
  await page.getByRole('button', { name: 'Fire 20 parallel requests' }).click();
  await eventually(() => page.getByTestId('burst-result').textContent()).toBe(
    'Burst 1: 20 succeeded, 0 failed.',
  );
  const { accessTokenExpiresAt } = await session(page);
  // Freeze the page's clock 4 min 32 s before expiry; wait one tick of the countdown.
  await page.clock.setFixedTime(accessTokenExpiresAt - 272_000);
  // The countdown runs on the server-corrected clock, so the fixed page time may shift it by a second.
  await eventually(() => page.getByTestId('token-expiry').textContent()).toMatch(/^4:3[1-3]$/);
  await page.waitForTimeout(1_000);
  await page.evaluate(() => window.scrollTo(0, 0));
  await shoot(page, 'statechart');
  await shootPanel(page, 'statechart-panel-1280');
  await context.close();

  // A fresh context for the failure pictures, on the home page with an unsaved draft. Its clock
  // is Playwright's, so the automatic retries can be paused while the notice is photographed.
  const second = await newPage();
  const home = second.page;
  await home.clock.install();
  await signedInHome(home);
  await home.getByLabel('Title').fill('A draft that must not be lost');
  await home.getByLabel('Body').fill('Typed before the session ended…');

  // The reissue route answers 503, as it does when the API is unreachable.
  await home.route('**/api/auth/reissue', (route) =>
    route.fulfill({ status: 503, json: { error: 'REISSUE_UNAVAILABLE' } }),
  );
  const { accessToken } = await session(home);
  await fetch(`${stack.api.url}/debug/expire-access-token`, {
    method: 'POST',
    headers: { authorization: `Bearer ${accessToken}` },
  });
  await home.getByRole('button', { name: 'Reload' }).click();
  await home.getByRole('button', { name: 'Retry now' }).waitFor();
  await home.clock.pauseAt((await home.evaluate(() => Date.now())) + 10);
  await shoot(home, 'reissue-failed');
  await home.clock.resume();
  await home.unroute('**/api/auth/reissue');
  await home.getByRole('button', { name: 'Retry now' }).click();
  await home.getByTestId('reissue-notice').waitFor({ state: 'detached' });
  // The reissued token reaches the session cookie off the requests' critical path.
  await eventually(async () => (await session(home)).accessToken).not.toBe(accessToken);

  await fetch(`${stack.api.url}/debug/revoke-sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: DEMO.email }),
  });
  const current = await session(home);
  await fetch(`${stack.api.url}/debug/expire-access-token`, {
    method: 'POST',
    headers: { authorization: `Bearer ${current.accessToken}` },
  });
  await home.getByRole('button', { name: 'Reload' }).click();
  const dialog = home.getByRole('dialog', { name: 'Your session ended' });
  await dialog.waitFor();
  await shoot(home, 'session-expired');
  await second.context.close();
});

test('the statechart panel on a phone (375 px, 2× scale)', async () => {
  const context = await browser.newContext({
    viewport: { width: 375, height: 812 },
    deviceScaleFactor: 2,
  });
  const page = await context.newPage();
  await signedInHome(page);
  await page.goto(`${stack.app.url}/debug`);
  await eventually(() => machineState(page)).toBe('authenticated.active');
  const { accessTokenExpiresAt } = await session(page);
  await page.clock.setFixedTime(accessTokenExpiresAt - 272_000);
  await eventually(() => page.getByTestId('token-expiry').textContent()).toMatch(/^4:3[1-3]$/);
  await page.waitForTimeout(1_000);
  await shootPanel(page, 'statechart-panel-375');
  await context.close();
});
