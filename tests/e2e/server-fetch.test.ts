import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startScaleOutStack, type ScaleOutStack } from '../support/scale-out';
import {
  CookieJar,
  createPostOnApi,
  decodeSession,
  launchChromium,
  reissueOutcomes,
  requestCount,
  signInWithPassword,
} from './harness';
import { eventually } from './waits';

/**
 * `serverFetch` (lib/server/http.ts), the `fetch` client Server Components use, in production's
 * shape: two `next start` processes behind one round-robin origin, sharing a real Redis, in
 * front of a strict API (REUSE_GRACE_SECONDS=0: a replayed refresh token revokes the family).
 * The home page's Server Component lists the posts with it. The API revokes the access token
 * early, so the proxy (which reissues by the clock) lets the pages through and each Server
 * Component's fetch meets the 401 and reissues itself.
 */
const APPS = 2;
const PAGES = 20;

let stack: ScaleOutStack;
let browser: Browser | undefined;

beforeAll(async () => {
  stack = await startScaleOutStack({
    apps: APPS,
    redis: 'standalone',
    apiEnv: { ACCESS_TOKEN_TTL: '300', REUSE_GRACE_SECONDS: '0' },
  });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

test(`${PAGES} page loads in Chromium whose Server Components fetch after the access token expired: 1 reissue across ${APPS} processes, no reuse, every page rendered`, async () => {
  const jar = await signInWithPassword(stack.origin.url);
  const session = await decodeSession(jar, stack.secret);
  const post = await createPostOnApi(stack.api.url, session.accessToken, {
    title: `Fetched by a Server Component ${Math.random().toString(36).slice(2, 10)}`,
    body: 'Listed with serverFetch after a reissue.',
  });
  const context = await browser!.newContext();
  const host = new URL(stack.origin.url).hostname;
  await context.addCookies(
    jar
      .header()
      .split('; ')
      .map((pair) => {
        const [name = '', value = ''] = pair.split(/=(.*)/s);
        return { name, value, domain: host, path: '/', httpOnly: true, sameSite: 'Lax' as const };
      }),
  );
  const pages = await Promise.all(Array.from({ length: PAGES }, () => context.newPage()));

  const revoked = await fetch(`${stack.api.url}/debug/expire-access-token`, {
    method: 'POST',
    headers: { authorization: `Bearer ${session.accessToken}` },
  });
  expect(revoked.status).toBe(204);
  const before = await reissueOutcomes(stack.api.url);
  const rejectedBefore = await requestCount(stack.api.url, '/posts', 'GET', 401);
  const countsBefore = [...stack.origin.counts];

  const responses = await Promise.all(pages.map((page) => page.goto(stack.origin.url)));
  for (const page of pages) {
    await eventually(() => page.getByText(post.title).count()).toBeGreaterThan(0);
  }

  const after = await reissueOutcomes(stack.api.url);
  const rejected = (await requestCount(stack.api.url, '/posts', 'GET', 401)) - rejectedBefore;
  const perProcess = stack.origin.counts.map((n, i) => n - countsBefore[i]!);
  console.log(
    `${PAGES} page loads after expiry: statuses ${[...new Set(responses.map((r) => r?.status()))].join(',')}, rotated ${after.rotated - before.rotated}, grace ${after.grace - before.grace}, reuse ${after.reuse_detected - before.reuse_detected}, GET /posts 401s ${rejected}, requests per process ${perProcess.join('/')}`,
  );
  expect(responses.map((r) => r?.status())).toEqual(Array(PAGES).fill(200));
  expect(after.rotated - before.rotated).toBe(1);
  expect(after.grace - before.grace).toBe(0);
  expect(after.reuse_detected - before.reuse_detected).toBe(0);
  // The Server Components' fetches met the revoked token and renewed it themselves.
  expect(rejected).toBeGreaterThanOrEqual(1);
  expect(perProcess.every((n) => n > 0)).toBe(true);

  // A Server Component cannot set cookies: the next navigation's proxy writes the successor
  // (the coordinator's stored outcome, no second rotation), and the family lives on.
  const [first] = pages;
  await first!.reload();
  await eventually(() => first!.getByText(post.title).count()).toBeGreaterThan(0);
  const cookies = (await context.cookies()).filter((c) => c.name.startsWith('next-auth.session'));
  const persisted = await decodeSession(
    new CookieJar(cookies.map((c) => [c.name, c.value])),
    stack.secret,
  );
  const afterReload = await reissueOutcomes(stack.api.url);
  console.log(
    `next navigation: rotated ${afterReload.rotated - after.rotated}, cookie rotated ${persisted.refreshToken !== session.refreshToken}`,
  );
  expect(persisted.refreshToken).not.toBe(session.refreshToken);
  expect(afterReload.rotated - after.rotated).toBe(0);
  expect(afterReload.reuse_detected).toBe(before.reuse_detected);
  await context.close();
});
