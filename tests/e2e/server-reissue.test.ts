import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  CookieJar,
  createPostOnApi,
  decodeSession,
  DEMO,
  reissueOutcomes,
  requestCount,
  setCookies,
  signInWithPassword,
  sleepUntil,
  startStack,
  writesSessionCookie,
  type Stack,
} from './harness';

/**
 * Server-side reissue against real `next start` processes and the real API: access tokens live
 * 3 s and the proxy reissues when one has less than 1 s left, so a session expires within a test.
 */
const ACCESS_TOKEN_TTL = '3';
const APP_ENV = { SESSION_REFRESH_MARGIN_SECONDS: '1' };

/** A page navigation as a browser without JavaScript makes it: the session cookie, no redirects followed. */
async function navigate(appUrl: string, jar: CookieJar, path = '/'): Promise<Response> {
  return fetch(`${appUrl}${path}`, {
    redirect: 'manual',
    headers: { cookie: jar.header(), accept: 'text/html' },
  });
}

function successfulReissues(
  before: Awaited<ReturnType<typeof reissueOutcomes>>,
  after: Awaited<ReturnType<typeof reissueOutcomes>>,
): number {
  return after.rotated + after.grace - before.rotated - before.grace;
}

/** Signs the demo user in and writes a post with the session's access token; returns both. */
async function signedInWithPost(stack: Stack, appUrl: string) {
  const jar = await signInWithPassword(appUrl);
  const session = await decodeSession(jar, stack.secret);
  const post = await createPostOnApi(stack.api.url, session.accessToken, {
    title: `Written before expiry ${Math.random().toString(36).slice(2, 10)}`,
    body: 'Rendered on the server after a reissue.',
  });
  return { jar, session, post };
}

