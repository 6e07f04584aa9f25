import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { CspWatch } from './csp';
import {
  DEMO,
  launchChromium,
  machineState,
  signInThroughForm,
  startStack,
  type Stack,
} from './harness';
import { WAIT_MS, eventually } from './waits';

/**
 * Real Chromium against `next start`: framing is refused, the CSP lets the app run with no
 * violation, and hostile return URLs never take a signed-in person off the app.
 */
let stack: Stack;
let browser: Browser;
let other: Server;
let otherOrigin: string;
const csp = new CspWatch();

beforeAll(async () => {
  stack = await startStack({ apiEnv: { ACCESS_TOKEN_TTL: '600' } });
  browser = await launchChromium();
  // Another origin (another port) whose page tries to frame the app.
  other = createServer((req, res) => {
    const target = new URL(req.url ?? '/', 'http://x').searchParams.get('frame') ?? '/';
    res.setHeader('content-type', 'text/html');
    res.end(
      `<!doctype html><title>attacker</title><iframe id="victim" src="${stack.app.url}${target}"></iframe>`,
    );
  });
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  otherOrigin = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => other?.close(resolve));
  await stack?.stop();
});

afterEach(() => {
  // Every page these tests open in the app is watched; none may report a CSP violation.
  expect(csp.violations.splice(0)).toEqual([]);
});

const WAIT = { timeout: WAIT_MS };

async function signedInPage(watched = true): Promise<Page> {
  const context = watched ? await csp.context(browser) : await browser.newContext();
  const page = await context.newPage();
  await signInThroughForm(page, stack.app.url);
  await page.waitForURL(`${stack.app.url}/`, WAIT);
  return page;
}

describe('framing', () => {
  test.each(['/', '/debug', '/signin'])(
    'a cross-origin page cannot frame %s of a signed-in person',
    async (path) => {
      // Not watched: the refusal this test provokes is reported as a CSP violation.
      const page = await signedInPage(false);
      const refusals: string[] = [];
      page.on('console', (m) => {
        if (/frame-ancestors|X-Frame-Options/.test(m.text())) refusals.push(m.text());
      });
      await page.goto(`${otherOrigin}/?frame=${encodeURIComponent(path)}`);
      await eventually(() => refusals.length).toBeGreaterThan(0);
      const frame = page.frames().find((f) => f !== page.mainFrame());
      // Chromium replaces a refused frame with its error page; the app never renders in it.
      expect(frame?.url()).not.toContain(stack.app.url);
      expect(await page.frameLocator('#victim').getByTestId('pen-name').count()).toBe(0);
      await page.context().close();
    },
  );

  test('the app itself is framed by nobody: every page response says so', async () => {
    for (const path of ['/', '/debug', '/signin', '/signup', '/api/auth/session']) {
      const response = await fetch(`${stack.app.url}${path}`, { redirect: 'manual' });
      expect(response.headers.get('x-frame-options'), path).toBe('DENY');
      expect(response.headers.get('content-security-policy'), path).toContain(
        "frame-ancestors 'none'",
      );
    }
  });
});

describe('no CSP violations in the product', () => {
  test('sign-in, home, writing and deleting a post, the statechart, a reissue, sign-up and sign-out run with none', async () => {
    const page = await signedInPage();
    await page.getByTestId('session-alerts').waitFor({ state: 'attached', ...WAIT });
    const title = `csp-${randomBytes(3).toString('hex')}`;
    await page.getByLabel('Title').fill(title);
    await page.getByLabel('Body').fill('No violation here.');
    await page.getByRole('button', { name: 'Publish' }).click();
    await eventually(() => page.getByTestId('posts').textContent()).toContain(title);

    await page.goto(`${stack.app.url}/debug`);
    await eventually(() => machineState(page)).toBe('authenticated.active');
    await page.getByRole('button', { name: 'Expire my access token now' }).click();
    await eventually(() => page.getByTestId('expire-result').textContent()).toContain('revoked');
    await page.getByRole('button', { name: 'Fire 20 parallel requests' }).click();
    await eventually(() => page.getByTestId('burst-result').textContent()).toMatch(
      /^Burst \d+: 20 succeeded, 0 failed\.$/,
    );
    await page.context().close();

    const visitor = await (await csp.context(browser)).newPage();
    await visitor.goto(`${stack.app.url}/signup`);
    await visitor.getByLabel('Pen name').fill('Csp Writer');
    await visitor.getByLabel('Email').fill(`csp-${randomBytes(3).toString('hex')}@example.com`);
    await visitor.getByLabel('Password').fill('correct horse battery');
    await visitor.getByRole('button', { name: 'Create account' }).click();
    await visitor.waitForURL(/\/signin\?/, WAIT);
    await visitor.context().close();
  });

  test('the page CSP carries a fresh nonce per response, and scripts run only with it', async () => {
    const nonces = new Set<string>();
    for (let i = 0; i < 3; i += 1) {
      const response = await fetch(`${stack.app.url}/signin`);
      const policy = response.headers.get('content-security-policy') ?? '';
      const nonce = /'nonce-([^']+)'/.exec(policy)?.[1];
      expect(nonce).toBeTruthy();
      expect(policy).toContain("'strict-dynamic'");
      expect(policy).not.toContain("'unsafe-eval'");
      expect(await response.text()).toContain(`nonce="${nonce}"`);
      nonces.add(nonce!);
    }
    expect(nonces.size).toBe(3);
  });
});

