/**
 * A Server Component whose reissue fails for now answers 503 with a retry, never a 500. Real
 * `next start`, real API, the project's fault proxy between them; no browser (the status code
 * and the redirect are what is under test). The access token is revoked on the API while it is
 * still young, so the proxy lets the page through and the page's own `serverFetch` call is the
 * one that meets the 401 and the failing reissue.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { decodeSession, reissueCount, signInWithPassword, startStack, type Stack } from './harness';

let stack: Stack;

beforeAll(async () => {
  // Tokens outlive the test, so nothing but the revocation makes a reissue due.
  stack = await startStack({ faultProxy: true, apiEnv: { ACCESS_TOKEN_TTL: '600' } });
});

afterAll(async () => {
  await stack?.stop();
});

test('access token revoked and the reissue failing: / answers 503 with a retry of /, keeps the session, and works once the API is back', async () => {
  const jar = await signInWithPassword(stack.app.url);
  const { accessToken, refreshToken } = await decodeSession(jar, stack.secret);
  const revoked = await fetch(`${stack.api.url}/debug/expire-access-token`, {
    method: 'POST',
    headers: { authorization: `Bearer ${accessToken}` },
  });
  expect(revoked.status).toBe(204);
  stack.proxy!.setFault({ path: '/auth/reissue', mode: 'status', status: 503 });
  const reissuesBefore = await reissueCount(stack.api.url);

  const page = await fetch(`${stack.app.url}/`, {
    headers: { cookie: jar.header() },
    redirect: 'manual',
  });
  expect(page.status).toBe(307);
  const target = new URL(page.headers.get('location')!, stack.app.url);
  expect(target.pathname).toBe('/session-unavailable');
  expect(target.searchParams.get('callbackUrl')).toBe('/');

  const unavailable = await fetch(target, {
    headers: { cookie: jar.header() },
    redirect: 'manual',
  });
  expect(unavailable.status).toBe(503);
  expect(unavailable.headers.get('retry-after')).toBe('5');
  const html = await unavailable.text();
  expect(html).toContain('<a href="/">Retry now</a>');
  expect(html).toContain('content="5;url=/"');

  // The next load of the page is pre-empted by the proxy (it knows the token was rejected): 503 too.
  const again = await fetch(`${stack.app.url}/`, {
    headers: { cookie: jar.header() },
    redirect: 'manual',
  });
  expect(again.status).toBe(503);

  // Nothing rotated and the session was not cleared: the retry works once reissues pass again.
  expect(await reissueCount(stack.api.url)).toBe(reissuesBefore);
  expect((await decodeSession(jar, stack.secret)).refreshToken).toBe(refreshToken);
  stack.proxy!.setFault(null);
  const retried = await fetch(`${stack.app.url}/`, {
    headers: { cookie: jar.header() },
    redirect: 'manual',
  });
  expect(retried.status).toBe(200);
  expect(await reissueCount(stack.api.url)).toBe(reissuesBefore + 1);
});

test('the retry page sends only to same-site paths', async () => {
  const offsite = await fetch(
    `${stack.app.url}/session-unavailable?callbackUrl=${encodeURIComponent('//evil.example/')}`,
    { redirect: 'manual' },
  );
  expect(offsite.status).toBe(503);
  const html = await offsite.text();
  expect(html).toContain('<a href="/">Retry now</a>');
  expect(html).not.toContain('evil.example');
});
