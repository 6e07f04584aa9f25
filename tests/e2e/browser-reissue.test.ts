import type { JWT } from 'next-auth/jwt';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import {
  CookieJar,
  createPostOnApi,
  decodeSession,
  DEMO,
  launchChromium,
  reissueOutcomes,
  requestCount,
  signInThroughForm,
  sleepUntil,
  startStack,
  type Stack,
} from './harness';
import { eventually } from './waits';

/** Access tokens live 8 s; the proxy reissues only in the last second, so the tab's actor does the work. */
let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  stack = await startStack({
    apiEnv: { ACCESS_TOKEN_TTL: '8' },
    appEnv: { SESSION_REFRESH_MARGIN_SECONDS: '1' },
  });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/** The browser's httpOnly session cookie, decrypted as the server reads it. */
async function browserSession(context: BrowserContext): Promise<JWT> {
  const cookies = (await context.cookies()).filter((c) => c.name.startsWith('next-auth.session'));
  return decodeSession(new CookieJar(cookies.map((c) => [c.name, c.value])), stack.secret);
}

function reissues(before: { rotated: number; grace: number }, after: typeof before): number {
  return after.rotated + after.grace - before.rotated - before.grace;
}

test('20 parallel clientAuth requests with an expired access token share one reissue, all succeed, and signIn persists the new session', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  // The page's timers run on a clock the test controls: paused later, as in a sleeping tab, so
  // the actor's proactive reissue never fires and the API's 401 is what starts the reissue.
  await page.clock.install();
  await page.goto(`${stack.app.url}/debug`);
  await page.waitForURL(/\/signin\?callbackUrl=/);
  await page.getByLabel('Email').fill(DEMO.email);
  await page.getByLabel('Password').fill(DEMO.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${stack.app.url}/debug`);
  const fire = page.getByRole('button', { name: 'Fire 20 parallel requests' });
  await fire.waitFor();
  await page.clock.pauseAt(Date.now() + 500);
  const signedIn = await browserSession(context);
  const post = await createPostOnApi(stack.api.url, signedIn.accessToken, {
    title: 'Kept across the reissue',
    body: 'Written before the access token expired.',
  });
  await sleepUntil(signedIn.accessTokenExpiresAt, 500);
  const before = await reissueOutcomes(stack.api.url);
  const okBefore = await requestCount(stack.api.url, '/users/me', 'GET', 200);
  const rejectedBefore = await requestCount(stack.api.url, '/users/me', 'GET', 401);

  const started = performance.now();
  await fire.click();
  await eventually(() => page.getByTestId('burst-result').textContent()).toMatch(/succeeded/);
  const elapsed = performance.now() - started;

  const after = await reissueOutcomes(stack.api.url);
  const ok = (await requestCount(stack.api.url, '/users/me', 'GET', 200)) - okBefore;
  const rejected = (await requestCount(stack.api.url, '/users/me', 'GET', 401)) - rejectedBefore;
  console.log(
    `burst after expiry: ${elapsed.toFixed(0)} ms, reissues ${reissues(before, after)}, /users/me 401s ${rejected}, 200s ${ok}`,
  );
  expect(await page.getByTestId('burst-result').textContent()).toBe(
    'Burst 1: 20 succeeded, 0 failed.',
  );
  expect(reissues(before, after)).toBe(1);
  expect(after.reuse_detected - before.reuse_detected).toBe(0);
  expect(ok).toBe(20);
  expect(rejected).toBeGreaterThanOrEqual(1);
  expect(rejected).toBeLessThanOrEqual(20);

  // persistSession (signIn with the sealed ticket) rewrote the httpOnly cookie.
  await eventually(async () => (await browserSession(context)).refreshToken).not.toBe(
    signedIn.refreshToken,
  );
  const persisted = await browserSession(context);
  expect(persisted.accessTokenExpiresAt).toBeGreaterThan(Date.now());

  // A server-rendered page now reads the persisted session: no further reissue, no 401.
  const postsRejectedBefore = await requestCount(stack.api.url, '/posts', 'GET', 401);
  await page.goto(`${stack.app.url}/`);
  await eventually(() => page.getByTestId('pen-name').textContent()).toBe(DEMO.penName);
  await eventually(() => page.getByTestId('posts').textContent()).toContain(post.title);
  const postsOkBefore = await requestCount(stack.api.url, '/posts', 'GET', 200);
  await page.getByRole('button', { name: 'Reload', exact: true }).click();
  await eventually(() => requestCount(stack.api.url, '/posts', 'GET', 200)).toBe(postsOkBefore + 1);

  const afterRender = await reissueOutcomes(stack.api.url);
  console.log(`after the server render and a reload: reissues ${reissues(after, afterRender)}`);
  expect(reissues(after, afterRender)).toBe(0);
  expect(await requestCount(stack.api.url, '/posts', 'GET', 401)).toBe(postsRejectedBefore);
  expect(await page.locator('main').getByRole('alert').allTextContents()).toEqual([]);
  await context.close();
});

test("publishing a post after the API revoked the access token: the server action's serverAuth reissues once and writes the session cookie", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signInThroughForm(page, stack.app.url);
  await page.waitForURL(`${stack.app.url}/`);
  await eventually(() => page.getByTestId('pen-name').textContent()).toBe(DEMO.penName);
  const signedIn = await browserSession(context);
  const revoked = await fetch(`${stack.api.url}/debug/expire-access-token`, {
    method: 'POST',
    headers: { authorization: `Bearer ${signedIn.accessToken}` },
  });
  expect(revoked.status).toBe(204);
  const before = await reissueOutcomes(stack.api.url);
  const rejectedBefore = await requestCount(stack.api.url, '/posts', 'POST', 401);
  const createdBefore = await requestCount(stack.api.url, '/posts', 'POST', 201);

  await page.getByLabel('Title').fill('Published through a reissue');
  await page.getByLabel('Body').fill('The server action retried with a new token.');
  await page.getByRole('button', { name: 'Publish' }).click();
  await eventually(() => page.getByTestId('posts').textContent()).toContain(
    'Published through a reissue',
  );

  const after = await reissueOutcomes(stack.api.url);
  const rejected = (await requestCount(stack.api.url, '/posts', 'POST', 401)) - rejectedBefore;
  const created = (await requestCount(stack.api.url, '/posts', 'POST', 201)) - createdBefore;
  console.log(
    `server action with a revoked token: POST /posts 401s ${rejected}, 201s ${created}, reissues ${reissues(before, after)}`,
  );
  expect(rejected).toBe(1);
  expect(created).toBe(1);
  expect(reissues(before, after)).toBe(1);
  const persisted = await browserSession(context);
  expect(persisted.refreshToken).not.toBe(signedIn.refreshToken);
  expect(persisted.accessToken).not.toBe(signedIn.accessToken);
  expect(await page.locator('main').getByRole('alert').allTextContents()).toEqual([]);
  await context.close();
});
