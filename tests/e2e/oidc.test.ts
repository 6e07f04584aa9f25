/**
 * The oidc adapter in real Chromium against a real, strict OpenID provider: oidc-provider 8 as a
 * process of its own (every refresh rotates the refresh token, a replayed rotated token revokes
 * the whole grant, JWT access tokens for the API that live 20 s, its development login form),
 * the reference API trusting its tokens, one `next start` with AUTH_BACKEND=oidc. The same
 * guarantees as for the reference adapter (backend-adapters.test.ts, tabs.test.ts,
 * durability.test.ts), counted from the provider's own events: refresh_token grants, grants
 * revoked, replays. One stack for the file; the outage test runs last.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { OIDC_CLIENT, PROVIDER_NAME, startOidcStack, type OidcStack } from '../support/oidc-stack';
import {
  createPostOnApi,
  DEMO,
  launchChromium,
  machineState,
  requestCount,
  sleepUntil,
} from './harness';
import { browserSession, loginAtProvider, providerDelta, signInWithProvider } from './oidc-harness';
import { eventually, stepTrace, WAIT_MS } from './waits';

const ACCESS_TTL_SECONDS = 20;

let stack: OidcStack;
let browser: Browser;

beforeAll(async () => {
  stack = await startOidcStack({
    accessTokenTtlSeconds: ACCESS_TTL_SECONDS,
    // The proxy reissues only in the last 2 s: the tab does the work, as in the reference tests.
    appEnv: { SESSION_REFRESH_MARGIN_SECONDS: '2' },
  });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/** A context whose pages record every state the tab's machine passes through (on /debug). */
async function recordingContext(): Promise<BrowserContext> {
  const context = await browser.newContext();
  await context.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { authStates: string[] }).authStates = seen;
    setInterval(() => {
      const current = document.querySelector<HTMLElement>('[data-testid="statechart-panel"]')
        ?.dataset.current;
      if (current && seen.at(-1) !== current) seen.push(current);
    }, 25);
  });
  return context;
}

const statesOf = (page: Page) =>
  page.evaluate(() => (window as unknown as { authStates: string[] }).authStates);

async function fireBurst(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Fire 20 parallel requests' }).click();
  await eventually(() => page.getByTestId('burst-result').textContent()).toMatch(/succeeded/);
  return (await page.getByTestId('burst-result').textContent()) ?? '';
}

async function revokeAccessTokenFrom(page: Page) {
  await page.getByRole('button', { name: 'Expire my access token now' }).click();
  await eventually(() => page.getByTestId('expire-result').textContent()).toContain('revoked');
}

