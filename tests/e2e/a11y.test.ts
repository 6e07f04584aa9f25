import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import {
  DEMO,
  launchChromium,
  machineState,
  signInThroughForm,
  startStack,
  type Stack,
} from './harness';
import { eventually } from './waits';

let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  stack = await startStack({ apiEnv: { ACCESS_TOKEN_TTL: '600' } });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/** Runs axe; prints every violation, returns the serious and critical ones as `rule: targets`. */
async function seriousViolations(page: Page, name: string): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  for (const violation of violations) {
    console.log(
      `[axe] ${name}: ${violation.impact} ${violation.id} (${violation.help}) at ` +
        violation.nodes.map((node) => node.target.join(' ')).join(', '),
    );
  }
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id}: ${violation.nodes.map((n) => n.target).join(', ')}`);
}

async function signedIn(): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signInThroughForm(page, stack.app.url);
  await page.waitForURL(`${stack.app.url}/`);
  await page.getByTestId('session-alerts').waitFor({ state: 'attached' });
  return page;
}

test('sign-in and sign-up have no serious or critical axe violations, also with errors shown', async () => {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${stack.app.url}/signin`);
  expect(await seriousViolations(page, 'sign-in')).toEqual([]);

  await page.getByLabel('Email').fill(DEMO.email);
  await page.getByLabel('Password').fill('wrong-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('do not match').waitFor();
  expect(await seriousViolations(page, 'sign-in with an error')).toEqual([]);

  await page.goto(`${stack.app.url}/signup`);
  expect(await seriousViolations(page, 'sign-up')).toEqual([]);
  await page.context().close();
});

test('home (with a post) has no serious or critical axe violations', async () => {
  const page = await signedIn();
  await page.getByLabel('Title').fill('Accessible by default');
  await page.getByRole('button', { name: 'Publish' }).click();
  await eventually(() => page.getByTestId('posts').textContent()).toContain('Accessible');
  expect(await seriousViolations(page, 'home')).toEqual([]);
  await page.context().close();
});

test('/debug with the live statechart panel has no serious or critical axe violations', async () => {
  const page = await signedIn();
  await page.goto(`${stack.app.url}/debug`);
  await eventually(() => machineState(page)).toBe('authenticated.active');
  await page.getByRole('button', { name: 'Fire 20 parallel requests' }).click();
  await eventually(() => page.getByTestId('burst-result').textContent()).toContain('succeeded');
  expect(await seriousViolations(page, '/debug')).toEqual([]);
  await page.context().close();
});

test('the session-expired dialog has no serious or critical axe violations', async () => {
  const page = await signedIn();
  await fetch(`${stack.api.url}/debug/revoke-sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: DEMO.email }),
  });
  const { accessToken } = await page.evaluate(async () =>
    (await fetch('/api/auth/session')).json(),
  );
  await fetch(`${stack.api.url}/debug/expire-access-token`, {
    method: 'POST',
    headers: { authorization: `Bearer ${accessToken}` },
  });
  await page.getByRole('button', { name: 'Reload' }).click();
  await page.getByRole('dialog', { name: 'Your session ended' }).waitFor();
  expect(await seriousViolations(page, 'expired dialog')).toEqual([]);
  await page.context().close();
});
