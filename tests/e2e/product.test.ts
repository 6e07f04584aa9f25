import { randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import { authMachineDiagram } from '@/machines/auth.diagram';
import { CspWatch } from './csp';
import {
  DEMO,
  launchChromium,
  machineState,
  reissueCount,
  signInThroughForm,
  startStack,
  type Stack,
} from './harness';
import { WAIT_MS, eventually } from './waits';

let stack: Stack;
let browser: Browser;
// Every context these tests open reports CSP violations here; a product flow may cause none.
const csp = new CspWatch();

beforeAll(async () => {
  // Tokens outlive every test, so the only reissues are the ones a test provokes.
  stack = await startStack({ apiEnv: { ACCESS_TOKEN_TTL: '600' } });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

afterEach(() => {
  expect(csp.violations.splice(0)).toEqual([]);
});

async function signedInPage(path = '/'): Promise<Page> {
  const page = await (await csp.context(browser)).newPage();
  await signInThroughForm(page, stack.app.url);
  await page.waitForURL(`${stack.app.url}/`);
  if (path !== '/') await page.goto(`${stack.app.url}${path}`);
  // Rendered only after hydration: from here on, clicks reach React.
  await page.getByTestId('session-alerts').waitFor({ state: 'attached' });
  return page;
}

/** The session as the page sees it (never the refresh token). */
async function accessTokenOf(page: Page): Promise<string> {
  const session = await page.evaluate(async () => (await fetch('/api/auth/session')).json());
  return session.accessToken as string;
}

/** The API's dev-only route: this access token is rejected from now on. */
async function revokeAccessToken(accessToken: string) {
  const response = await fetch(`${stack.api.url}/debug/expire-access-token`, {
    method: 'POST',
    headers: { authorization: `Bearer ${accessToken}` },
  });
  expect(response.status).toBe(204);
}

test('a new user signs up, signs in, writes a post that is server-rendered after a reload, and deletes it', async () => {
  const page = await (await csp.context(browser)).newPage();
  const email = `writer-${randomBytes(4).toString('hex')}@example.com`;
  await page.goto(`${stack.app.url}/signup`);
  await page.getByLabel('Pen name').fill('Ada Lovelace');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Create account' }).click();
  // Sign-up answers alike for new and taken emails, so the new user signs in next: the email
  // is filled in and the cursor waits in the password field.
  await page.waitForURL(/\/signin\?/, { timeout: WAIT_MS });
  expect(await page.getByLabel('Email').inputValue()).toBe(email);
  await eventually(() =>
    page.evaluate(() => document.activeElement?.getAttribute('name') ?? null),
  ).toBe('password');
  await page.keyboard.type('correct horse battery');
  await page.getByRole('button', { name: 'Sign in' }).click();

  await page.waitForURL(`${stack.app.url}/`);
  await eventually(() => page.getByTestId('pen-name').textContent()).toBe('Ada Lovelace');
  expect(await page.getByText(email).count()).toBe(1);
  await page.getByTestId('session-alerts').waitFor({ state: 'attached' });

  await page.getByLabel('Title').fill('First light');
  await page.getByLabel('Body').fill('Written in a real browser.');
  await page.getByRole('button', { name: 'Publish' }).click();
  await eventually(() => page.getByTestId('posts').textContent()).toContain('First light');
  expect(await page.getByLabel('Title').inputValue()).toBe('');
  // The sign-up form promised the pen name is shown on posts.
  expect(await page.getByTestId('post-byline').first().textContent()).toContain('by Ada Lovelace');

  // The HTML the server sends already lists it.
  const html = await (await page.request.get(`${stack.app.url}/`)).text();
  expect(html).toContain('First light');
  await page.reload();
  expect(await page.getByTestId('posts').textContent()).toContain('Written in a real browser.');
  await page.getByTestId('session-alerts').waitFor({ state: 'attached' });

  // Delete asks first; "Keep it" keeps it.
  await page.getByRole('button', { name: 'Delete “First light”' }).click();
  await page.getByRole('link', { name: 'Keep it' }).click();
  await page.getByRole('button', { name: 'Delete “First light”' }).click();
  expect(await page.getByTestId('posts').textContent()).toContain('First light');
  await page.getByRole('button', { name: 'Yes, delete “First light”' }).click();
  await eventually(() => page.getByText('No posts yet').count()).toBe(1);
  await page.reload();
  expect(await page.getByText('No posts yet').count()).toBe(1);
  await page.context().close();
});

test('a signed-out visitor to a protected page is sent to sign-in and comes back to it', async () => {
  const page = await (await csp.context(browser)).newPage();
  await page.goto(`${stack.app.url}/debug`);
  await page.waitForURL(`${stack.app.url}/signin?callbackUrl=%2Fdebug`);

  await page.getByLabel('Email').fill(DEMO.email);
  await page.getByLabel('Password').fill(DEMO.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${stack.app.url}/debug`);
  await eventually(() => page.getByTestId('state-authenticated').getAttribute('aria-current')).toBe(
    'true',
  );
  await page.context().close();
});

test('an access token rejected while the page is open: the next request reissues once and just works', async () => {
  const page = await signedInPage();
  const statuses: number[] = [];
  page.on('response', (response) => {
    if (response.url() === `${stack.api.url}/posts` && response.request().method() === 'GET') {
      statuses.push(response.status());
    }
  });
  const before = await reissueCount(stack.api.url);
  await revokeAccessToken(await accessTokenOf(page));

  await page.getByRole('button', { name: 'Reload' }).click();
  await eventually(() => statuses).toEqual([401, 200]);
  expect(await reissueCount(stack.api.url)).toBe(before + 1);
  expect(await page.getByTestId('posts-error').count()).toBe(0);

  // The next request carries the new token: no 401, no reissue.
  await page.getByRole('button', { name: 'Reload' }).click();
  await eventually(() => statuses).toEqual([401, 200, 200]);
  expect(await reissueCount(stack.api.url)).toBe(before + 1);
  expect(await page.getByTestId('posts-error').count()).toBe(0);
  await page.context().close();
});

test('a session revoked on the API while the page is open: the dialog signs in again in place and the draft survives', async () => {
  const page = await signedInPage();
  const url = page.url();
  await page.getByLabel('Title').fill('Unsaved thoughts');
  await page.getByLabel('Body').fill('Typed before the session was revoked.');

  await fetch(`${stack.api.url}/debug/revoke-sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: DEMO.email }),
  });
  await revokeAccessToken(await accessTokenOf(page));
  await page.getByRole('button', { name: 'Reload' }).click();

  const dialog = page.getByRole('dialog', { name: 'Your session ended' });
  await dialog.waitFor();
  expect(await dialog.getByLabel('Email').inputValue()).toBe(DEMO.email);
  expect(await page.evaluate(() => document.activeElement?.id)).toBe('expired-password');
  const signInPage = dialog.getByRole('link', { name: 'Go to the sign-in page' });
  expect(
    new URL((await signInPage.getAttribute('href'))!, url).searchParams.get('callbackUrl'),
  ).toBe('/');

  // "Not now" leaves the page usable and a way back to the dialog.
  await dialog.getByRole('button', { name: 'Not now' }).click();
  await dialog.waitFor({ state: 'hidden' });
  // The API would still take the revoked session's access token until it expires; the page
  // does not publish behind the "session ended" it shows.
  const count = page.locator('#posts-heading .count');
  const postsBefore = await count.textContent();
  await page.getByRole('button', { name: 'Publish' }).click();
  await eventually(() => page.getByTestId('post-form-error').textContent()).toContain(
    'this post was not sent',
  );
  expect(await count.textContent()).toBe(postsBefore);
  await page
    .getByTestId('session-ended-banner')
    .getByRole('button', { name: 'Sign in again' })
    .click();
  await dialog.waitFor();
  expect(await page.evaluate(() => document.activeElement?.id)).toBe('expired-password');

  await dialog.getByLabel('Password').fill('not the password');
  await dialog.getByRole('button', { name: 'Sign in' }).click();
  await eventually(() => dialog.getByRole('alert').textContent()).toContain('do not match');

  await dialog.getByLabel('Password').fill(DEMO.password);
  await dialog.getByRole('button', { name: 'Sign in' }).click();
  await dialog.waitFor({ state: 'detached' });

  expect(page.url()).toBe(url);
  // Signed in again: no message about the session that ended stays behind.
  await eventually(() => page.getByTestId('post-form-error').count()).toBe(0);
  expect(await page.getByTestId('posts-error').count()).toBe(0);
  expect(await page.getByLabel('Title').inputValue()).toBe('Unsaved thoughts');
  expect(await page.getByLabel('Body').inputValue()).toBe('Typed before the session was revoked.');

  // The new session works: the draft can be published.
  await page.getByRole('button', { name: 'Publish' }).click();
  await eventually(() => page.getByTestId('posts').textContent()).toContain('Unsaved thoughts');
  await page.context().close();
});