describe('proxy reissue with the default grace window', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({
      apps: 2,
      apiEnv: { ACCESS_TOKEN_TTL },
      appEnv: APP_ENV,
    });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  test('after the access token expires, one navigation reissues once, renders the posts and sets the new session cookie; the next navigation reissues nothing', async () => {
    const app = stack.apps[0]!.url;
    const { jar, session, post } = await signedInWithPost(stack, app);
    await sleepUntil(session.accessTokenExpiresAt, 100);
    const before = await reissueOutcomes(stack.api.url);
    const rejectedBefore = await requestCount(stack.api.url, '/posts', 'GET', 401);

    const started = performance.now();
    const response = await navigate(app, jar);
    const html = await response.text();
    const elapsed = performance.now() - started;

    const afterFirst = await reissueOutcomes(stack.api.url);
    console.log(
      `expired navigation: HTTP ${response.status} in ${elapsed.toFixed(0)} ms, reissues ${successfulReissues(before, afterFirst)}`,
    );
    expect(response.status).toBe(200);
    expect(html).toContain(DEMO.penName);
    expect(html).toContain(post.title);
    expect(successfulReissues(before, afterFirst)).toBe(1);
    // The Server Component read the proxy's new cookie: it never sent the expired token.
    expect(await requestCount(stack.api.url, '/posts', 'GET', 401)).toBe(rejectedBefore);
    expect(writesSessionCookie(response)).toBe(true);
    const renewed = await decodeSession(jar.store(response), stack.secret);
    expect(renewed.refreshToken).not.toBe(session.refreshToken);
    expect(renewed.accessTokenExpiresAt).toBeGreaterThan(Date.now());

    const next = await navigate(app, jar);
    const nextHtml = await next.text();

    const afterSecond = await reissueOutcomes(stack.api.url);
    console.log(
      `next navigation: HTTP ${next.status}, reissues ${successfulReissues(afterFirst, afterSecond)}`,
    );
    expect(next.status).toBe(200);
    expect(nextHtml).toContain(post.title);
    expect(successfulReissues(afterFirst, afterSecond)).toBe(0);
    expect(writesSessionCookie(next)).toBe(false);
  });

  test('20 concurrent navigations with the same expired session reissue once and all render', async () => {
    const app = stack.apps[0]!.url;
    const { jar, session, post } = await signedInWithPost(stack, app);
    await sleepUntil(session.accessTokenExpiresAt, 100);
    const before = await reissueOutcomes(stack.api.url);

    const started = performance.now();
    const responses = await Promise.all(Array.from({ length: 20 }, () => navigate(app, jar)));
    const pages = await Promise.all(responses.map((r) => r.text()));
    const elapsed = performance.now() - started;

    const after = await reissueOutcomes(stack.api.url);
    const statuses = responses.map((r) => r.status);
    console.log(
      `20 concurrent expired navigations: ${elapsed.toFixed(0)} ms, statuses ${[...new Set(statuses)].join(',')}, reissues ${successfulReissues(before, after)}`,
    );
    expect(statuses).toEqual(Array(20).fill(200));
    expect(responses.filter((r) => r.headers.get('location')?.includes('/signin'))).toEqual([]);
    for (const html of pages) {
      expect(html).toContain(DEMO.penName);
      expect(html).toContain(post.title);
    }
    expect(successfulReissues(before, after)).toBe(1);
    expect(after.reuse_detected - before.reuse_detected).toBe(0);
    // Every response carries the one successor token.
    const refreshTokens = new Set<string>();
    for (const response of responses) {
      const own = new CookieJar().store(response);
      refreshTokens.add((await decodeSession(own, stack.secret)).refreshToken);
    }
    expect(refreshTokens.size).toBe(1);
    expect(refreshTokens.has(session.refreshToken)).toBe(false);
  });

  test("a navigation and the browser's reissue call with the same expired session in one process share one reissue", async () => {
    const app = stack.apps[0]!.url;
    const { jar, session, post } = await signedInWithPost(stack, app);
    await sleepUntil(session.accessTokenExpiresAt, 100);
    const before = await reissueOutcomes(stack.api.url);

    const [page, reissue] = await Promise.all([
      navigate(app, jar),
      fetch(`${app}/api/auth/reissue`, {
        method: 'POST',
        headers: { cookie: jar.header(), 'x-auth-reissue': '1', accept: 'application/json' },
      }),
    ]);

    const after = await reissueOutcomes(stack.api.url);
    console.log(
      `navigation + reissue route in one process: rotated ${after.rotated - before.rotated}, grace ${after.grace - before.grace}`,
    );
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(post.title);
    expect(reissue.status).toBe(200);
    const { accessToken } = (await reissue.json()) as { accessToken: string };
    expect((await decodeSession(new CookieJar().store(page), stack.secret)).accessToken).toBe(
      accessToken,
    );
    expect(successfulReissues(before, after)).toBe(1);
  });

  test('two app processes given the same expired session at once both render, reissue at most once each, and keep the token family alive', async () => {
    const [first, second] = stack.apps.map((a) => a.url) as [string, string];
    const { jar, session, post } = await signedInWithPost(stack, first);
    await sleepUntil(session.accessTokenExpiresAt, 100);
    const before = await reissueOutcomes(stack.api.url);

    const started = performance.now();
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => navigate(i % 2 === 0 ? first : second, jar)),
    );
    const pages = await Promise.all(responses.map((r) => r.text()));
    const elapsed = performance.now() - started;

    const after = await reissueOutcomes(stack.api.url);
    console.log(
      `10 + 10 expired navigations on two processes: ${elapsed.toFixed(0)} ms, rotated ${after.rotated - before.rotated}, grace ${after.grace - before.grace}, reuse_detected ${after.reuse_detected - before.reuse_detected}`,
    );
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    for (const html of pages) expect(html).toContain(post.title);
    expect(after.reuse_detected - before.reuse_detected).toBe(0);
    expect(successfulReissues(before, after)).toBeGreaterThanOrEqual(1);
    expect(successfulReissues(before, after)).toBeLessThanOrEqual(2);
    // Both processes hold the same successor (the grace window hands it out again, no fork).
    const successors = new Set<string>();
    for (const response of responses) {
      successors.add(
        (await decodeSession(new CookieJar().store(response), stack.secret)).refreshToken,
      );
    }
    expect(successors.size).toBe(1);

    // The family lives on: once the new access token expires, the next reissue rotates it again.
    const newest = new CookieJar().store(responses[1]!);
    await sleepUntil((await decodeSession(newest, stack.secret)).accessTokenExpiresAt, 100);
    const beforeLater = await reissueOutcomes(stack.api.url);
    const later = await navigate(second, newest);
    const laterHtml = await later.text();
    const afterLater = await reissueOutcomes(stack.api.url);
    console.log(
      `later navigation with the newest cookie: HTTP ${later.status}, rotated ${afterLater.rotated - beforeLater.rotated}`,
    );
    expect(later.status).toBe(200);
    expect(laterHtml).toContain(post.title);
    expect(afterLater.rotated - beforeLater.rotated).toBe(1);
    expect(afterLater.reuse_detected - beforeLater.reuse_detected).toBe(0);
  });
});

