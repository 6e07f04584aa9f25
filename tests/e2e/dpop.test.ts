import { generateKeyPairSync } from 'node:crypto';
import type { JWT } from 'next-auth/jwt';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { boundTo, dpopAuth, newKey, proof } from '../backend/dpop-support';
import {
  CookieJar,
  decodeSession,
  launchChromium,
  machineState,
  reissueOutcomes,
  requestCount,
  signInThroughForm,
  sleepUntil,
  startStack,
  type Stack,
} from './harness';
import {
  pageSession,
  percentile,
  signingTimes,
  storedKey,
  storedThumbprint,
  watchApiRequests,
} from './dpop-page';
import { eventually, stepTrace } from './waits';

/**
 * DPoP in Chromium against the real app and API, with DPOP_REQUIRED=1: the API refuses every
 * access token presented without a proof of the key it is bound to. One stack for the file:
 * access tokens live 15 s, the proxy reissues only in the last second, so the tab's actor does
 * the work.
 */
let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  const serverKey = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    .privateKey.export({ format: 'pem', type: 'pkcs8' })
    .toString();
  stack = await startStack({
    apiEnv: { ACCESS_TOKEN_TTL: '15', DPOP_REQUIRED: '1' },
    appEnv: { SESSION_REFRESH_MARGIN_SECONDS: '1', DPOP_SERVER_KEY: serverKey },
  });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const FIRE = 'Fire 20 parallel requests';

function reissues(before: { rotated: number; grace: number }, after: typeof before): number {
  return after.rotated + after.grace - before.rotated - before.grace;
}

async function browserSession(context: BrowserContext): Promise<JWT> {
  const cookies = (await context.cookies()).filter((c) => c.name.startsWith('next-auth.session'));
  return decodeSession(new CookieJar(cookies.map((c) => [c.name, c.value])), stack.secret);
}

/** Signed in through the form, then on /debug with the actor authenticated. */
async function signedInOnDebug(page: Page) {
  await signInThroughForm(page, stack.app.url);
  await page.waitForURL(`${stack.app.url}/`);
  // The server render used the server's own bound token with a proof (DPOP_REQUIRED).
  await eventually(() => page.getByTestId('pen-name').textContent()).toBeTruthy();
  await page.goto(`${stack.app.url}/debug`);
  await eventually(() => machineState(page)).toBe('authenticated.active');
}

async function burst(page: Page, n: number) {
  await page.getByRole('button', { name: FIRE }).click();
  await eventually(() => page.getByTestId('burst-result').textContent()).toBe(
    `Burst ${n}: 20 succeeded, 0 failed.`,
  );
}