test('from the dialog, "Go to the sign-in page" ends the dead session and sign-in returns to the page', async () => {
  const page = await signedInPage('/debug');
  await fetch(`${stack.api.url}/debug/revoke-sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: DEMO.email }),
  });
  await page.getByRole('button', { name: 'Expire my access token now' }).click();
  await page.getByRole('button', { name: 'Fire 20 parallel requests' }).click();
  const dialog = page.getByRole('dialog', { name: 'Your session ended' });
  await dialog.waitFor();

  await dialog.getByRole('link', { name: 'Go to the sign-in page' }).click();
  await page.waitForURL(`${stack.app.url}/signin?reason=expired&callbackUrl=%2Fdebug`);
  expect(await page.getByRole('status').filter({ hasText: 'Your session ended' }).count()).toBe(1);
  await page.getByLabel('Email').fill(DEMO.email);
  await page.getByLabel('Password').fill(DEMO.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${stack.app.url}/debug`);
  await eventually(() => machineState(page)).toBe('authenticated.active');
  await page.context().close();
});

test('the statechart on /debug: after "Expire my access token now", 20 parallel requests light refreshing then authenticated and share one reissue', async () => {
  const page = await signedInPage('/debug');
  await eventually(() => machineState(page)).toBe('authenticated.active');
  // Drawn from the machine's own description: every state, and an arrow for every transition.
  const svg = page.getByTestId('statechart');
  const drawnStates = await svg
    .locator('[data-testid^="state-"]')
    .evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-testid')));
  expect(drawnStates.sort()).toEqual(authMachineDiagram.states.map((s) => `state-${s.id}`).sort());
  const arrows = await svg
    .locator('[data-transition]')
    .evaluateAll((edges) => edges.map((edge) => edge.getAttribute('data-transition')));
  for (const { source, target } of authMachineDiagram.transitions) {
    expect(arrows).toContain(`${source ?? '*'}->${target ?? source}`);
  }
  expect(await page.getByTestId('reissue-count').textContent()).toBe('0');
  expect(await page.getByTestId('token-expiry').textContent()).toMatch(/^\d+:\d\d$/);

  // `refreshing` lasts milliseconds: record every highlight change as it happens.
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { highlights: string[] }).highlights = seen;
    new MutationObserver((mutations) => {
      for (const { target } of mutations) {
        const node = target as Element;
        if (node.getAttribute('data-state') === 'active')
          seen.push(node.getAttribute('data-testid')!);
      }
    }).observe(document.querySelector('[data-testid="statechart"]')!, {
      subtree: true,
      attributeFilter: ['data-state'],
    });
  });
  const before = await reissueCount(stack.api.url);

  await page.getByRole('button', { name: 'Expire my access token now' }).click();
  await eventually(() => page.getByTestId('expire-result').textContent()).toContain('revoked');
  await page.getByRole('button', { name: 'Fire 20 parallel requests' }).click();
  await eventually(() => page.getByTestId('burst-result').textContent()).toBe(
    'Burst 1: 20 succeeded, 0 failed.',
  );

  const highlights = await page.evaluate(
    () => (window as unknown as { highlights: string[] }).highlights,
  );
  expect(highlights.indexOf('state-refreshing')).toBeGreaterThanOrEqual(0);
  expect(
    highlights.indexOf('state-authenticated', highlights.indexOf('state-refreshing')),
  ).toBeGreaterThan(0);
  expect(await page.getByTestId('state-authenticated').getAttribute('aria-current')).toBe('true');
  expect(await page.getByTestId('state-refreshing').getAttribute('data-state')).toBe('inactive');
  expect(await page.getByTestId('state-history').textContent()).toContain('refreshing');

  expect(await page.getByTestId('reissue-count').textContent()).toBe('1');
  expect(await reissueCount(stack.api.url)).toBe(before + 1);

  // The same burst again reads differently, so a person can tell it ran (and needed no reissue).
  await page.getByRole('button', { name: 'Fire 20 parallel requests' }).click();
  await eventually(() => page.getByTestId('burst-result').textContent()).toBe(
    'Burst 2: 20 succeeded, 0 failed.',
  );
  expect(await reissueCount(stack.api.url)).toBe(before + 1);
  await page.context().close();
});

