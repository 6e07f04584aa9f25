/**
 * A burst far longer than a short token lives, in real Chromium: HTTP/1.1 to the API, so at most
 * 6 connections per host. Before the page held requests back itself, they waited in the
 * browser's own queue longer than their token lived, left with an expired token, and used up
 * their retry budget on 401s that said nothing about renewal (on a busy machine 343 of 1000
 * failed). Numbers are printed; the assertions are counts, never times.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { BROWSER_MAX_IN_FLIGHT } from '@/lib/core/browser/auth';
import { REISSUE_FLOOR_MS } from '@/machines/auth.machine';
import {
  launchChromium,
  machineState,
  reissueOutcomes,
  requestCount,
  signInThroughForm,
  startStack,
  type Stack,
} from './harness';
import { WAIT_MS, eventually, stepTrace } from './waits';

const TTL_SECONDS = 5;
const REQUESTS = 1000;

let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  stack = await startStack({
    apiEnv: { ACCESS_TOKEN_TTL: String(TTL_SECONDS) },
    // The proxy reissues only in the token's last second: the tab's actor does the work.
    appEnv: { SESSION_REFRESH_MARGIN_SECONDS: '1' },
  });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function counts() {
  const outcomes = await reissueOutcomes(stack.api.url);
  return {
    reissues: outcomes.rotated + outcomes.grace,
    grace: outcomes.grace,
    reuse: outcomes.reuse_detected,
    ok: await requestCount(stack.api.url, '/users/me', 'GET', 200),
    rejected: await requestCount(stack.api.url, '/users/me', 'GET', 401),
  };
}

async function openDebug(page: Page) {
  await signInThroughForm(page, stack.app.url);
  await page.waitForURL(`${stack.app.url}/`);
  await page.goto(`${stack.app.url}/debug`);
  await eventually(() => machineState(page)).toMatch(/^authenticated\./);
}

test(`${REQUESTS} concurrent clientAuth requests on a ${TTL_SECONDS} s access token revoked at the API: all succeed, no token reissued twice, few 401s`, async () => {
  const step = stepTrace();
  const context = await browser.newContext();
  const page = await context.newPage();
  step('signing in, opening /debug');
  await openDebug(page);
  await page.getByLabel('Requests per burst').selectOption(String(REQUESTS));
  const fire = page.getByRole('button', { name: `Fire ${REQUESTS} parallel requests` });

  step('revoking the access token the tab holds');
  await page.getByRole('button', { name: 'Expire my access token now' }).click();
  await eventually(() => page.getByTestId('expire-result').textContent()).toContain('revoked');

  step(`firing ${REQUESTS} requests`);
  const before = await counts();
  await fire.click();
  // A loaded machine may need more than one token lifetime per hundred requests; a bound, not a goal.
  await eventually(() => page.getByTestId('burst-result').textContent(), {
    timeoutMs: 3 * WAIT_MS,
  }).toMatch(/^Burst 1: \d+ succeeded/);
  const result = await page.getByTestId('burst-result').textContent();
  const elapsedMs = Number(await page.getByTestId('burst-result').getAttribute('data-elapsed-ms'));
  const after = await counts();

  const reissues = after.reissues - before.reissues;
  const rejected = after.rejected - before.rejected;
  const spanned = Math.ceil(elapsedMs / (TTL_SECONDS * 1000));
  console.log(
    `${REQUESTS} concurrent requests, ${TTL_SECONDS} s token, revoked: "${result}" in ${elapsedMs} ms ` +
      `(${spanned} token lifetime(s)); API: ${reissues} reissue(s), ${rejected} × 401, ` +
      `${after.ok - before.ok} × 200, grace replays ${after.grace - before.grace}`,
  );

  expect(result).toBe(`Burst 1: ${REQUESTS} succeeded, 0 failed.`);
  expect(after.ok - before.ok).toBe(REQUESTS);
  // No refresh token presented twice: every reissue was a new token's one reissue.
  expect(after.grace - before.grace).toBe(0);
  expect(after.reuse - before.reuse).toBe(0);
  // The revoked token's one reissue, then proactive ones, never two within the floor.
  expect(reissues).toBeGreaterThanOrEqual(1);
  expect(reissues).toBeLessThanOrEqual(1 + Math.ceil(elapsedMs / REISSUE_FLOOR_MS));
  // Only requests on the wire when a token stopped working can be refused for it.
  expect(rejected).toBeLessThanOrEqual(BROWSER_MAX_IN_FLIGHT * (reissues + 1));
  expect(await page.getByTestId('session-ended-banner').count()).toBe(0);
  expect(await page.getByTestId('reissue-notice').count()).toBe(0);
  await context.close();
});
