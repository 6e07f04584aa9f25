/**
 * A person writes in tab A and signs out in tab B. Tab A must lose nothing: the draft survives
 * the sign-out and a Publish attempt without a session, and is published after signing in again
 * in place. No step may end in the error page. The same test runs with JavaScript (tab A hears
 * the sign-out and shows the sign-in dialog) and without it (tab A learns on its next form post,
 * whose answer is the page, signed out, with the draft and the dialog rendered by the server).
 */
import { randomBytes } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { DEMO, launchChromium, signInThroughForm, startStack, type Stack } from './harness';
import { WAIT_MS, eventually, stepTrace } from './waits';

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

/** Every answer of the app in this context, so a 5xx anywhere fails the test, not only the last. */
function watchAnswers(context: BrowserContext, appUrl: string): string[] {
  const failures: string[] = [];
  context.on('response', (response) => {
    if (response.url().startsWith(appUrl) && response.status() >= 500) {
      failures.push(`${response.request().method()} ${response.url()} → ${response.status()}`);
    }
  });
  return failures;
}

/** Neither the error boundary nor the global one is on the page. */
async function expectNoErrorPage(page: Page) {
  expect(await page.getByText('Something went wrong').count()).toBe(0);
  expect(await page.getByText('This page could not be shown').count()).toBe(0);
}

async function expectDraft(page: Page, draft: { title: string; body: string }) {
  expect(await page.getByLabel('Title').inputValue()).toBe(draft.title);
  expect(await page.getByLabel('Body').inputValue()).toBe(draft.body);
}

/** Private content: the profile and the post list. */
async function expectPrivateContentHidden(page: Page) {
  await eventually(() => page.getByTestId('pen-name').count()).toBe(0);
  expect(await page.getByText(DEMO.email, { exact: true }).count()).toBe(0);
  expect(await page.getByTestId('posts').count()).toBe(0);
  expect(await page.getByTestId('signed-out-notice').count()).toBe(1);
}

test.for([
  { name: 'with JavaScript', js: true },
  { name: 'without JavaScript', js: false },
])(
  'signed out in tab B, %s: the draft in tab A survives the sign-out and a Publish attempt, and is published after signing in again in place; no error page',
  async ({ js }) => {
    const step = stepTrace();
    const context = await browser.newContext({ javaScriptEnabled: js });
    const failures = watchAnswers(context, stack.app.url);
    const draft = {
      title: `Kept across a sign-out ${randomBytes(3).toString('hex')}`,
      body: 'Typed in tab A while tab B signed out.',
    };

    step('tab A: signing in and typing a draft');
    const tabA = await context.newPage();
    await signInThroughForm(tabA, stack.app.url);
    await tabA.waitForURL(`${stack.app.url}/`);
    if (js) await tabA.getByTestId('session-alerts').waitFor({ state: 'attached' });
    await tabA.getByLabel('Title').fill(draft.title);
    await tabA.getByLabel('Body').fill(draft.body);

    step('tab B: signing out');
    const tabB = await context.newPage();
    await tabB.goto(`${stack.app.url}/`);
    if (js) await tabB.getByTestId('session-alerts').waitFor({ state: 'attached' });
    await tabB.getByRole('button', { name: 'Sign out' }).click();
    // Tab B's sign-out ends in a page load; it lands before anything is closed.
    await tabB.waitForURL(`${stack.app.url}/signin?reason=signedOut`);

    const dialog = tabA.getByRole('dialog', { name: 'You were signed out' });
    if (js) {
      step('tab A: hearing the sign-out');
      await dialog.waitFor({ timeout: WAIT_MS });
      await expectPrivateContentHidden(tabA);
      await tabA
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Sign in' })
        .waitFor({ timeout: WAIT_MS });
      await expectDraft(tabA, draft);
      // "Not now": the page stays usable, with a way back to the dialog.
      await dialog.getByRole('button', { name: 'Not now' }).click();
      await dialog.waitFor({ state: 'hidden' });
    }

    step('tab A: Publish without a session');
    await tabA.getByRole('button', { name: 'Publish' }).click();
    // The action answers with its typed "not signed in" result; the form shows it.
    await eventually(() => tabA.getByTestId('post-form-error').textContent()).toContain(
      'You were signed out, so this post was not sent',
    );
    expect(tabA.url()).toBe(`${stack.app.url}/`);
    await expectDraft(tabA, draft);
    await expectPrivateContentHidden(tabA);
    await expectNoErrorPage(tabA);

    step('tab A: signing in again in place');
    if (js) {
      await tabA
        .getByTestId('session-ended-banner')
        .getByRole('button', { name: 'Sign in again' })
        .click();
    }
    await dialog.waitFor({ timeout: WAIT_MS });
    // After a sign-out the page keeps no trace of who it was: the email is asked for again.
    expect(await dialog.getByLabel('Email').inputValue()).toBe('');
    await dialog.getByLabel('Email').fill(DEMO.email);
    await dialog.getByLabel('Password').fill(DEMO.password);
    await dialog.getByRole('button', { name: 'Sign in' }).click();
    await dialog.waitFor({ state: 'detached', timeout: WAIT_MS });
    await eventually(() => tabA.getByTestId('pen-name').textContent()).toBe(DEMO.penName);
    expect(tabA.url()).toBe(`${stack.app.url}/`);
    await expectDraft(tabA, draft);
    await eventually(() => tabA.getByTestId('post-form-error').count()).toBe(0);
    await expectNoErrorPage(tabA);

    step('tab A: Publish');
    await tabA.getByRole('button', { name: 'Publish' }).click();
    await eventually(() => tabA.getByTestId('posts').textContent()).toContain(draft.title);
    expect(await tabA.getByLabel('Title').inputValue()).toBe('');
    await expectNoErrorPage(tabA);
    // Published once, for this user: a fresh load of the page lists it once.
    await tabA.goto(`${stack.app.url}/`);
    await eventually(() =>
      tabA.getByTestId('posts').getByRole('heading', { name: draft.title }).count(),
    ).toBe(1);

    expect(failures).toEqual([]);
    step('closing the context');
    await context.close();
  },
);