/** [label, value]: values a browser's URL parser turns into another origin, or junk. */
const HOSTILE_RETURN_URLS: [string, string][] = [
  ['scheme-relative', '//evil.example/'],
  ['tab between slashes', '/\t/evil.example/'],
  ['backslash', '/\\evil.example/'],
  ['dot segment', '/.//evil.example/'],
  ['absolute', 'https://evil.example/'],
  ['javascript:', 'javascript:alert(document.domain)'],
  ['CRLF header injection', '/\r\nLocation: https://evil.example/'],
  ['over-long', `/${'a'.repeat(3000)}`],
];

function onApp(page: Page): boolean {
  return new URL(page.url()).origin === new URL(stack.app.url).origin;
}

describe('hostile return URLs stay on the app', () => {
  test.each(HOSTILE_RETURN_URLS)('JS sign-in with a callbackUrl: %s', async (_, value) => {
    const page = await (await csp.context(browser)).newPage();
    await page.goto(`${stack.app.url}/signin?callbackUrl=${encodeURIComponent(value)}`);
    await page.getByLabel('Email').fill(DEMO.email);
    await page.getByLabel('Password').fill(DEMO.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('pen-name').waitFor(WAIT);
    expect(onApp(page)).toBe(true);
    expect(page.url()).toBe(`${stack.app.url}/`);
    await page.context().close();
  });

  test.each(HOSTILE_RETURN_URLS)('no-JS sign-in form with a callbackUrl: %s', async (_, value) => {
    const page = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
    await page.goto(`${stack.app.url}/signin?callbackUrl=${encodeURIComponent(value)}`);
    await page.getByLabel('Email').fill(DEMO.email);
    await page.getByLabel('Password').fill(DEMO.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('pen-name').waitFor(WAIT);
    expect(page.url()).toBe(`${stack.app.url}/`);
    await page.context().close();
  });

  test('already signed in: every hostile value redirects to the app, never a 500', async () => {
    const page = await signedInPage();
    for (const [, value] of HOSTILE_RETURN_URLS) {
      for (const path of ['/signin', '/signup']) {
        const response = await page.goto(
          `${stack.app.url}${path}?callbackUrl=${encodeURIComponent(value)}`,
        );
        expect(response?.status(), `${path} ${value}`).toBeLessThan(500);
        expect(page.url(), `${path} ${value}`).toBe(`${stack.app.url}/`);
      }
    }
    await page.context().close();
  });

  test.each(HOSTILE_RETURN_URLS.slice(0, 3))(
    'sign-up with a callbackUrl: %s, then sign-in: on the app',
    async (_, value) => {
      const page = await (await csp.context(browser)).newPage();
      const email = `ret-${randomBytes(4).toString('hex')}@example.com`;
      await page.goto(`${stack.app.url}/signup?callbackUrl=${encodeURIComponent(value)}`);
      await page.getByLabel('Pen name').fill('Return Tester');
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill('correct horse battery');
      await page.getByRole('button', { name: 'Create account' }).click();
      await page.waitForURL(/\/signin\?/, WAIT);
      expect(onApp(page)).toBe(true);
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill('correct horse battery');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByTestId('pen-name').waitFor(WAIT);
      expect(page.url()).toBe(`${stack.app.url}/`);
      await page.context().close();
    },
  );
});