describe('proxy reissue with a 1 s grace window', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({
      apps: 2,
      apiEnv: { ACCESS_TOKEN_TTL, REUSE_GRACE_SECONDS: '1' },
      appEnv: APP_ENV,
    });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  test('a refresh token replayed after the grace window revokes the family and sends the visitor to sign-in with the return URL; the newest cookie dies too', async () => {
    // The second process has no single-flight memory of the first rotation, so it really replays.
    const [first, second] = stack.apps.map((a) => a.url) as [string, string];
    const jar = await signInWithPassword(first);
    const old = jar.clone();
    const session = await decodeSession(jar, stack.secret);
    await sleepUntil(session.accessTokenExpiresAt, 100);
    const rotated = await navigate(first, jar);
    expect(rotated.status).toBe(200);
    const rotatedAt = Date.now();
    const newest = await decodeSession(jar.store(rotated), stack.secret);
    expect(newest.refreshToken).not.toBe(session.refreshToken);
    await sleepUntil(rotatedAt, 1_500);
    const before = await reissueOutcomes(stack.api.url);

    const replay = await navigate(second, old, '/?sort=newest');

    const after = await reissueOutcomes(stack.api.url);
    console.log(
      `replay ${Date.now() - rotatedAt} ms after rotation: HTTP ${replay.status}, reuse_detected ${after.reuse_detected - before.reuse_detected}`,
    );
    expect(after.reuse_detected - before.reuse_detected).toBe(1);
    expect([302, 303, 307]).toContain(replay.status);
    const location = new URL(replay.headers.get('location')!, second);
    expect(location.pathname).toBe('/signin');
    expect(location.searchParams.get('callbackUrl')).toBe('/?sort=newest');
    expect(setCookies(replay).filter((c) => c.name.startsWith('next-auth.session-token'))).toEqual([
      expect.objectContaining({ deleted: true }),
    ]);

    // The legitimate holder's newest cookie belongs to the revoked family.
    await sleepUntil(newest.accessTokenExpiresAt, 100);
    const beforeNewest = await reissueOutcomes(stack.api.url);
    const dead = await navigate(first, jar);
    const afterNewest = await reissueOutcomes(stack.api.url);
    console.log(
      `newest cookie after revocation: HTTP ${dead.status}, invalid ${afterNewest.invalid - beforeNewest.invalid}`,
    );
    expect([302, 303, 307]).toContain(dead.status);
    expect(new URL(dead.headers.get('location')!, first).pathname).toBe('/signin');
    expect(afterNewest.invalid - beforeNewest.invalid).toBe(1);
    expect(successfulReissues(beforeNewest, afterNewest)).toBe(0);
  });
  test('when the API rejects an unexpired access token during a server render, the next navigation persists the reissued session and it outlives the grace window', async () => {
    const app = stack.apps[0]!.url;
    const jar = await signInWithPassword(app);
    const session = await decodeSession(jar, stack.secret);
    const revoked = await fetch(`${stack.api.url}/debug/expire-access-token`, {
      method: 'POST',
      headers: { authorization: `Bearer ${session.accessToken}` },
    });
    expect(revoked.status).toBe(204);
    const before = await reissueOutcomes(stack.api.url);

    // The Server Component gets a 401, reissues through serverAuth, but cannot write cookies.
    const rendered = await navigate(app, jar);
    expect(rendered.status).toBe(200);
    expect(await rendered.text()).toContain(DEMO.penName);
    jar.store(rendered);
    // The next navigation, before the access token expires by its clock, must persist the successor.
    const next = await navigate(app, jar);
    expect(next.status).toBe(200);
    jar.store(next);
    const persisted = await decodeSession(jar, stack.secret);
    const afterPersist = await reissueOutcomes(stack.api.url);
    console.log(
      `rejected-token render then next navigation: reissues ${successfulReissues(before, afterPersist)}, cookie rotated ${persisted.refreshToken !== session.refreshToken}`,
    );
    expect(persisted.refreshToken).not.toBe(session.refreshToken);
    expect(successfulReissues(before, afterPersist)).toBe(1);

    // Well past the grace window and the single-flight memory: the cookie's token is current.
    await sleepUntil(Math.max(Date.now() + 6_000, persisted.accessTokenExpiresAt + 100));
    const later = await navigate(app, jar);
    const after = await reissueOutcomes(stack.api.url);
    console.log(
      `navigation 6 s later: HTTP ${later.status}, rotated ${after.rotated - afterPersist.rotated}, reuse_detected ${after.reuse_detected - before.reuse_detected}`,
    );
    expect(later.status).toBe(200);
    expect(after.reuse_detected - before.reuse_detected).toBe(0);
    expect(after.rotated - afterPersist.rotated).toBe(1);
  });
});