test('without JavaScript, signed out in tab B: Delete and Sign out in tab A answer with a page, never a redirect it cannot follow or the error page, and the post is deleted after signing in again in place', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const failures = watchAnswers(context, stack.app.url);
  const title = `To delete ${randomBytes(3).toString('hex')}`;
  const tabA = await context.newPage();
  await signInThroughForm(tabA, stack.app.url);
  await tabA.waitForURL(`${stack.app.url}/`);
  await tabA.getByLabel('Title').fill(title);
  await tabA.getByRole('button', { name: 'Publish' }).click();
  await eventually(() => tabA.getByTestId('posts').textContent()).toContain(title);
  await tabA.getByRole('button', { name: `Delete “${title}”` }).click();
  await tabA.waitForURL(/\?confirmDelete=/);

  const tabB = await context.newPage();
  await tabB.goto(`${stack.app.url}/`);
  await tabB.getByRole('button', { name: 'Sign out' }).click();
  await tabB.waitForURL(`${stack.app.url}/signin?reason=signedOut`);

  // The confirmed Delete arrives without a session: the answer is this page, signed out.
  await tabA.getByRole('button', { name: `Yes, delete “${title}”` }).click();
  const dialog = tabA.getByRole('dialog', { name: 'You were signed out' });
  await dialog.waitFor({ timeout: WAIT_MS });
  await expectPrivateContentHidden(tabA);
  await expectNoErrorPage(tabA);

  await dialog.getByLabel('Email').fill(DEMO.email);
  await dialog.getByLabel('Password').fill(DEMO.password);
  await dialog.getByRole('button', { name: 'Sign in' }).click();
  await dialog.waitFor({ state: 'detached', timeout: WAIT_MS });
  // Not deleted behind the person's back; deleted when they ask again, signed in.
  await eventually(() => tabA.getByTestId('posts').textContent()).toContain(title);
  await tabA.getByRole('button', { name: `Delete “${title}”` }).click();
  await tabA.getByRole('button', { name: `Yes, delete “${title}”` }).click();
  await tabA.waitForURL(`${stack.app.url}/`);
  expect(await tabA.getByRole('heading', { name: title }).count()).toBe(0);

  // Sign out without a session (tab B signed out again first) lands on the sign-in page.
  await tabB.goto(`${stack.app.url}/`);
  await tabB.getByRole('button', { name: 'Sign out' }).click();
  await tabB.waitForURL(`${stack.app.url}/signin?reason=signedOut`);
  await tabA.getByRole('button', { name: 'Sign out' }).click();
  await tabA.waitForURL(`${stack.app.url}/signin?reason=signedOut`);
  expect(await tabA.getByText('You are signed out.').count()).toBe(1);

  expect(failures).toEqual([]);
  await context.close();
});
