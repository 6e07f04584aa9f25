/**
 * A rotation is never lost: real Chromium on /debug, a real `next start`, a real API, and the
 * project's fault proxy between the Next server and the API. Each scenario loses, delays or
 * blocks part of a reissue and then checks the same four things: still signed in (the tab's
 * machine never entered `expired`), no "session ended", every request settled within its
 * timeout, and the API saw 0 reuse detections. One stack for all scenarios, run in order.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FaultProxy, FaultRule } from '../support/fault-proxy';
import {
  CookieJar,
  decodeSession,
  DEMO,
  launchChromium,
  postCredentials,
  reissueOutcomes,
  signInWithPassword,
  sleepUntil,
  startStack,
  writesSessionCookie,
  type Stack,
} from './harness';
import { eventually, WAIT_MS } from './waits';

// Access tokens live 20 s, so the machine's proactive reissue (5 s before expiry) runs during
// the outage; the proxy reissues only in the last 2 s, so the tab does the work.
let stack: Stack;
let proxy: FaultProxy;
let browser: Browser;
let context: BrowserContext;
let page: Page;
/** Reuse detections seen by API processes that have since been stopped (metrics reset on restart). */
let reuseBeforeRestart = 0;

// clientAuth's own timeout is 15 s; a settled burst shows its result well within this.
const SETTLE_MS = WAIT_MS;
const RECOVER_MS = 45_000;

