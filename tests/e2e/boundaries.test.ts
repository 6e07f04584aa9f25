import { randomBytes } from 'node:crypto';
import { encode } from 'next-auth/jwt';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  CookieJar,
  csrfToken,
  DEMO,
  launchChromium,
  postCredentials,
  SESSION_COOKIE,
  setCookies,
  signInWithPassword,
  startStack,
  writesSessionCookie,
  type Stack,
} from './harness';
import { WAIT_MS } from './waits';

/**
 * Bad input to the app's routes and actions gets a 4xx (never a 5xx), tickets are single use
 * and bound to their session, the browser's address reaches the API's rate limits, and
 * sign-up answers alike for new and existing emails. Real `next start`, real API.
 */
let stack: Stack;
let app: string;
let browser: Browser;

beforeAll(async () => {
  // The API's default per-address-and-account login limit (20 a minute), not the test default;
  // the app as behind one reverse proxy, whose X-Forwarded-For entry names the browser.
  stack = await startStack({
    apiEnv: { LOGIN_RATE_LIMIT_PER_MINUTE: '20' },
    appEnv: { TRUSTED_PROXY_HOPS: '1' },
  });
  app = stack.app.url;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function reissueTicket(jar: CookieJar): Promise<string> {
  const response = await fetch(`${app}/api/auth/reissue`, {
    method: 'POST',
    headers: { cookie: jar.header(), 'x-auth-reissue': '1' },
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { ticket: string }).ticket;
}

describe('reissue tickets', () => {
  test('a ticket is single use: presenting it again within its 60 s gets 401 and no cookie', async () => {
    const jar = await signInWithPassword(app);
    const ticket = await reissueTicket(jar);
    const first = await postCredentials(app, jar, { reissue: ticket });
    expect(first.status).toBe(200);
    jar.store(first);

    const replay = await postCredentials(app, jar, { reissue: ticket });

    expect(replay.status).toBe(401);
    expect(writesSessionCookie(replay)).toBe(false);
  });

  test("a ticket from one session of a user is refused in that user's other session", async () => {
    const laptop = await signInWithPassword(app);
    const phone = await signInWithPassword(app);
    const ticket = await reissueTicket(laptop);

    const response = await postCredentials(app, phone, { reissue: ticket });

    expect(response.status).toBe(401);
    expect(writesSessionCookie(response)).toBe(false);
  });
});

describe('a session cookie that decrypts but lacks fields is no session', () => {
  async function malformedJar(): Promise<CookieJar> {
    const token = await encode({
      token: { sub: 'someone', user: { id: 'someone' } } as never,
      secret: stack.secret,
    });
    return new CookieJar([[SESSION_COOKIE, token]]);
  }

  test('a page redirects to sign-in and clears the cookie', async () => {
    const response = await fetch(`${app}/`, {
      headers: { cookie: (await malformedJar()).header() },
      redirect: 'manual',
    });
    expect(response.status).toBe(307);
    expect(new URL(response.headers.get('location')!, app).pathname).toBe('/signin');
    expect(setCookies(response)).toContainEqual(
      expect.objectContaining({ name: SESSION_COOKIE, deleted: true }),
    );
  });

  test('/api/auth/reissue answers 401, /api/auth/session an empty session, /debug a redirect: no 500', async () => {
    const cookie = (await malformedJar()).header();
    const reissue = await fetch(`${app}/api/auth/reissue`, {
      method: 'POST',
      headers: { cookie, 'x-auth-reissue': '1' },
    });
    expect(reissue.status).toBe(401);
    const session = await fetch(`${app}/api/auth/session`, { headers: { cookie } });
    expect(session.status).toBe(200);
    expect(await session.json()).toEqual({});
    const debug = await fetch(`${app}/debug`, { headers: { cookie }, redirect: 'manual' });
    expect(debug.status).toBe(307);
  });
});

describe('4xx, never 5xx, for bad requests', () => {
  test('GET /api/auth/callback/credentials answers 405', async () => {
    const response = await fetch(`${app}/api/auth/callback/credentials`, { redirect: 'manual' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
  });

  test('a server-action POST from another origin answers 403', async () => {
    const jar = await signInWithPassword(app);
    const response = await fetch(`${app}/`, {
      method: 'POST',
      headers: {
        cookie: jar.header(),
        origin: 'http://evil.example',
        'next-action': 'a'.repeat(42),
        'content-type': 'text/plain;charset=UTF-8',
      },
      body: '[]',
    });
    expect(response.status).toBe(403);
  });

  test('a server-action POST without a session reaches Next instead of a redirect to sign-in: an unknown action answers 4xx, never a 500', async () => {
    const response = await fetch(`${app}/`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        origin: app,
        'next-action': 'a'.repeat(42),
        'content-type': 'text/plain;charset=UTF-8',
      },
      body: '[]',
    });
    expect(response.headers.get('location')).toBeNull();
    // Next's own answer for an action it does not know (409 in Next 16).
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
  });

  test('a server-action POST over the 1 MB body limit answers 413', async () => {
    const jar = await signInWithPassword(app);
    const response = await fetch(`${app}/`, {
      method: 'POST',
      headers: {
        cookie: jar.header(),
        origin: app,
        'next-action': 'a'.repeat(42),
        'content-type': 'text/plain;charset=UTF-8',
      },
      body: 'x'.repeat(1_500_000),
    });
    expect(response.status).toBe(413);
  });

  test('sign-in and sign-up with hostile callbackUrls answer 200 or a redirect to the app', async () => {
    const jar = await signInWithPassword(app);
    for (const value of [
      '/\r\n/evil.example',
      '//evil.example',
      `/${'%'.repeat(2500)}`,
      '\u0000',
    ]) {
      for (const path of ['/signin', '/signup']) {
        const url = `${app}${path}?callbackUrl=${encodeURIComponent(value)}`;
        const signedIn = await fetch(url, {
          headers: { cookie: jar.header() },
          redirect: 'manual',
        });
        expect(signedIn.status, `${path} ${JSON.stringify(value)}`).toBe(307);
        expect(new URL(signedIn.headers.get('location')!, app).origin).toBe(new URL(app).origin);
        const signedOut = await fetch(url, { redirect: 'manual' });
        expect(signedOut.status).toBe(200);
      }
    }
  });
});

describe('security headers', () => {
  test('pages, next-auth routes and static files all carry them; HSTS only over https', async () => {
    const html = await (await fetch(`${app}/signin`)).text();
    const chunk = /src="(\/_next\/static\/[^"]+\.js)"/.exec(html)?.[1];
    expect(chunk).toBeTruthy();
    for (const path of [
      '/signin',
      '/',
      '/api/auth/session',
      '/api/auth/csrf',
      chunk!,
      '/icon.svg',
    ]) {
      const response = await fetch(`${app}${path}`, { redirect: 'manual' });
      expect(response.status, path).toBeLessThan(400);
      expect(response.headers.get('x-frame-options'), path).toBe('DENY');
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(response.headers.get('referrer-policy'), path).toBe('strict-origin-when-cross-origin');
      expect(response.headers.get('permissions-policy'), path).toContain('camera=()');
      expect(response.headers.get('content-security-policy'), path).toContain(
        "frame-ancestors 'none'",
      );
      expect(response.headers.get('strict-transport-security'), path).toBeNull();

      const overHttps = await fetch(`${app}${path}`, {
        redirect: 'manual',
        headers: { 'x-forwarded-proto': 'https' },
      });
      expect(overHttps.headers.get('strict-transport-security'), path).toMatch(/^max-age=\d{7,}/);
    }
  });
});

describe("the browser's address reaches the API's rate limits", () => {
  /** Signs in through next-auth's credentials callback as a browser behind a proxy would. */
  async function signInFrom(address: string, password: string) {
    const jar = new CookieJar();
    const token = await csrfToken(app, jar);
    const response = await fetch(`${app}/api/auth/callback/credentials`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        cookie: jar.header(),
        'content-type': 'application/x-www-form-urlencoded',
        // As the reverse proxy in front of the Next server appends it.
        'x-forwarded-for': `198.51.100.99, ${address}`,
      },
      body: new URLSearchParams({ email: DEMO.email, password, csrfToken: token, json: 'true' }),
    });
    const { url } = (await response.json()) as { url: string };
    jar.store(response);
    return { error: new URL(url, app).searchParams.get('error'), jar };
  }

  test('20 wrong passwords through the app from one address do not stop the owner from another', async () => {
    for (let attempt = 0; attempt < 20; attempt += 1) {
      expect((await signInFrom('203.0.113.66', `wrong-${attempt}`)).error).toBe(
        'CredentialsSignin',
      );
    }
    expect((await signInFrom('203.0.113.66', DEMO.password)).error).toBe('RateLimited');

    const owner = await signInFrom('192.0.2.10', DEMO.password);

    expect(owner.error).toBeNull();
    expect(owner.jar.session()).toBeTruthy();
  });
});

describe('sign-up', () => {
  async function signUpInBrowser(email: string) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${app}/signup?callbackUrl=%2Fdebug`);
    await page.getByLabel('Pen name').fill('Probe');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('some password 123');
    const started = performance.now();
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL(/\/signin\?/, { timeout: WAIT_MS });
    const elapsedMs = performance.now() - started;
    const notice = await page.getByRole('status').first().textContent();
    const cookies = (await context.cookies()).map((c) => c.name).sort();
    const url = page.url();
    await context.close();
    return { url, notice, cookies, elapsedMs };
  }

  test('answers for an existing and a new email are indistinguishable (and cost about the same)', async () => {
    const existing = await signUpInBrowser(DEMO.email);
    const fresh = await signUpInBrowser(`new-${randomBytes(4).toString('hex')}@example.com`);

    expect(fresh.url).toBe(existing.url);
    expect(fresh.notice).toBe(existing.notice);
    expect(fresh.cookies).toEqual(existing.cookies);
    expect(fresh.cookies).not.toContain(SESSION_COOKIE);
    console.log(
      `sign-up answer time: existing email ${existing.elapsedMs.toFixed(0)} ms, new email ${fresh.elapsedMs.toFixed(0)} ms`,
    );
  });
});