test('the key stays in the browser; a stolen access token and a captured proof are refused; signing costs are printed', async () => {
  const step = stepTrace();
  const context = await browser.newContext();
  const page = await context.newPage();
  await signedInOnDebug(page);
  step('signed in');
  // The sign-in's token is bound to the server's key; the first request gets the browser's own.
  const before = await reissueOutcomes(stack.api.url);
  await burst(page, 1);
  const afterBinding = await reissueOutcomes(stack.api.url);
  expect(reissues(before, afterBinding)).toBe(1);
  step('first burst (binds the browser key)');

  const stored = await storedKey(page);
  console.log(
    `IndexedDB: CryptoKey ${stored.privateIsCryptoKey}, extractable ${stored.privateExtractable}, stored as JWK ${stored.storedAsJwk}, exportKey threw "${stored.exportError}"`,
  );
  expect(stored.missing).toBe(false);
  expect(stored.privateIsCryptoKey).toBe(true);
  expect(stored.privateExtractable).toBe(false);
  expect(stored.storedAsJwk).toBe(false);
  expect(stored.exportError).toMatch(/InvalidAccessError/);

  const { accessToken } = await pageSession(page);
  expect(boundTo(accessToken)).toBe(await storedThumbprint(page));
  const me = `${stack.api.url}/users/me`;
  const asBearer = await fetch(me, { headers: { authorization: `Bearer ${accessToken}` } });
  const thief = await newKey();
  const withOtherKey = await fetch(me, {
    headers: dpopAuth(accessToken, await proof(thief, 'GET', me, { accessToken })),
  });
  console.log(
    `stolen token replayed from Node: as a bearer ${asBearer.status}, with another key's proof ${withOtherKey.status} (${(await withOtherKey.json()).error})`,
  );
  expect(asBearer.status).toBe(401);
  expect(withOtherKey.status).toBe(401);

  // A proof captured on the wire, replayed with its token at once: its jti was used.
  const watched = watchApiRequests(page, stack.api.url, '/users/me');
  await burst(page, 2);
  watched.stop();
  const captured = watched.seen.at(-1)!;
  const replay = await fetch(me, {
    headers: { authorization: captured.authorization, dpop: captured.dpop! },
  });
  const replayBody = (await replay.json()) as { error: string; message?: string };
  console.log(
    `captured proof replayed: ${replay.status} ${replayBody.error} (${replayBody.message})`,
  );
  expect(replay.status).toBe(401);
  expect(replayBody.error).toBe('invalid_dpop_proof');
  expect(replayBody.message).toMatch(/jti/);
  expect(watched.seen.every((r) => r.authorization.startsWith('DPoP ') && r.dpop)).toBe(true);

  await burst(page, 3);
  await burst(page, 4);
  const times = await signingTimes(page);
  console.log(
    `browser proof signing (Chromium, ${times.length} proofs): p50 ${percentile(times, 50).toFixed(2)} ms, p99 ${percentile(times, 99).toFixed(2)} ms`,
  );
  expect(times.length).toBeGreaterThanOrEqual(80);
  await context.close();
});

test('20 requests after expiry: one reissue, all 20 succeed with proofs', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  // Paused later, as a sleeping tab: the actor's proactive reissue never fires.
  await page.clock.install();
  await signedInOnDebug(page);
  await burst(page, 1);
  await page.clock.pauseAt(Date.now() + 500);
  const session = await browserSession(context);
  await sleepUntil(session.accessTokenExpiresAt, 500);
  const before = await reissueOutcomes(stack.api.url);
  const okBefore = await requestCount(stack.api.url, '/users/me', 'GET', 200);
  const watched = watchApiRequests(page, stack.api.url, '/users/me');

  await burst(page, 2);
  watched.stop();
  const after = await reissueOutcomes(stack.api.url);
  const ok = (await requestCount(stack.api.url, '/users/me', 'GET', 200)) - okBefore;
  const withProofs = watched.seen.filter((r) => r.authorization.startsWith('DPoP ') && r.dpop);
  console.log(
    `burst after expiry with DPoP: reissues ${reissues(before, after)}, 200s ${ok}, requests ${watched.seen.length}, with proofs ${withProofs.length}`,
  );
  expect(reissues(before, after)).toBe(1);
  expect(after.reuse_detected - before.reuse_detected).toBe(0);
  expect(ok).toBe(20);
  expect(withProofs.length).toBe(watched.seen.length);
  expect(boundTo((await browserSession(context)).accessToken)).toBe(await storedThumbprint(page));
  await context.close();
});

test('two tabs create one key together and share it, and share one reissue', async () => {
  const context = await browser.newContext();
  const first = await context.newPage();
  await signedInOnDebug(first);
  const second = await context.newPage();
  await second.goto(`${stack.app.url}/debug`);
  await eventually(() => machineState(second)).toBe('authenticated.active');

  // Neither tab has a key yet: both need one at once, and both need the browser-bound token.
  const before = await reissueOutcomes(stack.api.url);
  await Promise.all([
    first.getByRole('button', { name: FIRE }).click(),
    second.getByRole('button', { name: FIRE }).click(),
  ]);
  for (const page of [first, second]) {
    await eventually(() => page.getByTestId('burst-result').textContent()).toBe(
      'Burst 1: 20 succeeded, 0 failed.',
    );
  }
  const bound = await reissueOutcomes(stack.api.url);
  const [a, b] = [await storedThumbprint(first), await storedThumbprint(second)];
  console.log(`two tabs at once: one key ${a === b}, reissues ${reissues(before, bound)}`);
  expect(a).toBe(b);
  expect(reissues(before, bound)).toBe(1);

  await first.getByRole('button', { name: 'Expire my access token now' }).click();
  await eventually(() => first.getByTestId('expire-result').textContent()).toContain('revoked');
  await Promise.all([
    first.getByRole('button', { name: FIRE }).click(),
    second.getByRole('button', { name: FIRE }).click(),
  ]);
  for (const page of [first, second]) {
    await eventually(() => page.getByTestId('burst-result').textContent()).toBe(
      'Burst 2: 20 succeeded, 0 failed.',
    );
  }
  const after = await reissueOutcomes(stack.api.url);
  console.log(`two tabs after revocation: reissues ${reissues(bound, after)}`);
  expect(reissues(bound, after)).toBe(1);
  expect(after.reuse_detected).toBe(before.reuse_detected);
  await context.close();
});

