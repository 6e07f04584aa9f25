/**
 * The demo as `npm start` serves it, through npm and the runner as a person starts it: the
 * reference API the runner starts (its debug routes on, as under `npm run dev`) and `next start`
 * on the production build. With ENABLE_DEBUG_ROUTES=0 the panel says Expire is off and how to
 * turn it on, instead of failing when pressed.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import { startNpm, type NpmRun } from '../support/npm-run';
import { launchChromium, machineState, reissueCount, signInThroughForm } from './harness';
import { eventually } from './waits';

let browser: Browser;
let run: NpmRun | undefined;

beforeAll(async () => {
  browser = await launchChromium();
});

afterEach(async () => {
  if (!run) return;
  const exited = new Promise((resolve) => run!.npm.once('exit', resolve));
  // What a process manager does; the stopping test covers what a lone signal must stop.
  run.npm.kill('SIGTERM');
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
  run.kill();
  run = undefined;
});

afterAll(async () => {
  await browser?.close();
});

async function debugPage(appUrl: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signInThroughForm(page, appUrl);
  await page.waitForURL(`${appUrl}/`);
  await page.goto(`${appUrl}/debug`);
  await eventually(() => machineState(page)).toBe('authenticated.active');
  return page;
}

test('under npm start, Expire on /debug revokes the access token and the next burst shares one reissue', async () => {
  run = await startNpm('start');
  const apiUrl = `http://127.0.0.1:${run.apiPort}`;
  const page = await debugPage(run.appUrl);
  const expire = page.getByRole('button', { name: 'Expire my access token now' });
  await eventually(() => expire.isEnabled()).toBe(true);
  const before = await reissueCount(apiUrl);

  await expire.click();
  await eventually(() => page.getByTestId('expire-result').textContent()).toBe(
    'The API revoked your access token. The next request gets a 401 and one reissue.',
  );
  await page.getByRole('button', { name: 'Fire 20 parallel requests' }).click();
  await eventually(() => page.getByTestId('burst-result').textContent()).toBe(
    'Burst 1: 20 succeeded, 0 failed.',
  );

  expect(await page.getByTestId('expire-off').count()).toBe(0);
  // A production build has no inspector; the panel says how to get it instead of hiding it.
  expect(await page.getByTestId('inspector-off').textContent()).toContain('npm run dev');
  expect(await reissueCount(apiUrl)).toBe(before + 1);
  expect(await page.getByTestId('reissue-count').textContent()).toBe('1');
  await page.context().close();
});

test('with ENABLE_DEBUG_ROUTES=0, the panel says Expire is off and how to turn it on; the burst still works', async () => {
  run = await startNpm('start', { ENABLE_DEBUG_ROUTES: '0' });
  const page = await debugPage(run.appUrl);

  const off = page.getByTestId('expire-off');
  await off.waitFor();
  expect(await off.textContent()).toContain('ENABLE_DEBUG_ROUTES=1');
  const expire = page.getByRole('button', { name: 'Expire my access token now' });
  expect(await expire.isDisabled()).toBe(true);
  // The note is the button's description, so a screen reader hears why it is off.
  expect(await expire.getAttribute('aria-describedby')).toBe(await off.getAttribute('id'));

  await page.getByRole('button', { name: 'Fire 20 parallel requests' }).click();
  await eventually(() => page.getByTestId('burst-result').textContent()).toBe(
    'Burst 1: 20 succeeded, 0 failed.',
  );
  await page.context().close();
});