beforeAll(async () => {
  stack = await startStack({
    faultProxy: true,
    apiEnv: { ACCESS_TOKEN_TTL: '20' },
    appEnv: { SESSION_REFRESH_MARGIN_SECONDS: '2' },
  });
  proxy = stack.proxy!;
  browser = await launchChromium();
  context = await browser.newContext();
  // Every state the tab's machine passes through, read from the live panel.
  await context.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { authStates: string[] }).authStates = seen;
    setInterval(() => {
      const current = document.querySelector<HTMLElement>('[data-testid="statechart-panel"]')
        ?.dataset.current;
      if (current && seen.at(-1) !== current) seen.push(current);
    }, 25);
  });
  page = await openDebug();
  await page.getByLabel('Email').fill(DEMO.email);
  await page.getByLabel('Password').fill(DEMO.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${stack.app.url}/debug`);
  await page.getByRole('button', { name: 'Fire 20 parallel requests' }).waitFor();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function openDebug(): Promise<Page> {
  const tab = await context.newPage();
  await tab.goto(`${stack.app.url}/debug`);
  return tab;
}

async function reuseDetections(): Promise<number> {
  return reuseBeforeRestart + (await reissueOutcomes(stack.api.url)).reuse_detected;
}

async function cookieSession() {
  const cookies = (await context.cookies()).filter((c) => c.name.startsWith('next-auth.session'));
  return decodeSession(new CookieJar(cookies.map((c) => [c.name, c.value])), stack.secret);
}

const reissueCount = async (tab: Page) =>
  Number(await tab.getByTestId('reissue-count').textContent());

/** The API revokes the current access token; then 20 requests get a 401 and ask for one reissue. */
async function burstAfterRevoke(tab: Page): Promise<string> {
  const expire = tab.getByRole('button', { name: 'Expire my access token now' });
  await expire.click();
  await eventually(() => tab.getByTestId('expire-result').textContent()).toMatch(/revoked/);
  return fireBurst(tab);
}

/** 20 parallel clientAuth requests; resolves with their settled summary. */
async function fireBurst(tab: Page): Promise<string> {
  await tab.getByRole('button', { name: 'Fire 20 parallel requests' }).click();
  await eventually(() => tab.getByTestId('burst-result').textContent()).toMatch(/succeeded/);
  return (await tab.getByTestId('burst-result').textContent()) ?? '';
}

/** Still signed in, never `expired`, no "session ended", and a fresh burst all succeeds. */
async function expectSignedIn(tab: Page) {
  const states = await tab.evaluate(
    () => (window as unknown as { authStates: string[] }).authStates,
  );
  expect(states).not.toContain('expired');
  expect(await tab.getByTestId('session-ended-banner').count()).toBe(0);
  expect(
    await tab
      .getByTestId('session-expired-dialog')
      .isVisible()
      .catch(() => false),
  ).toBe(false);
  expect(await fireBurst(tab)).toMatch(/^Burst \d+: 20 succeeded, 0 failed\.$/);
}

async function survives(rule: FaultRule) {
  const reuse = await reuseDetections();
  const before = await reissueCount(page);
  const faulted = proxy.stats().byMode[rule.mode];
  const outcomes = await reissueOutcomes(stack.api.url);
  const started = Date.now();
  proxy.setFault(rule);

  const during = await burstAfterRevoke(page);
  await eventually(() => reissueCount(page), { timeoutMs: RECOVER_MS }).toBeGreaterThan(before);
  const recoveredMs = Date.now() - started;
  proxy.setFault(null);
  expect(proxy.stats().byMode[rule.mode]).toBeGreaterThan(faulted);

  const fault = `${rule.mode}${'ms' in rule ? ` ${rule.ms} ms` : ''} for ${rule.durationMs} ms`;
  const grace = (await reissueOutcomes(stack.api.url)).grace - outcomes.grace;
  console.log(
    `${fault}: burst "${during}", recovered after ${recoveredMs} ms, grace replays ${grace}`,
  );
  await expectSignedIn(page);
  expect(await reuseDetections()).toBe(reuse);
}

describe('answer lost after the API committed the rotation', () => {
  test('for 2 s (connection reset after the answer)', () =>
    survives({ path: '/auth/reissue', mode: 'resetAfterCommit', durationMs: 2_000 }));
  test('for 5 s (malformed body)', () =>
    survives({ path: '/auth/reissue', mode: 'garbage', durationMs: 5_000 }));
  test('for 8 s (connection reset after the answer)', () =>
    survives({ path: '/auth/reissue', mode: 'resetAfterCommit', durationMs: 8_000 }));
  test('for 12 s (malformed body)', () =>
    survives({ path: '/auth/reissue', mode: 'garbage', durationMs: 12_000 }));
  test('answer 12 s late', () =>
    survives({ path: '/auth/reissue', mode: 'late', ms: 12_000, durationMs: 1_000 }));
});

test('signIn(ticket) blocked: the reissue answer already wrote the cookie; the stale ticket, released later, cannot roll it back', async () => {
  const reuse = await reuseDetections();
  const held: Array<() => Promise<void>> = [];
  await page.route('**/api/auth/callback/credentials', (route) => {
    held.push(() => route.continue());
  });
  const before = await cookieSession();

  expect(await burstAfterRevoke(page)).toMatch(/^Burst \d+: 20 succeeded, 0 failed\.$/);
  await eventually(() => held.length).toBeGreaterThan(0);
  const written = await cookieSession();
  expect(written.refreshToken).not.toBe(before.refreshToken);
  await page.unroute('**/api/auth/callback/credentials');

  // A later reissue persists normally; then the held, older signIn arrives.
  expect(await burstAfterRevoke(page)).toMatch(/^Burst \d+: 20 succeeded, 0 failed\.$/);
  const newest = await cookieSession();
  expect(newest.refreshToken).not.toBe(written.refreshToken);
  for (const release of held) await release().catch(() => undefined);
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  expect((await cookieSession()).refreshToken).not.toBe(written.refreshToken);

  await page.reload();
  await page.getByRole('button', { name: 'Fire 20 parallel requests' }).waitFor();
  await expectSignedIn(page);
  expect(await reuseDetections()).toBe(reuse);
});

test('without a browser: the reissue answer itself sets the rotated session cookie, and its ticket is refused once a later reissue rotated that pair', async () => {
  const jar = await signInWithPassword(stack.app.url);
  const signedIn = await decodeSession(jar, stack.secret);
  const reissue = () =>
    fetch(`${stack.app.url}/api/auth/reissue`, {
      method: 'POST',
      headers: { cookie: jar.header(), 'x-auth-reissue': '1', accept: 'application/json' },
    });

  const first = await reissue();
  expect(first.status).toBe(200);
  expect(writesSessionCookie(first)).toBe(true);
  const { reissue: firstTicket } = (await first.json()) as { reissue: string };
  const sentWith = jar.store(first).clone();
  const persisted = await decodeSession(jar, stack.secret);
  expect(persisted.refreshToken).not.toBe(signedIn.refreshToken);

  const second = await reissue();
  expect(second.status).toBe(200);
  jar.store(second);

  // The first ticket arrives late, with the cookie of its time: refused, nothing written.
  const late = await postCredentials(stack.app.url, sentWith, { reissue: firstTicket });
  expect(late.status).toBe(401);
  expect(writesSessionCookie(late)).toBe(false);
});

test('tab closed right after the reissue answer and reopened 15 s later: signed in, no replay needed', async () => {
  const reuse = await reuseDetections();
  // Closed before its signIn could run: only the reissue answer itself can have written the cookie.
  await page.route('**/api/auth/callback/credentials', (route) => route.abort());
  const answered = page.waitForResponse('**/api/auth/reissue', { timeout: SETTLE_MS });
  await page.getByRole('button', { name: 'Expire my access token now' }).click();
  await eventually(() => page.getByTestId('expire-result').textContent()).toMatch(/revoked/);
  await page.getByRole('button', { name: 'Fire 20 parallel requests' }).click();
  expect((await answered).status()).toBe(200);
  await page.close();
  const closedAt = Date.now();
  const afterClose = await reissueOutcomes(stack.api.url);

  await sleepUntil(closedAt + 15_000);
  page = await openDebug();
  await page.getByRole('button', { name: 'Fire 20 parallel requests' }).waitFor();
  await expectSignedIn(page);
  const afterReopen = await reissueOutcomes(stack.api.url);
  // The cookie held the successor: reopening replayed no rotated-out token.
  expect(afterReopen.grace - afterClose.grace).toBe(0);
  expect(await reuseDetections()).toBe(reuse);
});

test('API down for 60 s: the tab recovers by itself within 35 s after the API is back', async () => {
  const reuse = await reuseDetections();
  reuseBeforeRestart = reuse;
  await stack.stopApi();
  const downAt = Date.now();

  // The proactive reissue falls due during the outage and keeps failing; nobody clicks.
  await eventually(() => page.getByTestId('last-error').textContent(), {
    timeoutMs: RECOVER_MS,
  }).toMatch(/REISSUE_UNAVAILABLE/);
  const before = await reissueCount(page);
  await sleepUntil(downAt + 60_000);
  await stack.startApi();
  const backAt = Date.now();

  await eventually(() => reissueCount(page), {
    timeoutMs: 60_000,
    intervalMs: 250,
  }).toBeGreaterThan(before);
  const recoveredMs = Date.now() - backAt;
  console.log(`API outage of 60 s: the tab recovered ${recoveredMs} ms after the API was back`);
  expect(recoveredMs).toBeLessThanOrEqual(35_000);
  await expectSignedIn(page);
  expect(await reuseDetections()).toBe(reuse);
});