test('a transient reissue failure shows a notice, keeps the person signed in, and "Retry now" recovers', async () => {
  const page = await signedInPage();
  const before = await reissueCount(stack.api.url);
  // The reissue route answers 503, as it does when the API cannot be reached.
  let failing = true;
  let failures = 0;
  await page.route('**/api/auth/reissue', async (route) => {
    if (!failing) return route.continue();
    failures++;
    return route.fulfill({ status: 503, json: { error: 'REISSUE_UNAVAILABLE' } });
  });
  await revokeAccessToken(await accessTokenOf(page));

  await page.getByRole('button', { name: 'Reload' }).click();
  const notice = page.getByTestId('reissue-notice');
  await notice.waitFor();
  expect(await notice.textContent()).toContain('could not renew your session');
  expect(await page.getByRole('status').filter({ has: notice }).count()).toBe(1);
  expect(await page.getByRole('dialog').count()).toBe(0);
  expect(await page.getByTestId('header-pen-name').textContent()).toBe(DEMO.penName);

  // The machine retries on its own after 0.25 s, then 1 s; let one retry fail, then recover by hand.
  await eventually(() => failures).toBeGreaterThanOrEqual(2);
  failing = false;
  await notice.getByRole('button', { name: 'Retry now' }).click();
  await notice.waitFor({ state: 'detached' });
  expect(await reissueCount(stack.api.url)).toBe(before + 1);

  const reloaded = page.waitForResponse(
    (response) => response.url() === `${stack.api.url}/posts` && response.status() === 200,
  );
  await page.getByRole('button', { name: 'Reload' }).click();
  await reloaded;
  await eventually(() => page.getByTestId('posts-error').count()).toBe(0);
  await page.context().close();
});

