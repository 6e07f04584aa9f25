/**
 * The app as `npm run dev` serves it: `next dev`, where React's StrictMode runs every effect
 * twice and the development-only parts (the floating toggle, the inspector button) exist. The
 * production suites cannot see what goes wrong only here.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { INSPECTOR_URL } from '@/lib/browser/inspector';
import { recordConsole } from './console-log';
import {
  createPostOnApi,
  DEMO,
  launchChromium,
  signInThroughForm,
  startStack,
  type Stack,
} from './harness';
import { eventually } from './waits';

let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  stack = await startStack({ mode: 'dev', apiEnv: { ACCESS_TOKEN_TTL: '600' } });
  browser = await launchChromium();
  // `next dev` compiles a route on its first request; do it once here, not inside a test's waits.
  for (const path of ['/signin', '/', '/debug']) await fetch(`${stack.app.url}${path}`);
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function signedInPage(options: { viewport?: { width: number; height: number } } = {}) {
  const context = await browser.newContext(options);
  // A stand-in for the inspector's window: records window.open calls and what is posted to it.
  await context.addInitScript(() => {
    const record = { opened: [] as unknown[][], posted: [] as unknown[] };
    Object.assign(window, { inspectorRecord: record });
    window.open = (...args: unknown[]) => {
      record.opened.push(args);
      return {
        postMessage: (message: unknown) => record.posted.push(message),
        closed: false,
      } as unknown as Window;
    };
  });
  const page = await context.newPage();
  await signInThroughForm(page, stack.app.url);
  await page.waitForURL(`${stack.app.url}/`);
  await page.getByTestId('session-alerts').waitFor({ state: 'attached' });
  return page;
}

function inspectorRecord(page: Page) {
  return page.evaluate(
    () =>
      (window as unknown as { inspectorRecord: { opened: unknown[][]; posted: unknown[] } })
        .inspectorRecord,
  );
}

test('no page logs a console warning or error while it loads, and the dev server logs no line per request', async () => {
  const context = await browser.newContext();
  const logged = recordConsole(context);
  const page = await context.newPage();
  for (const path of ['/signin', '/signup']) {
    await page.goto(`${stack.app.url}${path}`);
    await page.waitForLoadState('networkidle');
  }
  await signInThroughForm(page, stack.app.url);
  await page.waitForURL(`${stack.app.url}/`);
  for (const path of ['/', '/debug']) {
    await page.goto(`${stack.app.url}${path}`);
    await page.getByTestId('session-alerts').waitFor({ state: 'attached' });
    await page.waitForLoadState('networkidle');
  }
  expect(logged).toEqual([]);
  // Next's " GET /path 200 in 12ms" lines come back only with LOG_LEVEL=debug.
  expect(stack.app.output()).not.toMatch(/^\s*(GET|POST) \/\S* \d{3} in /m);
  await context.close();
});

test('under StrictMode the session-expired dialog stays open until the person closes it', async () => {
  const page = await signedInPage();
  const accessToken = await page.evaluate(
    async () =>
      ((await (await fetch('/api/auth/session')).json()) as { accessToken: string }).accessToken,
  );
  await fetch(`${stack.api.url}/debug/revoke-sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: DEMO.email }),
  });
  await fetch(`${stack.api.url}/debug/expire-access-token`, {
    method: 'POST',
    headers: { authorization: `Bearer ${accessToken}` },
  });

  await page.getByRole('button', { name: 'Reload' }).click();
  const dialog = page.getByRole('dialog', { name: 'Your session ended' });
  await dialog.waitFor();
  // StrictMode's extra unmount/mount has run by now; its close event must not have closed it.
  await page.waitForTimeout(2_000);
  expect(await dialog.isVisible()).toBe(true);
  expect(await page.getByTestId('session-ended-banner').count()).toBe(0);

  await dialog.getByRole('button', { name: 'Not now' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await page.getByTestId('session-ended-banner').waitFor();
  await page.context().close();
});

test('the development toggle opens the live chart over any page and gives focus back when closed', async () => {
  const page = await signedInPage();
  const toggle = page.getByRole('button', { name: /^Auth machine/ });
  await eventually(() => toggle.textContent()).toBe('Auth machine authenticated.active');
  // The header's link to /debug is the only control called "Statechart".
  expect(await page.getByRole('link', { name: 'Statechart' }).count()).toBe(1);
  expect(await page.getByRole('button', { name: 'Statechart' }).count()).toBe(0);

  await toggle.click();
  const sheet = page.getByRole('complementary', { name: 'Auth machine (development)' });
  await sheet.waitFor();
  await eventually(() => sheet.getByTestId('statechart-panel').getAttribute('data-current')).toBe(
    'authenticated.active',
  );
  await page.keyboard.press('Escape');
  await sheet.waitFor({ state: 'detached' });
  expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(
    'dev-toggle',
  );
  await page.context().close();
});

test('on a phone the inspector button is the last button on the panel, as the help says', async () => {
  const page = await signedInPage({ viewport: { width: 390, height: 844 } });
  await page.goto(`${stack.app.url}/debug`);
  const inspector = page.getByRole('button', { name: 'Open in the Stately inspector' });
  await inspector.waitFor();
  expect(await page.locator('.inspector-help').textContent()).toContain(
    'the last button on the panel',
  );
  const lowest = await page
    .getByTestId('statechart-panel')
    .locator('button')
    .evaluateAll((buttons) =>
      buttons
        .map((button) => ({
          text: button.textContent,
          top: button.getBoundingClientRect().top,
        }))
        .sort((a, b) => b.top - a.top)
        .map((button) => button.text),
    );
  expect(lowest[0]).toBe('Open in the Stately inspector');
  await page.context().close();
});

test('the inspector opens only from its button, and then receives the actor from its first event', async () => {
  const page = await signedInPage();
  // Neither the sign-in page nor the home page opened a window on load.
  expect((await inspectorRecord(page)).opened).toEqual([]);

  await page.goto(`${stack.app.url}/debug`);
  await page.getByTestId('session-alerts').waitFor({ state: 'attached' });
  expect((await inspectorRecord(page)).opened).toEqual([]);

  await page.getByRole('button', { name: 'Open in the Stately inspector' }).click();
  expect((await inspectorRecord(page)).opened).toEqual([[INSPECTOR_URL, 'xstateinspector']]);
  await eventually(() => page.getByTestId('inspector-result').textContent()).toContain(
    'opened in another window',
  );

  // The inspector page says it is ready; from then on the adapter posts the actor and its history.
  await eventually(async () => {
    await page.evaluate(() => window.postMessage({ type: '@statelyai.connected' }, '*'));
    const posted = (await inspectorRecord(page)).posted as Array<{
      type: string;
      event?: { type: string };
    }>;
    return (
      posted.some((message) => message.type === '@xstate.actor') &&
      posted.some((message) => message.event?.type === 'SESSION_UPDATE')
    );
  }).toBe(true);
  expect((await inspectorRecord(page)).opened).toHaveLength(1);
  await page.context().close();
});

test('at 390, 1024 and 1280 px the development toggle covers no post (Delete buttons included), wherever the page is scrolled', async () => {
  const seed = await fetch(`${stack.api.url}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: DEMO.email, password: DEMO.password }),
  });
  const { accessToken } = (await seed.json()) as { accessToken: string };
  // Enough posts that the page scrolls at every width.
  for (let n = 1; n <= 8; n++) {
    await createPostOnApi(stack.api.url, accessToken, {
      title: `Scrolling post ${n}`,
      body: 'A body long enough to wrap on a phone, so each post takes some room.',
    });
  }
  for (const width of [390, 1024, 1280]) {
    const page = await signedInPage({ viewport: { width, height: 700 } });
    const toggle = page.getByRole('button', { name: /^Auth machine/ });
    await toggle.waitFor();
    await eventually(() => page.getByRole('button', { name: 'Delete' }).count()).toBeGreaterThan(0);
    // A fixed button covers whatever scrolls beneath it: compare it with every element's
    // column as well as its place. One in the flow can only cover what sits beside it now.
    const covered = await page.evaluate(() => {
      const button = document.querySelector('[data-testid="dev-toggle"]')!;
      const fixed = getComputedStyle(button).position === 'fixed';
      const b = button.getBoundingClientRect();
      return [...document.querySelectorAll('main *')]
        .map((element) => ({ element, box: element.getBoundingClientRect() }))
        .filter(
          ({ box }) =>
            box.width > 0 &&
            box.height > 0 &&
            box.left < b.right &&
            b.left < box.right &&
            (fixed || (box.top < b.bottom && b.top < box.bottom)),
        )
        .map(({ element }) => `${element.tagName} ${element.textContent?.slice(0, 30)}`);
    });
    expect(covered, `at ${width} px`).toEqual([]);
    await page.context().close();
  }
});