describe('the oidc adapter, one app process', () => {
  test('sign-in through the provider’s login page: code + PKCE + state + nonce; the provider’s tokens in the encrypted cookie, the refresh token nowhere in the browser', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const before = await stack.provider.counts();
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));

    await page.goto(`${stack.url}/`);
    await page.waitForURL(/\/signin\?callbackUrl=/);
    expect(await page.getByLabel('Password').count()).toBe(0);
    await page.getByRole('button', { name: `Sign in with ${PROVIDER_NAME}` }).click();
    await page.waitForURL((url) => url.href.startsWith(stack.provider.issuer));
    await loginAtProvider(page);
    await page.waitForURL(`${stack.url}/`);
    await eventually(() => page.getByTestId('pen-name').textContent()).toBe(DEMO.penName);

    const authorize = new URL(
      requests.find((url) => url.startsWith(`${stack.provider.issuer}/auth?`))!,
    );
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    for (const check of ['code_challenge', 'state', 'nonce']) {
      expect(authorize.searchParams.get(check)).toMatch(/^[\w-]{20,}$/);
    }
    expect(authorize.searchParams.get('scope')).toBe('openid profile email offline_access');

    const session = await browserSession(context, stack.secret);
    expect(session.refreshToken).toMatch(/^[\w-]{20,}$/);
    expect(session.idToken).toEqual(expect.any(String));
    const exposed = await page.evaluate(async () => ({
      session: await (await fetch('/api/auth/session')).text(),
      html: document.documentElement.outerHTML,
      storage: JSON.stringify({ ...localStorage, ...sessionStorage }),
      cookies: document.cookie,
    }));
    for (const [where, text] of Object.entries(exposed)) {
      expect(text, where).not.toContain(session.refreshToken);
      expect(text, where).not.toContain(session.idToken);
    }
    expect(JSON.parse(exposed.session)).not.toHaveProperty('refreshToken');
    expect(await providerDelta(stack, before)).toMatchObject({
      codeGrants: 1,
      refreshGrants: 0,
      grantsRevoked: 0,
    });
    await context.close();
  });

  test('20 parallel clientAuth requests after expiry: 1 refresh_token grant, 0 grant revocations, all 20 succeed, and the new session is persisted', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    // Timers paused after sign-in, as in a sleeping tab: the API's 401 starts the reissue.
    await page.clock.install();
    await signInWithProvider(page, stack.url, '/debug');
    const fire = page.getByRole('button', { name: 'Fire 20 parallel requests' });
    await fire.waitFor();
    await page.clock.pauseAt(Date.now() + 500);
    const signedIn = await browserSession(context, stack.secret);
    const post = await createPostOnApi(stack.api.url, signedIn.accessToken, {
      title: 'Kept across the provider’s refresh',
      body: 'Written before the access token expired.',
    });
    await sleepUntil(signedIn.accessTokenExpiresAt, 500);
    const before = await stack.provider.counts();
    const okBefore = await requestCount(stack.api.url, '/users/me', 'GET', 200);

    const started = performance.now();
    await fire.click();
    await eventually(() => page.getByTestId('burst-result').textContent()).toMatch(
      /succeeded|failed/,
    );
    const elapsed = performance.now() - started;
    const delta = await providerDelta(stack, before);
    const ok = (await requestCount(stack.api.url, '/users/me', 'GET', 200)) - okBefore;
    console.log(
      `[oidc] 20 requests after expiry: ${elapsed.toFixed(0)} ms, refresh_token grants ${delta.refreshGrants}, grants revoked ${delta.grantsRevoked}, replays ${delta.replays}, /users/me 200s ${ok}`,
    );
    expect(await page.getByTestId('burst-result').textContent()).toBe(
      'Burst 1: 20 succeeded, 0 failed.',
    );
    expect(delta).toMatchObject({ refreshGrants: 1, grantsRevoked: 0, replays: 0 });
    expect(ok).toBe(20);

    await eventually(
      async () => (await browserSession(context, stack.secret)).refreshToken,
    ).not.toBe(signedIn.refreshToken);
    // A server render reads the persisted session: no further grant.
    await page.goto(`${stack.url}/`);
    await eventually(() => page.getByTestId('posts').textContent()).toContain(post.title);
    expect((await providerDelta(stack, before)).refreshGrants).toBe(1);
    await context.close();
  });

  test('two tabs of one session whose access token was revoked: bursts of 20 in each share 1 refresh_token grant', async () => {
    const context = await browser.newContext();
    const first = await context.newPage();
    await signInWithProvider(first, stack.url, '/debug');
    await first.getByTestId('session-alerts').waitFor({ state: 'attached' });
    const second = await context.newPage();
    await second.goto(`${stack.url}/debug`);
    await second.getByTestId('session-alerts').waitFor({ state: 'attached' });

    const before = await stack.provider.counts();
    await revokeAccessTokenFrom(first);
    const [a, b] = await Promise.all([fireBurst(first), fireBurst(second)]);
    const delta = await providerDelta(stack, before);
    console.log(
      `[oidc] two tabs × 20 requests after revocation: ${a} | ${b}; refresh_token grants ${delta.refreshGrants}, grants revoked ${delta.grantsRevoked}`,
    );
    expect([a, b]).toEqual(Array(2).fill('Burst 1: 20 succeeded, 0 failed.'));
    expect(delta).toMatchObject({ refreshGrants: 1, grantsRevoked: 0, replays: 0 });
    await context.close();
  });

  test('a grant revoked at the provider: the next request opens the “session ended” dialog; signing in again in the provider’s popup keeps the draft, and it publishes', async () => {
    const step = stepTrace();
    const context = await browser.newContext();
    const page = await context.newPage();
    step('signing in');
    await signInWithProvider(page, stack.url, '/');
    await page.getByTestId('session-alerts').waitFor({ state: 'attached' });
    const draft = { title: 'Drafted before the provider revoked us', body: 'Every word kept.' };
    await page.getByLabel('Title').fill(draft.title);
    await page.getByLabel('Body').fill(draft.body);

    step('revoking at the provider (grants and sessions) and the access token at the API');
    const session = await browserSession(context, stack.secret);
    expect(await stack.provider.revokeAccount(DEMO.email)).toBeGreaterThanOrEqual(1);
    const revokedAccess = await fetch(`${stack.api.url}/debug/expire-access-token`, {
      method: 'POST',
      headers: { authorization: `Bearer ${session.accessToken}` },
    });
    expect(revokedAccess.status).toBe(204);
    const before = await stack.provider.counts();
    await page.getByRole('button', { name: 'Reload' }).click();

    step('waiting for the dialog');
    const dialog = page.getByRole('dialog', { name: 'Your session ended' });
    await dialog.waitFor();
    expect(await providerDelta(stack, before)).toMatchObject({
      refreshGrants: 0,
      invalidGrants: 1,
      replays: 0,
    });
    expect(await dialog.getByLabel('Password').count()).toBe(0);

    step('signing in again in the popup');
    const popupOpened = page.waitForEvent('popup', { timeout: WAIT_MS });
    await dialog.getByRole('button', { name: `Sign in with ${PROVIDER_NAME}` }).click();
    const popup = await popupOpened;
    // The provider's session was revoked too: its login page, not a silent pass.
    await popup.getByPlaceholder('Enter any login').waitFor();
    expect(popup.url().startsWith(stack.provider.issuer)).toBe(true);
    const closed = popup.waitForEvent('close', { timeout: WAIT_MS });
    await loginAtProvider(popup);
    await closed;
    step('waiting for the dialog to close');
    await dialog.waitFor({ state: 'detached' });

    expect(page.url()).toBe(`${stack.url}/`);
    expect(await page.getByLabel('Title').inputValue()).toBe(draft.title);
    expect(await page.getByLabel('Body').inputValue()).toBe(draft.body);
    step('publishing the draft');
    await page.getByRole('button', { name: 'Publish' }).click();
    await eventually(() => page.getByTestId('posts').textContent()).toContain(draft.title);
    const delta = await providerDelta(stack, before);
    console.log(
      `[oidc] grant revoked at the provider: dialog, popup sign-in (code grants ${delta.codeGrants}), draft kept, published; replays ${delta.replays}`,
    );
    expect(delta).toMatchObject({ codeGrants: 1, replays: 0 });
    await context.close();
  });

  test('sign-out revokes the refresh token at the provider (RFC 7009) and ends its session (RP-initiated logout)', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signInWithProvider(page, stack.url, '/');
    await page.getByTestId('session-alerts').waitFor({ state: 'attached' });
    const { refreshToken } = await browserSession(context, stack.secret);
    const before = await stack.provider.counts();

    await page.getByRole('button', { name: 'Sign out' }).click();
    // The provider asks before it ends its own session (its RP-initiated logout page).
    await page.waitForURL((url) => url.href.startsWith(`${stack.provider.issuer}/session/end`));
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    await page.waitForURL(`${stack.url}/signin?reason=signedOut`);

    const after = await stack.provider.counts();
    expect((after.grantsRevokedBy.revocation ?? 0) - (before.grantsRevokedBy.revocation ?? 0)).toBe(
      1,
    );
    expect(after.endSessions - before.endSessions).toBe(1);
    const dead = await fetch(`${stack.provider.issuer}/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${btoa(`${OIDC_CLIENT.id}:${OIDC_CLIENT.secret}`)}`,
      },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }),
    });
    expect([dead.status, ((await dead.json()) as { error: string }).error]).toEqual([
      400,
      'invalid_grant',
    ]);
    // The provider's session ended too: signing in again shows its login page.
    await page.getByRole('button', { name: `Sign in with ${PROVIDER_NAME}` }).click();
    await page.getByPlaceholder('Enter any login').waitFor();
    await context.close();
  });

  test('the provider down for 60 s (stopped by PID, restarted on its port and data): the tab never leaves the session and recovers by itself', async () => {
    const step = stepTrace();
    const context = await recordingContext();
    const page = await context.newPage();
    await signInWithProvider(page, stack.url, '/debug');
    await page.getByRole('button', { name: 'Fire 20 parallel requests' }).waitFor();
    const before = await stack.provider.counts();

    step('stopping the provider');
    await stack.provider.kill();
    const downAt = Date.now();
    // The proactive reissue falls due during the outage and keeps failing; nobody clicks.
    await eventually(() => page.getByTestId('last-error').textContent(), {
      timeoutMs: 60_000,
    }).toMatch(/REISSUE_UNAVAILABLE/);
    const reissues = Number(await page.getByTestId('reissue-count').textContent());
    await sleepUntil(downAt + 60_000);
    expect(await machineState(page)).not.toBe('expired');

    step('starting the provider again');
    await stack.provider.restart();
    const backAt = Date.now();
    await eventually(async () => Number(await page.getByTestId('reissue-count').textContent()), {
      timeoutMs: 60_000,
      intervalMs: 250,
    }).toBeGreaterThan(reissues);
    const recoveredMs = Date.now() - backAt;
    const delta = await providerDelta(stack, before);
    console.log(
      `[oidc] provider down for 60 s: recovered ${recoveredMs} ms after it was back; refresh_token grants ${delta.refreshGrants}, grants revoked ${delta.grantsRevoked}, replays ${delta.replays}`,
    );
    expect(await statesOf(page)).not.toContain('expired');
    expect(await page.getByTestId('session-ended-banner').count()).toBe(0);
    expect(await fireBurst(page)).toMatch(/^Burst \d+: 20 succeeded, 0 failed\.$/);
    expect(delta).toMatchObject({ grantsRevoked: 0, replays: 0, invalidGrants: 0 });
    expect(delta.refreshGrants).toBeGreaterThanOrEqual(1);
    await context.close();
  });
});
