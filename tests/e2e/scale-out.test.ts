import { execFileSync } from 'node:child_process';
import { Redis } from 'ioredis';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startScaleOutStack, type ScaleOutStack } from '../support/scale-out';
import {
  CookieJar,
  createPostOnApi,
  decodeSession,
  DEMO,
  launchChromium,
  reissueOutcomes,
  setCookies,
  signInWithPassword,
  sleepUntil,
} from './harness';
import { eventually } from './waits';

/**
 * Three `next start` processes behind one round-robin origin, sharing a real Redis, in front of
 * a strict API (no reuse grace window: a replayed refresh token revokes the family). Access
 * tokens live 20 s (longer than the browser's 10 s minimum for adopting another tab's session)
 * and the proxy reissues with 2 s left, so a session expires within a test.
 */
const APPS = 3;

let stack: ScaleOutStack;
let browser: Browser | undefined;

beforeAll(async () => {
  stack = await startScaleOutStack({
    apps: APPS,
    redis: true,
    apiEnv: { ACCESS_TOKEN_TTL: '20', REUSE_GRACE_SECONDS: '0' },
    appEnv: { SESSION_REFRESH_MARGIN_SECONDS: '2' },
  });
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/** A page navigation as a browser without JavaScript makes it: the session cookie, no redirects followed. */
function navigate(jar: CookieJar, path = '/'): Promise<Response> {
  return fetch(`${stack.origin.url}${path}`, {
    redirect: 'manual',
    headers: { cookie: jar.header(), accept: 'text/html' },
    signal: AbortSignal.timeout(60_000),
  });
}

async function loadAll(jar: CookieJar, count: number) {
  const responses = await Promise.all(Array.from({ length: count }, () => navigate(jar)));
  const pages = await Promise.all(responses.map((r) => r.text()));
  return { responses, pages, statuses: responses.map((r) => r.status) };
}

async function revokeAccessToken(accessToken: string) {
  const response = await fetch(`${stack.api.url}/debug/expire-access-token`, {
    method: 'POST',
    headers: { authorization: `Bearer ${accessToken}` },
  });
  expect(response.status).toBe(204);
}

describe('strict API, 3 processes, Redis, one origin', () => {
  test('30 concurrent page loads right after expiry, then 30 after the access token was revoked: one rotation per round, no reuse, 30 × 200; the next page load needs no reissue', async () => {
    const jar = await signInWithPassword(stack.origin.url);
    const session = await decodeSession(jar, stack.secret);
    const post = await createPostOnApi(stack.api.url, session.accessToken, {
      title: `Scale-out ${Math.random().toString(36).slice(2, 10)}`,
      body: 'Rendered by whichever process the origin picked.',
    });

    // Round 1: the access token expired (by the proxy's margin) on every process at once.
    await sleepUntil(session.accessTokenExpiresAt - 2_000, 100);
    const before = await reissueOutcomes(stack.api.url);
    const expired = await loadAll(jar, 30);
    const afterExpiry = await reissueOutcomes(stack.api.url);
    console.log(
      `30 loads after expiry: statuses ${[...new Set(expired.statuses)].join(',')}, rotated ${afterExpiry.rotated - before.rotated}, reuse ${afterExpiry.reuse_detected - before.reuse_detected}, per process ${stack.origin.counts.join('/')}`,
    );
    expect(expired.statuses).toEqual(Array(30).fill(200));
    for (const html of expired.pages) expect(html).toContain(post.title);
    expect(afterExpiry.rotated - before.rotated).toBe(1);
    expect(afterExpiry.reuse_detected - before.reuse_detected).toBe(0);
    const successors = new Set<string>();
    for (const response of expired.responses) {
      successors.add(
        (await decodeSession(new CookieJar().store(response), stack.secret)).refreshToken,
      );
    }
    expect(successors.size).toBe(1);
    jar.store(expired.responses[0]!);

    // Round 2: the new access token is revoked before its expiry; Server Components get 401s.
    const renewed = await decodeSession(jar, stack.secret);
    await revokeAccessToken(renewed.accessToken);
    const revoked = await loadAll(jar, 30);
    const afterRevocation = await reissueOutcomes(stack.api.url);
    console.log(
      `30 loads after revocation: statuses ${[...new Set(revoked.statuses)].join(',')}, rotated ${afterRevocation.rotated - afterExpiry.rotated}, reuse ${afterRevocation.reuse_detected - afterExpiry.reuse_detected}`,
    );
    expect(revoked.statuses).toEqual(Array(30).fill(200));
    for (const html of revoked.pages) expect(html).toContain(post.title);
    expect(afterRevocation.rotated - afterExpiry.rotated).toBe(1);
    expect(afterRevocation.reuse_detected - afterExpiry.reuse_detected).toBe(0);

    // The next page load on each process: no call to the API's reissue.
    for (let i = 0; i < APPS; i++) {
      const next = await navigate(jar);
      expect(next.status).toBe(200);
      expect(await next.text()).toContain(post.title);
      jar.store(next);
    }
    const afterNext = await reissueOutcomes(stack.api.url);
    console.log(
      `next ${APPS} loads: rotated ${afterNext.rotated - afterRevocation.rotated}, reuse ${afterNext.reuse_detected - afterRevocation.reuse_detected}`,
    );
    expect(afterNext.rotated - afterRevocation.rotated).toBe(0);
    expect(afterNext.reuse_detected).toBe(before.reuse_detected);

    // Read Redis raw: the outcomes are there, but no refresh or access token in plain text.
    const latest = await decodeSession(jar, stack.secret);
    const raw = new Redis(stack.redis!.url);
    try {
      const keys = await raw.keys('*');
      const dump = (await Promise.all(keys.map(async (k) => `${k} ${await raw.get(k)}`))).join(
        '\n',
      );
      console.log(`Redis holds ${keys.length} keys: ${keys.join(', ')}`);
      expect(keys.filter((k) => k.endsWith(':outcome')).length).toBeGreaterThanOrEqual(2);
      for (const held of [session, renewed, latest]) {
        expect(dump).not.toContain(held.refreshToken);
        expect(dump).not.toContain(held.accessToken);
      }
    } finally {
      raw.disconnect();
    }
  });

  test('5 tabs firing 20 clientAuth requests each after revocation: 100 succeed, 1 rotation', async () => {
    browser = await launchChromium();
    const context = await browser.newContext();
    const tabs: Page[] = [];
    for (let i = 0; i < 5; i++) tabs.push(await context.newPage());
    const [first] = tabs as [Page, ...Page[]];
    await first.goto(`${stack.origin.url}/signin`);
    await first.getByLabel('Email').fill(DEMO.email);
    await first.getByLabel('Password').fill(DEMO.password);
    await first.getByRole('button', { name: 'Sign in' }).click();
    await first.waitForURL(`${stack.origin.url}/`, { timeout: 60_000 });
    for (const tab of tabs) {
      await tab.goto(`${stack.origin.url}/debug`, { timeout: 60_000 });
      await tab.getByTestId('session-alerts').waitFor({ state: 'attached', timeout: 60_000 });
    }

    const before = await reissueOutcomes(stack.api.url);
    await first.getByRole('button', { name: 'Expire my access token now' }).click();
    await eventually(() => first.getByTestId('expire-result').textContent(), {
      timeoutMs: 60_000,
    }).toContain('revoked');
    await Promise.all(
      tabs.map((tab) => tab.getByRole('button', { name: 'Fire 20 parallel requests' }).click()),
    );
    const results: string[] = [];
    for (const tab of tabs) {
      await eventually(() => tab.getByTestId('burst-result').textContent(), {
        timeoutMs: 60_000,
      }).toMatch(/succeeded/);
      results.push((await tab.getByTestId('burst-result').textContent()) ?? '');
    }
    const after = await reissueOutcomes(stack.api.url);
    console.log(
      `5 tabs × 20 requests after revocation: ${results.join(' | ')}; rotated ${after.rotated - before.rotated}, reuse ${after.reuse_detected - before.reuse_detected}, per process ${stack.origin.counts.join('/')}`,
    );
    expect(results).toEqual(Array(5).fill('Burst 1: 20 succeeded, 0 failed.'));
    expect(after.rotated - before.rotated).toBe(1);
    expect(after.reuse_detected - before.reuse_detected).toBe(0);
    await context.close();
  });

  test('Redis killed mid-test: every page load settles within its timeout, none answers 500, and each process logs one line', async () => {
    const jar = await signInWithPassword(stack.origin.url);
    const session = await decodeSession(jar, stack.secret);
    await sleepUntil(session.accessTokenExpiresAt - 2_000, 100);
    await stack.redis!.kill();

    const started = performance.now();
    const { statuses } = await loadAll(jar, 30);
    const elapsed = performance.now() - started;
    const lines = stack.apps.flatMap((app) =>
      app
        .output()
        .split('\n')
        .filter((line) => line.includes('Redis unreachable')),
    );
    const counts = Object.entries(
      statuses.reduce<Record<number, number>>((all, s) => ({ ...all, [s]: (all[s] ?? 0) + 1 }), {}),
    );
    console.log(
      `30 loads with Redis killed: ${elapsed.toFixed(0)} ms, statuses ${counts.map(([s, n]) => `${n}×${s}`).join(', ')}; log: ${lines.join(' | ')}`,
    );
    expect(statuses.filter((s) => s >= 500 && s !== 503)).toEqual([]);
    expect(statuses.every((s) => [200, 303, 307, 503].includes(s))).toBe(true);
    expect(lines.length).toBeGreaterThanOrEqual(1);
    for (const app of stack.apps) {
      expect(app.output().split('Redis unreachable').length - 1).toBeLessThanOrEqual(1);
    }
  });

  test('the API killed: a page load after expiry answers 503 with a retry, keeps the session cookie, and never 500', async () => {
    const jar = await signInWithPassword(stack.origin.url);
    const session = await decodeSession(jar, stack.secret);
    await sleepUntil(session.accessTokenExpiresAt - 2_000, 100);
    // The API runs as a child of the tsx launcher: kill the server process itself by its PID.
    const launcher = stack.api.process;
    const exited = new Promise((resolve) => launcher.once('exit', resolve));
    const [server] = execFileSync('pgrep', ['-P', String(launcher.pid)], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
    process.kill(server ?? launcher.pid!, 'SIGKILL');
    await exited;

    const responses = await Promise.all(Array.from({ length: APPS }, () => navigate(jar)));
    const pages = await Promise.all(responses.map((r) => r.text()));
    console.log(
      `page loads with the API killed: statuses ${responses.map((r) => r.status).join(',')}`,
    );
    expect(responses.map((r) => r.status)).toEqual(Array(APPS).fill(503));
    for (const html of pages) expect(html).toContain('Retry now');
    for (const response of responses) {
      expect(
        setCookies(response).filter((c) => c.name.startsWith('next-auth.session-token')),
      ).toEqual([]);
    }
  });
});
