import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode, type JWT } from 'next-auth/jwt';
import { chromium, type Browser, type Page } from 'playwright-core';
import { inject } from 'vitest';
import { freePort, ROOT, startApp, startBackend, type Running } from '../../scripts/stack';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy';
import { WAIT_MS, within } from './waits';

export const DEMO = {
  email: 'demo@example.com',
  password: 'demo-password',
  penName: 'Demo Writer',
};

export interface Stack {
  api: Running;
  apps: Running[];
  app: Running;
  secret: string;
  /** With `faultProxy: true`: between the apps (their BACKEND_URL) and the API. */
  proxy?: FaultProxy;
  /** Kills the API process by PID; `startApi` brings it back on the same port and data. */
  stopApi: () => Promise<void>;
  startApi: () => Promise<void>;
  stop: () => Promise<void>;
}

/**
 * A real API server (fresh data dir) and Next processes on free ports: `next start` on the
 * production build, or `next dev` (mode 'dev') where React's StrictMode and the development-only
 * parts (the toggle, the inspector button) run.
 */
export async function startStack(
  options: {
    apps?: number;
    mode?: 'dev' | 'start';
    apiEnv?: Record<string, string>;
    appEnv?: Record<string, string>;
    faultProxy?: boolean;
  } = {},
): Promise<Stack> {
  const secret = randomBytes(32).toString('base64url');
  // A dev cache left by an earlier `next dev` of other sources can put pages into an endless
  // Turbopack reload; every dev-mode run compiles from scratch.
  if (options.mode === 'dev') {
    rmSync(join(ROOT, process.env.NEXT_DIST_DIR || '.next', 'dev'), {
      recursive: true,
      force: true,
    });
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'token-reissue-e2e-'));
  const ports = await Promise.all(Array.from({ length: options.apps ?? 1 }, () => freePort()));
  const origins = ports.flatMap((p) => [`http://localhost:${p}`, `http://127.0.0.1:${p}`]);
  const apiOptions = {
    dataDir,
    env: {
      CORS_ORIGINS: origins.join(','),
      ENABLE_DEBUG_ROUTES: '1',
      LOGIN_RATE_LIMIT_PER_MINUTE: '1000',
      LOGIN_RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '10000',
      SIGNUP_RATE_LIMIT_PER_MINUTE: '1000',
      ...options.apiEnv,
    },
  };
  const api = await startBackend(apiOptions);
  const proxy = options.faultProxy ? await startFaultProxy({ target: api.url }) : undefined;
  const apps: Running[] = [];
  try {
    for (const port of ports) {
      apps.push(
        await startApp({
          mode: options.mode ?? 'start',
          port,
          backendUrl: proxy?.url ?? api.url,
          secret,
          env: options.appEnv,
        }),
      );
    }
  } catch (error) {
    await Promise.all([api.stop(), proxy?.stop(), ...apps.map((a) => a.stop())]);
    throw error;
  }
  const stack: Stack = {
    api,
    apps,
    app: apps[0]!,
    secret,
    proxy,
    stopApi: () => stack.api.stop(),
    startApi: async () => {
      stack.api = await startBackend({ ...apiOptions, port: Number(new URL(api.url).port) });
    },
    stop: async () => {
      await Promise.all([...apps.map((a) => a.stop()), stack.api.stop(), proxy?.stop()]);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return stack;
}

/** Bound on starting or closing Chromium, a context or a page: seconds when nothing is wrong. */
export const BROWSER_CLOSE_MS = 30_000;

/**
 * Real Chromium with the flags this suite needs. Every context it opens (and so every page,
 * since `browser.newPage()` opens a context too) waits up to WAIT_MS for actions, locators
 * and navigations instead of Playwright's 30 s, which a busy 2-core machine can exceed.
 * Playwright gives launching, opening a tab and closing no timeout of their own: each is bounded
 * here and names itself when it gives up, so a hang costs seconds, not the test's whole budget.
 */
export async function launchChromium(): Promise<Browser> {
  const browser = await within(WAIT_MS, 'launching Chromium (chromium.launch)', () =>
    chromium.launch({
      executablePath: inject('chromiumPath'),
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    }),
  );
  const closeBrowser = browser.close.bind(browser);
  browser.close = (options) =>
    within(BROWSER_CLOSE_MS, 'closing Chromium (browser.close)', () => closeBrowser(options));
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options) => {
    const context = await within(WAIT_MS, 'opening a context (browser.newContext)', () =>
      newContext(options),
    );
    context.setDefaultTimeout(WAIT_MS);
    context.setDefaultNavigationTimeout(WAIT_MS);
    const newPage = context.newPage.bind(context);
    context.newPage = async () => {
      const page = await within(WAIT_MS, 'opening a tab (context.newPage)', newPage);
      const closePage = page.close.bind(page);
      page.close = (closeOptions) =>
        within(BROWSER_CLOSE_MS, 'closing a tab (page.close)', () => closePage(closeOptions));
      return page;
    };
    // Closing while a navigation the test started is about to commit can leave Chromium never
    // answering; tests wait for their navigations to land, and this bound names a miss.
    const closeContext = context.close.bind(context);
    context.close = (closeOptions) =>
      within(BROWSER_CLOSE_MS, 'closing a context (context.close)', () =>
        closeContext(closeOptions),
      );
    return context;
  };
  return browser;
}