test('signing up with a taken email answers as a new one does; a server-side refusal keeps the password typed', async () => {
  const page = await (await browser.newContext()).newPage();
  const signUp = async (email: string, penName: string) => {
    await page.goto(`${stack.app.url}/signup`);
    await page.getByLabel('Pen name').fill(penName);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('a long enough password');
    await page.getByRole('button', { name: 'Create account' }).click();
  };

  // No account enumeration: the taken email and a new one land on the same page, each with
  // the email typed filled in.
  await signUp(DEMO.email, 'Someone Else');
  await page.waitForURL(/\/signin\?reason=signedUp/);
  const takenNotice = await page.locator('main').textContent();
  expect(await page.getByLabel('Email').inputValue()).toBe(DEMO.email);
  const newEmail = `new-${Date.now()}@example.com`;
  await signUp(newEmail, 'Someone New');
  await page.waitForURL(/\/signin\?reason=signedUp/);
  expect(await page.locator('main').textContent()).toBe(takenNotice);
  expect(await page.getByLabel('Email').inputValue()).toBe(newEmail);

  // Two spaces pass the browser's minLength but not the server's trimmed check. The message
  // takes the hint's place rather than repeating the rule beside it.
  await signUp(`spaces-${Date.now()}@example.com`, '  ');
  await page.getByText('Use at least 2 characters').waitFor();
  expect(await page.getByText('2–40 characters').count()).toBe(0);
  expect(await page.getByLabel('Pen name').getAttribute('aria-describedby')).toBe('penName-error');
  expect(await page.getByLabel('Password').inputValue()).toBe('a long enough password');
  await page.getByRole('link', { name: 'Sign in' }).last().click();
  await page.waitForURL(/\/signin\?callbackUrl=%2F/);
  await page.context().close();
});

test('without JavaScript, Publish, Delete (with its confirmation), Reload and Sign out still work', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await signInThroughForm(page, stack.app.url);
  await page.waitForURL(`${stack.app.url}/`);

  await page.getByLabel('Title').fill('Posted without scripts');
  await page.getByLabel('Body').fill('A plain form post.');
  await page.getByRole('button', { name: 'Publish' }).click();
  await eventually(() => page.getByTestId('posts').textContent()).toContain(
    'Posted without scripts',
  );

  await page.getByRole('button', { name: 'Reload' }).click();
  await page.waitForURL((url) => url.pathname === '/' && !url.search.includes('confirm'));
  expect(await page.getByTestId('posts').textContent()).toContain('Posted without scripts');

  await page.getByRole('button', { name: 'Delete “Posted without scripts”' }).click();
  await page.waitForURL(/\?confirmDelete=/);
  await page.getByRole('button', { name: 'Yes, delete “Posted without scripts”' }).click();
  await page.waitForURL(`${stack.app.url}/`);
  expect(await page.getByText('Posted without scripts').count()).toBe(0);

  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(`${stack.app.url}/signin?reason=signedOut`);
  await page.goto(`${stack.app.url}/`);
  await page.waitForURL(/\/signin\?callbackUrl=/);
  await context.close();
});

test('/debug at 1280 px: the diagram stays inside its column, the transition table inside the panel', async () => {
  const page = await signedInPage('/debug');
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.getByText('Every transition, with guards and actions').click();
  const overflow = await page.evaluate(() => {
    const right = (selector: string) =>
      document.querySelector(selector)!.getBoundingClientRect().right;
    return [
      ['.statechart-frame', '.sc-main'],
      ['.statechart', '.sc-main'],
      ['.transitions', '.statechart-panel'],
      ['.table-scroll', '.statechart-panel'],
    ].map(([selector, within]) => ({
      selector,
      past: Math.max(0, Math.round(right(selector!) - right(within!))),
    }));
  });
  expect(overflow.filter(({ past }) => past > 0)).toEqual([]);
  await page.context().close();
});
