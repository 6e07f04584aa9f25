/**
 * The proxy path with an OpenID provider that rotates strictly: three `next start` processes
 * (AUTH_BACKEND=oidc) behind one round-robin origin, sharing a real Redis, in front of
 * oidc-provider 8 (a replayed rotated refresh token revokes the grant) and the reference API
 * trusting its tokens. The same assertions as tests/e2e/scale-out.test.ts makes for the reference
 * API without a grace window, counted from the provider's events.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startOidcStack, type OidcStack } from '../support/oidc-stack';
import { CookieJar, createPostOnApi, decodeSession, launchChromium, sleepUntil } from './harness';
import { jarOf, providerDelta, signInWithProvider } from './oidc-harness';

const APPS = 3;
const MARGIN_SECONDS = 2;

let stack: OidcStack;
let browser: Browser;

beforeAll(async () => {
  stack = await startOidcStack({
    apps: APPS,
    balanced: true,
    redis: true,
    accessTokenTtlSeconds: 20,
    appEnv: { SESSION_REFRESH_MARGIN_SECONDS: String(MARGIN_SECONDS) },
  });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/** A page navigation as a browser without JavaScript makes it: the session cookie, no redirects followed. */
function navigate(jar: CookieJar, path = '/'): Promise<Response> {
  return fetch(`${stack.url}${path}`, {
    redirect: 'manual',
    headers: { cookie: jar.header(), accept: 'text/html' },
    signal: AbortSignal.timeout(60_000),
  });
}

describe('strict provider, 3 processes, Redis, one origin', () => {
  test('30 concurrent page loads right after expiry: 1 refresh_token grant, 0 grant revocations, 30 × 200; the next page loads need no grant', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signInWithProvider(page, stack.url, '/');
    const jar = await jarOf(context, stack.url);
    await context.close();
    const session = await decodeSession(jar, stack.secret);
    const post = await createPostOnApi(stack.api.url, session.accessToken, {
      title: `OIDC scale-out ${Math.random().toString(36).slice(2, 10)}`,
      body: 'Rendered by whichever process the origin picked.',
    });

    // The access token is due (by the proxy's margin) on every process at once.
    await sleepUntil(session.accessTokenExpiresAt - MARGIN_SECONDS * 1000, 100);
    const before = await stack.provider.counts();
    const responses = await Promise.all(Array.from({ length: 30 }, () => navigate(jar)));
    const pages = await Promise.all(responses.map((r) => r.text()));
    const statuses = responses.map((r) => r.status);
    const delta = await providerDelta(stack, before);
    console.log(
      `[oidc] 30 loads after expiry on ${APPS} processes + Redis: statuses ${[...new Set(statuses)].join(',')}, refresh_token grants ${delta.refreshGrants}, grants revoked ${delta.grantsRevoked}, replays ${delta.replays}, per process ${stack.origin!.counts.join('/')}`,
    );
    expect(statuses).toEqual(Array(30).fill(200));
    for (const html of pages) expect(html).toContain(post.title);
    expect(delta).toMatchObject({
      refreshGrants: 1,
      grantsRevoked: 0,
      replays: 0,
      invalidGrants: 0,
    });
    const successors = new Set<string>();
    for (const response of responses) {
      successors.add(
        (await decodeSession(new CookieJar().store(response), stack.secret)).refreshToken,
      );
    }
    expect(successors.size).toBe(1);
    expect(successors.has(session.refreshToken)).toBe(false);
    jar.store(responses[0]!);

    // The next page load on each process: no grant.
    for (let i = 0; i < APPS; i++) {
      const next = await navigate(jar);
      expect(next.status).toBe(200);
      expect(await next.text()).toContain(post.title);
      jar.store(next);
    }
    expect(await providerDelta(stack, before)).toMatchObject({
      refreshGrants: 1,
      grantsRevoked: 0,
      replays: 0,
    });
  });
});
