import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  startReferenceStack,
  startSpringStyleStack,
  type AdapterStack,
  type AdapterStackOptions,
} from './adapters';
import {
  CookieJar,
  createPostOnApi,
  decodeSession,
  DEMO,
  launchChromium,
  signInWithPassword,
  sleepUntil,
} from './harness';
import { eventually } from './waits';

/**
 * The reissue flows that matter, asserted identically against both API adapters: the
 * reference API (grace window, reuse detection) and a Spring-style API (refresh token in a
 * header, expiry only in the JWT, user from /users/me, STRICT rotation). Access tokens live
 * 8 s; the proxy reissues only in the last second.
 */
const OPTIONS: AdapterStackOptions = {
  accessTtlSeconds: 8,
  appEnv: { SESSION_REFRESH_MARGIN_SECONDS: '1' },
};

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/** A page navigation as a browser without JavaScript makes it: the session cookie, no redirects followed. */
function navigate(appUrl: string, jar: CookieJar, path = '/'): Promise<Response> {
  return fetch(`${appUrl}${path}`, {
    redirect: 'manual',
    headers: { cookie: jar.header(), accept: 'text/html' },
  });
}

describe.each([
  ['reference', startReferenceStack],
  ['spring-style', startSpringStyleStack],
] as const)('with the %s adapter', (adapter, start) => {
  let stack: AdapterStack;

  beforeAll(async () => {
    stack = await start(OPTIONS);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  async function browserSession(context: BrowserContext) {
    const cookies = (await context.cookies()).filter((c) => c.name.startsWith('next-auth.session'));
    return decodeSession(new CookieJar(cookies.map((c) => [c.name, c.value])), stack.secret);
  }

  test('burst: 20 parallel clientAuth requests after expiry share one reissue, all succeed, and the new session is persisted', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    // Timers paused after sign-in, as in a sleeping tab: the API's 401 starts the reissue.
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
    const post = await createPostOnApi(stack.apiUrl, signedIn.accessToken, {
      title: `Kept across the reissue (${adapter})`,
      body: 'Written before the access token expired.',
    });
    await sleepUntil(signedIn.accessTokenExpiresAt, 500);
    const before = await stack.reissues();
    const okBefore = await stack.requests('/users/me', 'GET', 200, true);
    const rejectedBefore = await stack.requests('/users/me', 'GET', 401, true);

    const started = performance.now();
    await fire.click();
    await eventually(() => page.getByTestId('burst-result').textContent()).toMatch(
      /succeeded|failed/,
    );
    const elapsed = performance.now() - started;

    const after = await stack.reissues();
    const ok = (await stack.requests('/users/me', 'GET', 200, true)) - okBefore;
    const rejected = (await stack.requests('/users/me', 'GET', 401, true)) - rejectedBefore;
    console.log(
      `[${adapter}] burst after expiry: ${elapsed.toFixed(0)} ms, reissues ${after.succeeded - before.succeeded}, browser /users/me 401s ${rejected}, 200s ${ok}`,
    );
    expect(await page.getByTestId('burst-result').textContent()).toMatch(
      /^Burst \d+: 20 succeeded, 0 failed\.$/,
    );
    expect(after.succeeded - before.succeeded).toBe(1);
    expect(after.reuseDetected - before.reuseDetected).toBe(0);
    expect(ok).toBe(20);
    expect(rejected).toBeGreaterThanOrEqual(1);
    expect(rejected).toBeLessThanOrEqual(20);

    await eventually(async () => (await browserSession(context)).refreshToken).not.toBe(
      signedIn.refreshToken,
    );
    expect((await browserSession(context)).accessTokenExpiresAt).toBeGreaterThan(Date.now());

    // A server render now reads the persisted session: no further reissue.
    await page.goto(`${stack.app.url}/`);
    await eventually(() => page.getByTestId('pen-name').textContent()).toBe(DEMO.penName);
    await eventually(() => page.getByTestId('posts').textContent()).toContain(post.title);
    expect((await stack.reissues()).succeeded - after.succeeded).toBe(0);
    await context.close();
  });

  test('server side: 20 concurrent navigations after expiry reissue once in the proxy, all render, and the next navigation reissues nothing', async () => {
    const jar = await signInWithPassword(stack.app.url);
    const session = await decodeSession(jar, stack.secret);
    const post = await createPostOnApi(stack.apiUrl, session.accessToken, {
      title: `Rendered after a proxy reissue (${adapter})`,
      body: 'Server Components read the new cookie.',
    });
    await sleepUntil(session.accessTokenExpiresAt, 200);
    const before = await stack.reissues();
    const rejectedBefore = await stack.requests('/posts', 'GET', 401);

    const started = performance.now();
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => navigate(stack.app.url, jar)),
    );
    const pages = await Promise.all(responses.map((r) => r.text()));
    const elapsed = performance.now() - started;

    const after = await stack.reissues();
    console.log(
      `[${adapter}] 20 concurrent expired navigations: ${elapsed.toFixed(0)} ms, statuses ${[...new Set(responses.map((r) => r.status))].join(',')}, reissues ${after.succeeded - before.succeeded}`,
    );
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    for (const html of pages) {
      expect(html).toContain(DEMO.penName);
      expect(html).toContain(post.title);
    }
    expect(after.succeeded - before.succeeded).toBe(1);
    expect(after.reuseDetected - before.reuseDetected).toBe(0);
    // The Server Components never sent the expired token: the proxy's cookie was already there.
    expect(await stack.requests('/posts', 'GET', 401)).toBe(rejectedBefore);
    const successors = new Set<string>();
    for (const response of responses) {
      successors.add(
        (await decodeSession(new CookieJar().store(response), stack.secret)).refreshToken,
      );
    }
    expect(successors.size).toBe(1);
    expect(successors.has(session.refreshToken)).toBe(false);

    const renewed = new CookieJar().store(responses[0]!);
    const next = await navigate(stack.app.url, renewed);
    expect(next.status).toBe(200);
    expect(await next.text()).toContain(post.title);
    expect((await stack.reissues()).succeeded - after.succeeded).toBe(0);
  });

  test('expired flow: with the refresh token family revoked, the next request opens the "session ended" dialog, and signing in there works', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${stack.app.url}/signin`);
    await page.getByLabel('Email').fill(DEMO.email);
    await page.getByLabel('Password').fill(DEMO.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${stack.app.url}/`);
    await page.getByTestId('session-alerts').waitFor({ state: 'attached' });
    const { accessToken } = await browserSession(context);

    const revokedFamily = await fetch(`${stack.apiUrl}/debug/revoke-sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: DEMO.email }),
    });
    const revokedAccess = await fetch(`${stack.apiUrl}/debug/expire-access-token`, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect([revokedFamily.status, revokedAccess.status]).toEqual([204, 204]);
    const before = await stack.reissues();
    await page.getByRole('button', { name: 'Reload' }).click();

    const dialog = page.getByRole('dialog', { name: 'Your session ended' });
    await dialog.waitFor();
    expect((await stack.reissues()).succeeded - before.succeeded).toBe(0);
    expect(await dialog.getByLabel('Email').inputValue()).toBe(DEMO.email);
    await dialog.getByLabel('Password').fill(DEMO.password);
    await dialog.getByRole('button', { name: 'Sign in' }).click();
    await dialog.waitFor({ state: 'detached' });

    await page.getByLabel('Title').fill(`After signing in again (${adapter})`);
    await page.getByRole('button', { name: 'Publish' }).click();
    await eventually(() => page.getByTestId('posts').textContent()).toContain(
      `After signing in again (${adapter})`,
    );
    await context.close();
  });
});
