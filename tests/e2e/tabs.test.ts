import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { launchChromium, reissueCount, signInThroughForm, startStack, type Stack } from './harness';
import { eventually } from './waits';

let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  // Tokens outlive the test: the only reissue is the one it provokes.
  stack = await startStack({ apiEnv: { ACCESS_TOKEN_TTL: '600' } });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function openDebug(page: Page) {
  await page.goto(`${stack.app.url}/debug`);
  await page.getByTestId('session-alerts').waitFor({ state: 'attached' });
}

test('two tabs of one session whose access token was revoked: bursts of 20 requests in each share one reissue', async () => {
  const context = await browser.newContext();
  const first = await context.newPage();
  await signInThroughForm(first, stack.app.url);
  await first.waitForURL(`${stack.app.url}/`);
  await openDebug(first);
  const second = await context.newPage();
  await openDebug(second);

  const before = await reissueCount(stack.api.url);
  // Revokes the access token both tabs hold: each tab's next request gets a real 401.
  await first.getByRole('button', { name: 'Expire my access token now' }).click();
  await eventually(() => first.getByTestId('expire-result').textContent()).toContain('revoked');

  await Promise.all([
    first.getByRole('button', { name: 'Fire 20 parallel requests' }).click(),
    second.getByRole('button', { name: 'Fire 20 parallel requests' }).click(),
  ]);
  for (const page of [first, second]) {
    await eventually(() => page.getByTestId('burst-result').textContent()).toBe(
      'Burst 1: 20 succeeded, 0 failed.',
    );
  }

  // The second tab joined the first one's reissue: through the Web Lock and its session
  // re-check, the server's single flight, or the session next-auth broadcast between tabs.
  const reissues = (await reissueCount(stack.api.url)) - before;
  console.log(`two tabs × 20 requests after revocation: ${reissues} reissue(s) on the API`);
  expect(reissues).toBe(1);

  // Both tabs go on working with the new token and the persisted cookie.
  await second.reload();
  await second.getByTestId('session-alerts').waitFor({ state: 'attached' });
  await second.getByRole('button', { name: 'Fire 20 parallel requests' }).click();
  await eventually(() => second.getByTestId('burst-result').textContent()).toBe(
    'Burst 1: 20 succeeded, 0 failed.',
  );
  expect((await reissueCount(stack.api.url)) - before).toBe(1);
  await context.close();
});