/** Reissues the API has performed: new rotations plus grace-window replays. */
export async function reissueCount(apiUrl: string): Promise<number> {
  const text = await (await fetch(`${apiUrl}/metrics`)).text();
  let total = 0;
  for (const match of text.matchAll(/^auth_reissue_total\{outcome="(rotated|grace)"\} (\d+)/gm)) {
    total += Number(match[2]);
  }
  return total;
}

export async function metric(apiUrl: string, outcome: string): Promise<number> {
  const text = await (await fetch(`${apiUrl}/metrics`)).text();
  const match = text.match(new RegExp(`^auth_reissue_total\\{outcome="${outcome}"\\} (\\d+)`, 'm'));
  return match ? Number(match[1]) : 0;
}

export async function signInThroughForm(
  page: Page,
  appUrl: string,
  email = DEMO.email,
  password = DEMO.password,
) {
  await page.goto(`${appUrl}/signin`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/**
 * The auth machine's state as the /debug statechart panel shows it, or null while the panel is
 * not on the page. Read at once, never waiting: inside `eventually` a locator's own 45 s wait
 * would stretch one poll past the test's timeout and hide which wait failed.
 */
export function machineState(page: Page): Promise<string | null> {
  return page.evaluate(
    () =>
      document.querySelector('[data-testid="statechart-panel"]')?.getAttribute('data-current') ??
      null,
  );
}

// ── HTTP sessions without a browser: cookies kept by hand, as a browser would keep them ──

export const SESSION_COOKIE = 'next-auth.session-token';

function isSessionCookie(name: string): boolean {
  return name === SESSION_COOKIE || new RegExp(`^${SESSION_COOKIE}\\.\\d+$`).test(name);
}

/** Cookies for one app origin. `store` applies a response's `Set-Cookie` headers; deletions remove. */
export class CookieJar {
  private readonly values: Map<string, string>;

  constructor(entries: Iterable<[string, string]> = []) {
    this.values = new Map(entries);
  }

  /** The `Cookie` request header. */
  header(): string {
    return [...this.values].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  get(name: string): string | undefined {
    return this.values.get(name);
  }

  store(response: Response): this {
    for (const { name, value, deleted } of setCookies(response)) {
      if (deleted) this.values.delete(name);
      else this.values.set(name, value);
    }
    return this;
  }

  /** The encrypted session JWT (chunks joined in order), if any. */
  session(): string | undefined {
    const chunk = (name: string) => (name === SESSION_COOKIE ? 0 : Number(name.split('.').pop()));
    const parts = [...this.values]
      .filter(([name]) => isSessionCookie(name))
      .sort(([a], [b]) => chunk(a) - chunk(b));
    return parts.length ? parts.map(([, value]) => value).join('') : undefined;
  }

  clone(): CookieJar {
    return new CookieJar(this.values);
  }

  /** A copy without the session cookie (other cookies, such as CSRF, kept). */
  withoutSession(): CookieJar {
    return new CookieJar([...this.values].filter(([name]) => !isSessionCookie(name)));
  }
}

/** The cookies a response sets; `deleted` for expirations (empty value or `Max-Age=0`). */
export function setCookies(
  response: Response,
): { name: string; value: string; deleted: boolean }[] {
  return response.headers.getSetCookie().map((header) => {
    const [pair = '', ...attributes] = header.split(';');
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    const maxAgeZero = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a));
    return { name, value, deleted: value === '' || maxAgeZero };
  });
}

/** True when the response writes a (non-empty) session cookie. */
export function writesSessionCookie(response: Response): boolean {
  return setCookies(response).some((c) => isSessionCookie(c.name) && !c.deleted);
}

/** GET /api/auth/csrf: the token for form posts; its cookie goes into `jar`. */
export async function csrfToken(appUrl: string, jar: CookieJar): Promise<string> {
  const response = await fetch(`${appUrl}/api/auth/csrf`, { headers: { cookie: jar.header() } });
  jar.store(response);
  const { csrfToken: token } = (await response.json()) as { csrfToken: string };
  return token;
}

/**
 * POST /api/auth/callback/credentials the way next-auth's `signIn()` does (form body, CSRF
 * token, `json=true`). The response's cookies are not stored: callers decide.
 */
export async function postCredentials(
  appUrl: string,
  jar: CookieJar,
  fields: Record<string, string>,
): Promise<Response> {
  const token = await csrfToken(appUrl, jar);
  return fetch(`${appUrl}/api/auth/callback/credentials`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...fields, csrfToken: token, json: 'true' }),
  });
}

