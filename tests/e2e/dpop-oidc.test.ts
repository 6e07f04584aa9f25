import { generateKeyPairSync } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startOidcStack, type OidcStack } from '../support/oidc-stack';
import { boundTo, dpopAuth, newKey, proof } from '../backend/dpop-support';
import { launchChromium, machineState, sleepUntil } from './harness';
import { pageSession, storedThumbprint } from './dpop-page';
import { browserSession, providerDelta, signInWithProvider } from './oidc-harness';
import { eventually } from './waits';

/**
 * DPoP against a real OpenID provider: oidc-provider 8 with `features.dPoP` and a nonce demanded
 * on every proof, rotating refresh tokens strictly (a replay revokes the grant); the reference
 * API trusting its tokens with DPOP_REQUIRED=1; one `next start` with AUTH_BACKEND=oidc and a
 * server key. The browser's proof is forwarded on the refresh_token grant; the provider's nonce
 * goes back to the browser, which signs once more.
 */
let stack: OidcStack;
let browser: Browser;

beforeAll(async () => {
  const serverKey = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    .privateKey.export({ format: 'pem', type: 'pkcs8' })
    .toString();
  stack = await startOidcStack({
    accessTokenTtlSeconds: 20,
    providerDpop: { nonce: true },
    apiEnv: { DPOP_REQUIRED: '1' },
    appEnv: { SESSION_REFRESH_MARGIN_SECONDS: '2', DPOP_SERVER_KEY: serverKey },
  });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function burst(page: Page, n: number) {
  await page.getByRole('button', { name: 'Fire 20 parallel requests' }).click();
  await eventually(() => page.getByTestId('burst-result').textContent()).toBe(
    `Burst ${n}: 20 succeeded, 0 failed.`,
  );
}

test("the provider's access token is bound to the browser's key, the refresh token rotates, no grant is revoked; a stolen token is refused", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const before = await stack.provider.counts();
  await signInWithProvider(page, stack.url, '/debug');
  await eventually(() => machineState(page)).toBe('authenticated.active');
  const signedIn = await browserSession(context, stack.secret);

  await burst(page, 1);
  const bound = await browserSession(context, stack.secret);
  const key = await storedThumbprint(page);
  const { accessToken } = await pageSession(page);
  const afterBinding = await providerDelta(stack, before);
  console.log(
    `OIDC + DPoP: refresh grants ${afterBinding.refreshGrants}, grants revoked ${afterBinding.grantsRevoked}, replays ${afterBinding.replays}; token bound to the browser key ${boundTo(accessToken) === key}`,
  );
  expect(key).toBeTruthy();
  expect(boundTo(accessToken)).toBe(key);
  expect(bound.refreshToken).not.toBe(signedIn.refreshToken);
  expect(afterBinding.grantsRevoked).toBe(0);
  expect(afterBinding.replays).toBe(0);

  const me = `${stack.api.url}/users/me`;
  const asBearer = await fetch(me, { headers: { authorization: `Bearer ${accessToken}` } });
  const thief = await newKey();
  const withOtherKey = await fetch(me, {
    headers: dpopAuth(accessToken, await proof(thief, 'GET', me, { accessToken })),
  });
  expect(asBearer.status).toBe(401);
  expect(withOtherKey.status).toBe(401);

  // Past its expiry: one more refresh with the browser's proof (the tab's proactive one, or the
  // burst's), still bound, still no revocation.
  const beforeExpiry = await stack.provider.counts();
  await sleepUntil(bound.accessTokenExpiresAt, 500);
  await burst(page, 2);
  const renewed = await browserSession(context, stack.secret);
  const afterExpiry = await providerDelta(stack, beforeExpiry);
  console.log(
    `OIDC + DPoP after expiry: refresh grants ${afterExpiry.refreshGrants}, grants revoked ${afterExpiry.grantsRevoked}, replays ${afterExpiry.replays}`,
  );
  expect(afterExpiry.refreshGrants).toBe(1);
  expect(afterExpiry.grantsRevoked).toBe(0);
  expect(afterExpiry.replays).toBe(0);
  expect(renewed.refreshToken).not.toBe(bound.refreshToken);
  expect(boundTo((await pageSession(page)).accessToken)).toBe(key);

  // The server render: its own refresh with the server's key where it needs one, no revocation.
  await page.goto(`${stack.url}/`);
  await page.getByRole('heading', { name: /Your posts/ }).waitFor();
  expect(await page.locator('main').getByRole('alert').allTextContents()).toEqual([]);
  expect((await providerDelta(stack, before)).grantsRevoked).toBe(0);
  await context.close();
});