test('the API demands a nonce mid-session: requests succeed after one retry each, no reissue; the server render too', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signedInOnDebug(page);
  await burst(page, 1);
  const nonce = await fetch(`${stack.api.url}/debug/require-dpop-nonce`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  expect(nonce.status).toBe(204);
  try {
    const before = await reissueOutcomes(stack.api.url);
    const rejectedBefore = await requestCount(stack.api.url, '/users/me', 'GET', 401);
    const okBefore = await requestCount(stack.api.url, '/users/me', 'GET', 200);
    await burst(page, 2);
    const rejected = (await requestCount(stack.api.url, '/users/me', 'GET', 401)) - rejectedBefore;
    const ok = (await requestCount(stack.api.url, '/users/me', 'GET', 200)) - okBefore;
    await burst(page, 3);
    const rejectedLater =
      (await requestCount(stack.api.url, '/users/me', 'GET', 401)) - rejectedBefore - rejected;

    const postsRejected = await requestCount(stack.api.url, '/posts', 'GET', 401);
    const postsOk = await requestCount(stack.api.url, '/posts', 'GET', 200);
    await page.goto(`${stack.app.url}/`);
    await eventually(() => page.getByTestId('pen-name').textContent()).toBeTruthy();
    await page.getByRole('heading', { name: /Your posts/ }).waitFor();
    expect(await requestCount(stack.api.url, '/posts', 'GET', 200)).toBeGreaterThan(postsOk);
    const after = await reissueOutcomes(stack.api.url);
    console.log(
      `nonce demanded mid-session: first burst 401 use_dpop_nonce ${rejected}, 200s ${ok}; next burst 401s ${rejectedLater}; server render /posts 401s ${(await requestCount(stack.api.url, '/posts', 'GET', 401)) - postsRejected}; reissues ${reissues(before, after)}`,
    );
    expect(ok).toBe(20);
    expect(rejected).toBeGreaterThanOrEqual(1);
    expect(rejected).toBeLessThanOrEqual(20);
    expect(rejectedLater).toBe(0);
    expect(reissues(before, after)).toBe(0);
    expect(await page.locator('main').getByRole('alert').allTextContents()).toEqual([]);
  } finally {
    await fetch(`${stack.api.url}/debug/require-dpop-nonce`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"on":false}',
    });
  }
  await context.close();
});

test('signing out deletes the key; the next sign-in makes a new one', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signedInOnDebug(page);
  await burst(page, 1);
  const firstKey = await storedThumbprint(page);
  expect(firstKey).toBeTruthy();

  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/\/signin\?reason=signedOut/);
  expect((await storedKey(page)).missing).toBe(true);

  await signedInOnDebug(page);
  await burst(page, 1);
  const secondKey = await storedThumbprint(page);
  console.log(
    `key before sign-out ${firstKey?.slice(0, 8)}…, after the next sign-in ${secondKey?.slice(0, 8)}…`,
  );
  expect(secondKey).toBeTruthy();
  expect(secondKey).not.toBe(firstKey);
  expect(boundTo((await pageSession(page)).accessToken)).toBe(secondKey);
  await context.close();
});
