/**
 * Some APIs answer 401 where 403 is meant: a valid token that is not allowed on a route. A client
 * that reissues on every 401 rotates the refresh token for nothing, twice per burst before the
 * chart's `isRefusal` guard (10 reissues over 5 bursts of 20). Here: real Chromium, the reference
 * API's debug route that answers 401 to every token, and the /debug page's control for it.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import {
  DEMO,
  launchChromium,
  machineState,
  reissueOutcomes,
  requestCount,
  signInThroughForm,
  startStack,
  type Stack,
} from './harness';
import { eventually } from './waits';

const BURSTS = 5;

let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  // Tokens outlive the test: every reissue is one the refusals caused.
  stack = await startStack({ apiEnv: { ACCESS_TOKEN_TTL: '600' } });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

test(`${BURSTS} bursts of 20 requests on a route that refuses every token: at most 2 reissues, the typed refusal shown, the session alive, nothing says "session ended"`, async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signInThroughForm(page, stack.app.url);
  await page.waitForURL(`${stack.app.url}/`);
  await page.goto(`${stack.app.url}/debug`);
  await eventually(() => machineState(page)).toBe('authenticated.active');
  const refusing = page.getByRole('button', {
    name: 'Fire 20 requests at a route that refuses every token',
  });
  const reissuesBefore = (await reissueOutcomes(stack.api.url)).rotated;
  const rejectedBefore = await requestCount(
    stack.api.url,
    '/debug/refuses-every-token',
    'GET',
    401,
  );

  for (let burst = 1; burst <= BURSTS; burst++) {
    await refusing.click();
    await eventually(() => page.getByTestId('refused-result').textContent()).toMatch(
      new RegExp(`^Refusing route, burst ${burst}: `),
    );
    // Each request fails with its own typed error: refused, not a session problem.
    expect(await page.getByTestId('refused-result').textContent()).toBe(
      `Refusing route, burst ${burst}: 0 succeeded, 20 refused, 0 failed otherwise ` +
        '(REQUEST_REFUSED: The API refused this request. You are still signed in.)',
    );
    expect(await page.getByTestId('refused-result').getAttribute('data-error-code')).toBe(
      'REQUEST_REFUSED',
    );
  }

  const reissues = (await reissueOutcomes(stack.api.url)).rotated - reissuesBefore;
  const rejected =
    (await requestCount(stack.api.url, '/debug/refuses-every-token', 'GET', 401)) - rejectedBefore;
  console.log(
    `${BURSTS} bursts of 20 on a route that refuses every token: ${reissues} reissue(s), ` +
      `${rejected} × 401, the chart counted ${await page.getByTestId('refused-count').textContent()} refusals`,
  );
  expect(reissues).toBeGreaterThanOrEqual(1);
  expect(reissues).toBeLessThanOrEqual(2);
  expect(Number(await page.getByTestId('refused-count').textContent())).toBeGreaterThanOrEqual(
    BURSTS * 20,
  );

  // Still signed in: no dialog, no notice, no error recorded, and other routes work.
  expect(await machineState(page)).toMatch(/^authenticated\./);
  expect(await page.getByTestId('last-error').textContent()).toBe('none');
  expect(await page.getByRole('dialog').count()).toBe(0);
  expect(await page.getByTestId('session-ended-banner').count()).toBe(0);
  expect(await page.getByTestId('reissue-notice').count()).toBe(0);
  expect(await page.getByTestId('header-pen-name').textContent()).toBe(DEMO.penName);
  expect(await page.locator('body').innerText()).not.toMatch(/session (has )?ended/i);
  await page.getByRole('button', { name: 'Fire 20 parallel requests' }).click();
  await eventually(() => page.getByTestId('burst-result').textContent()).toBe(
    'Burst 1: 20 succeeded, 0 failed.',
  );
  expect((await reissueOutcomes(stack.api.url)).rotated - reissuesBefore).toBe(reissues);
  await context.close();
});
