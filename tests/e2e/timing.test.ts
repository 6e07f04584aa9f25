/**
 * The browser's clock against the servers': an init script shifts the page's `Date` by ±10 min
 * while the API issues 20 s tokens on the real clock. Steady traffic from the /debug page must
 * meet no 401 and reissue about once per token, never in a storm. Then a tab frozen past its
 * token's expiry (hidden, no timers) comes back and its first requests still meet no 401.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import {
  launchChromium,
  reissueCount,
  requestCount,
  signInThroughForm,
  startStack,
  type Stack,
} from './harness';
import { WAIT_MS, eventually } from './waits';

const TOKEN_TTL_SECONDS = 20;
/** Three minutes of steady traffic per clock shift: nine lifetimes of the 20 s token. */
const TRAFFIC_MS = 180_000;
const BURST_EVERY_MS = 2_000;

let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  stack = await startStack({ apiEnv: { ACCESS_TOKEN_TTL: String(TOKEN_TTL_SECONDS) } });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/** Every `Date` in the page runs `offsetMs` off the real clock, as a badly set computer would. */
function shiftClock(context: BrowserContext, offsetMs: number) {
  return context.addInitScript((offset: number) => {
    const RealDate = Date;
    class ShiftedDate extends RealDate {
      constructor(...args: unknown[]) {
        if (args.length === 0) super(RealDate.now() + offset);
        else super(...(args as [number]));
      }
      static override now() {
        return RealDate.now() + offset;
      }
    }
    globalThis.Date = ShiftedDate as DateConstructor;
  }, offsetMs);
}

async function signedInDebugPage(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await signInThroughForm(page, stack.app.url);
  await page.waitForURL(`${stack.app.url}/`);
  await page.goto(`${stack.app.url}/debug`);
  await page.getByTestId('statechart-panel').waitFor({ timeout: WAIT_MS });
  return page;
}

async function fireBurst(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Fire 20 parallel requests' }).click();
  await eventually(() => page.getByTestId('burst-result').textContent()).toMatch(/succeeded/);
  return (await page.getByTestId('burst-result').textContent()) ?? '';
}

for (const shiftMinutes of [10, -10]) {
  test(
    `page clock ${shiftMinutes > 0 ? '+' : ''}${shiftMinutes} min: ${TRAFFIC_MS / 1000} s of steady traffic on a ${TOKEN_TTL_SECONDS} s token, 0 × 401, one reissue per token, no storm`,
    async () => {
      const context = await browser.newContext();
      await shiftClock(context, shiftMinutes * 60_000);
      const page = await signedInDebugPage(context);
      // The page really runs shifted (performance's clock is not shifted).
      const shift = await page.evaluate(
        () => Date.now() - performance.timeOrigin - performance.now(),
      );
      expect(Math.abs(shift - shiftMinutes * 60_000)).toBeLessThan(5_000);
      await eventually(() => page.getByTestId('clock-offset').textContent()).toMatch(
        shiftMinutes > 0 ? /server −(9:5\d|10:0\d)/ : /server \+(9:5\d|10:0\d)/,
      );

      const rejectedBefore = await requestCount(stack.api.url, '/users/me', 'GET', 401);
      const okBefore = await requestCount(stack.api.url, '/users/me', 'GET', 200);
      const reissuesBefore = await reissueCount(stack.api.url);
      const started = Date.now();
      const results = new Map<string, number>();
      while (Date.now() - started < TRAFFIC_MS) {
        const result = await fireBurst(page);
        // The burst number differs each time; the outcome after it must not.
        const outcome = result.replace(/^Burst \d+: /, '');
        results.set(outcome, (results.get(outcome) ?? 0) + 1);
        await page.waitForTimeout(BURST_EVERY_MS);
      }
      const elapsed = Date.now() - started;

      const rejected =
        (await requestCount(stack.api.url, '/users/me', 'GET', 401)) - rejectedBefore;
      const ok = (await requestCount(stack.api.url, '/users/me', 'GET', 200)) - okBefore;
      const reissues = (await reissueCount(stack.api.url)) - reissuesBefore;
      const lifetimes = elapsed / (TOKEN_TTL_SECONDS * 1000);
      console.log(
        `clock ${shiftMinutes > 0 ? '+' : ''}${shiftMinutes} min, ${Math.round(elapsed / 1000)} s: ` +
          `${ok} × 200, ${rejected} × 401, ${reissues} reissues over ${lifetimes.toFixed(1)} token lifetimes; ` +
          `bursts ${JSON.stringify(Object.fromEntries(results))}`,
      );
      expect(rejected).toBe(0);
      expect([...results.keys()]).toEqual(['20 succeeded, 0 failed.']);
      // Proactive at three quarters of each token's life: at most one per token, never a storm.
      expect(reissues).toBeGreaterThanOrEqual(Math.floor(lifetimes) - 1);
      expect(reissues).toBeLessThanOrEqual(Math.ceil(lifetimes / 0.75) + 1);
      expect(await page.getByTestId('breaker').textContent()).toBe('on');
      await context.close();
    },
    TRAFFIC_MS + 120_000,
  );
}

test('a tab hidden and frozen past its token expiry comes back visible: its first requests meet no 401', async () => {
  const context = await browser.newContext();
  const page = await signedInDebugPage(context);
  const cdp = await context.newCDPSession(page);
  await page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    document.dispatchEvent(new Event('visibilitychange'));
  });
  await cdp.send('Page.setWebLifecycleState', { state: 'frozen' });
  const rejectedBefore = await requestCount(stack.api.url, '/users/me', 'GET', 401);

  // No timers run while frozen: the token dies unnoticed.
  await new Promise((resolve) => setTimeout(resolve, (TOKEN_TTL_SECONDS + 5) * 1000));
  await cdp.send('Page.setWebLifecycleState', { state: 'active' });
  await page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', {
      configurable: true,
      get: () => 'visible',
    });
    document.dispatchEvent(new Event('visibilitychange'));
  });
  const result = await fireBurst(page);

  const rejected = (await requestCount(stack.api.url, '/users/me', 'GET', 401)) - rejectedBefore;
  console.log(`hidden ${TOKEN_TTL_SECONDS + 5} s then visible: ${result} ${rejected} × 401`);
  expect(result).toMatch(/^Burst \d+: 20 succeeded, 0 failed\.$/);
  expect(rejected).toBe(0);
  await context.close();
});
