import { decode } from 'next-auth/jwt';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { DEMO, launchChromium, signInThroughForm, startStack, type Stack } from './harness';
import { eventually } from './waits';

let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  stack = await startStack();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

test('the demo user signs in, stays signed in across a reload, and signs out; the refresh token never reaches the page', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();

  await signInThroughForm(page, stack.app.url);
  await page.waitForURL(`${stack.app.url}/`);
  await eventually(() => page.getByTestId('pen-name').textContent()).toBe(DEMO.penName);

  await page.reload();
  await eventually(() => page.getByTestId('pen-name').textContent()).toBe(DEMO.penName);

  // The refresh token, as the server knows it: decrypt the httpOnly cookie with the app's secret.
  const sessionCookie = (await context.cookies()).find((c) => c.name === 'next-auth.session-token');
  expect(sessionCookie?.httpOnly).toBe(true);
  const jwt = await decode({ token: sessionCookie!.value, secret: stack.secret });
  const refreshToken = jwt?.refreshToken;
  expect(refreshToken).toMatch(/^[\w-]{20,}$/);

  const seenByPage = await page.evaluate(async () => ({
    session: await (await fetch('/api/auth/session')).text(),
    cookies: document.cookie,
    local: JSON.stringify({ ...localStorage }),
    sessionStorage: JSON.stringify({ ...sessionStorage }),
  }));
  expect(JSON.parse(seenByPage.session)).toMatchObject({
    user: { email: DEMO.email, penName: DEMO.penName },
    accessToken: expect.any(String),
    accessTokenExpiresAt: expect.any(Number),
  });
  for (const [where, text] of Object.entries(seenByPage)) {
    expect(text, where).not.toContain(refreshToken);
    expect(text, where).not.toMatch(/refresh_?token/i);
  }

  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/\/signin/);
  await eventually(() => page.evaluate(async () => (await fetch('/api/auth/session')).text())).toBe(
    '{}',
  );

  // Sign-out revoked the family on the API: the refresh token is dead.
  const reissue = await fetch(`${stack.api.url}/auth/reissue`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ refreshToken }),
  });
  expect(reissue.status).toBe(401);
  await context.close();
});

test('a signed-out visitor to a protected page is sent to sign-in and returns there afterwards', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${stack.app.url}/debug?tab=machine`);
  await page.waitForURL(/\/signin\?callbackUrl=/);
  expect(new URL(page.url()).searchParams.get('callbackUrl')).toBe('/debug?tab=machine');

  await page.getByLabel('Email').fill(DEMO.email);
  await page.getByLabel('Password').fill(DEMO.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${stack.app.url}/debug?tab=machine`);
  await context.close();
});

test('signing in after being sent away from the home page lands on the home page once', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${stack.app.url}/`);
  await page.waitForURL(/\/signin\?callbackUrl=%2F$/);
  // Let the header's links prefetch while signed out (their answer is a redirect to sign-in).
  await page.waitForLoadState('networkidle');
  let navigations = 0;
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) navigations += 1;
  });
  await page.getByLabel('Email').fill(DEMO.email);
  await page.getByLabel('Password').fill(DEMO.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${stack.app.url}/`);
  await eventually(() => page.getByTestId('pen-name').textContent()).toBe(DEMO.penName);
  await page.waitForTimeout(1_000);
  expect(page.url()).toBe(`${stack.app.url}/`);
  expect(navigations).toBeLessThanOrEqual(2);
  await context.close();
});

test('the sign-in form works without JavaScript', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${stack.app.url}/signin?callbackUrl=%2F`);
  await page.getByLabel('Email').fill(DEMO.email);
  await page.getByLabel('Password').fill('wrong-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await eventually(() => page.getByRole('alert').textContent()).toContain('do not match');

  await page.getByLabel('Password').fill(DEMO.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${stack.app.url}/`);
  expect(await page.getByTestId('pen-name').textContent()).toBe(DEMO.penName);
  await context.close();
});