/** Signs in with email and password through the credentials callback; the jar holds the session. */
export async function signInWithPassword(
  appUrl: string,
  email = DEMO.email,
  password = DEMO.password,
): Promise<CookieJar> {
  const jar = new CookieJar();
  const response = await postCredentials(appUrl, jar, { email, password });
  jar.store(response);
  if (response.status !== 200 || !jar.session()) {
    throw new Error(`Sign-in as ${email} failed with HTTP ${response.status}`);
  }
  return jar;
}

/** The session cookie decrypted with the app's secret, as the server reads it. */
export async function decodeSession(jar: CookieJar, secret: string): Promise<JWT> {
  const token = jar.session();
  const session = token ? await decode({ token, secret }) : null;
  if (!session) throw new Error('The jar holds no readable session cookie');
  return session;
}

/** Creates a user on the API directly and returns the API's token response. */
export async function signUpOnApi(
  apiUrl: string,
  user: { email: string; password: string; penName: string },
): Promise<{ accessToken: string; refreshToken: string; user: { id: string } }> {
  const response = await fetch(`${apiUrl}/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(user),
  });
  if (response.status !== 201) throw new Error(`Sign-up failed with HTTP ${response.status}`);
  return (await response.json()) as Awaited<ReturnType<typeof signUpOnApi>>;
}

/** Creates a post on the API with an access token. */
export async function createPostOnApi(
  apiUrl: string,
  accessToken: string,
  post: { title: string; body: string },
): Promise<{ id: string; title: string }> {
  const response = await fetch(`${apiUrl}/posts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
    body: JSON.stringify(post),
  });
  if (response.status !== 201)
    throw new Error(`Creating a post failed with HTTP ${response.status}`);
  return (await response.json()) as { id: string; title: string };
}

/** `api_requests_total` for one route pattern, method and status. */
export async function requestCount(
  apiUrl: string,
  route: string,
  method: string,
  status: number,
): Promise<number> {
  const text = await (await fetch(`${apiUrl}/metrics`)).text();
  const line = text
    .split('\n')
    .find(
      (l) =>
        l.startsWith('api_requests_total{') &&
        l.includes(`route="${route}"`) &&
        l.includes(`method="${method}"`) &&
        l.includes(`status="${status}"`),
    );
  return line ? Number(line.split(' ').pop()) : 0;
}

/** Every `auth_reissue_total` outcome at once, for before/after deltas. */
export async function reissueOutcomes(
  apiUrl: string,
): Promise<Record<'rotated' | 'grace' | 'reuse_detected' | 'invalid', number>> {
  const text = await (await fetch(`${apiUrl}/metrics`)).text();
  const read = (outcome: string) => {
    const match = text.match(
      new RegExp(`^auth_reissue_total\\{outcome="${outcome}"\\} (\\d+)`, 'm'),
    );
    return match ? Number(match[1]) : 0;
  };
  return {
    rotated: read('rotated'),
    grace: read('grace'),
    reuse_detected: read('reuse_detected'),
    invalid: read('invalid'),
  };
}

/** Resolves once the wall clock has passed `epochMs` (plus `slackMs`). */
export async function sleepUntil(epochMs: number, slackMs = 0): Promise<void> {
  const wait = epochMs + slackMs - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}
