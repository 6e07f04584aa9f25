import { randomBytes } from 'node:crypto';
import { decode, encode, type JWT } from 'next-auth/jwt';
import { NextRequest } from 'next/server';
import { expect, test } from 'vitest';
import type { ReissueOutcome } from '@/lib/core/server/auth-backend';
import { createSessionStore } from '@/lib/core/server/session-store';
import type { SessionUser } from '@/lib/next-auth';
import { proxySession } from '@/lib/server/proxy-session';

// proxySession with injected parts: a session store with a test secret, a fake reissuer that
// counts and answers as told, and a fixed clock. No Next server, no API, no browser.
const secret = randomBytes(32).toString('base64url');
const store = createSessionStore<JWT>({
  cookieName: 'next-auth.session-token',
  secure: false,
  maxAgeSeconds: 3600,
  encode: (token, maxAge) => encode({ token, secret, maxAge }),
  decode: (raw) => decode({ token: raw, secret }),
  parse: (value) => (value && typeof value === 'object' && 'sid' in value ? (value as JWT) : null),
});
const NOW = 1_800_000_000_000;
const user: SessionUser = { id: 'u1', email: 'a@example.com', penName: 'A', fieldImage: null };

function session(expiresIn: number): JWT {
  return {
    sub: 'u1',
    sid: 'session-a',
    user,
    accessToken: 'access-1',
    accessTokenExpiresAt: NOW + expiresIn,
    refreshToken: 'refresh-1',
    refreshTokenExpiresAt: NOW + 86_400_000,
  };
}

function fakeReissuer(outcome: ReissueOutcome<SessionUser>, rejected: string[] = []) {
  const calls: string[] = [];
  return {
    calls,
    reissuer: {
      async reissue(refreshToken: string) {
        calls.push(refreshToken);
        return outcome;
      },
      wasAccessTokenRejected: (token: string) => rejected.includes(token),
    },
  };
}
const renewed: ReissueOutcome<SessionUser> = {
  ok: true,
  tokens: {
    accessToken: 'access-2',
    accessTokenExpiresAt: NOW + 60_000,
    refreshToken: 'refresh-2',
    refreshTokenExpiresAt: NOW + 86_400_000,
    user,
  },
};

async function request(path: string, current: JWT | null, method = 'GET') {
  const cookie = current ? (await store.write({ getAll: () => [] }, current)).cookies : [];
  return new NextRequest(`http://app.test${path}`, {
    method,
    headers: { cookie: cookie.map((c) => `${c.name}=${c.value}`).join('; ') },
  });
}

function run(req: NextRequest, reissuer: ReturnType<typeof fakeReissuer>['reissuer']) {
  return proxySession(req, { marginMs: 15_000, reissuer, store, now: () => NOW });
}

test('no session on a page redirects to sign-in with the return URL; an API path passes', async () => {
  const fake = fakeReissuer(renewed);
  const page = await run(await request('/posts?page=2', null), fake.reissuer);
  expect(page.status).toBe(307);
  expect(new URL(page.headers.get('location')!).searchParams.get('callbackUrl')).toBe(
    '/posts?page=2',
  );
  const api = await run(await request('/api/things', null), fake.reissuer);
  expect(api.headers.get('x-middleware-next')).toBe('1');
  expect(fake.calls).toEqual([]);
});

test('a server action (a POST to a page) without a session passes to the action, with or without JavaScript, instead of a redirect it cannot follow', async () => {
  const fake = fakeReissuer(renewed);
  // With JavaScript: Next's fetch carries the action id in a header.
  const withScript = await request('/', null, 'POST');
  withScript.headers.set('next-action', 'abc123');
  const fetched = await run(withScript, fake.reissuer);
  expect(fetched.status).toBe(200);
  expect(fetched.headers.get('x-middleware-next')).toBe('1');
  expect(fetched.headers.get('location')).toBeNull();
  // Without: a plain form post.
  const posted = await run(await request('/debug', null, 'POST'), fake.reissuer);
  expect(posted.headers.get('x-middleware-next')).toBe('1');
  expect(posted.headers.get('location')).toBeNull();
  // A page load still goes to sign-in.
  expect((await run(await request('/', null, 'HEAD'), fake.reissuer)).status).toBe(307);
  expect(fake.calls).toEqual([]);
});

test('a session far from expiry passes without a reissue', async () => {
  const fake = fakeReissuer(renewed);
  const response = await run(await request('/', session(60_000)), fake.reissuer);
  expect(response.headers.get('x-middleware-next')).toBe('1');
  expect(response.headers.getSetCookie()).toEqual([]);
  expect(fake.calls).toEqual([]);
});

test('a session within the margin is reissued once and written on the response and the forwarded request', async () => {
  const fake = fakeReissuer(renewed);
  const req = await request('/', session(10_000));
  const response = await run(req, fake.reissuer);
  expect(fake.calls).toEqual(['refresh-1']);
  // Server Components in this request read the reissued session.
  const forwarded = await store.read(req.cookies);
  expect(forwarded).toMatchObject({ sid: 'session-a', accessToken: 'access-2' });
  expect(response.headers.get('x-middleware-request-cookie')).toContain('next-auth.session-token=');
  // The browser gets it too.
  const set = response.headers.getSetCookie().find((c) => c.startsWith('next-auth.session-token='));
  const value = set!.slice('next-auth.session-token='.length).split(';')[0]!;
  const written = await store.read({ getAll: () => [{ name: 'next-auth.session-token', value }] });
  expect(written).toMatchObject({ refreshToken: 'refresh-2', sid: 'session-a' });
});

test('an access token the API already rejected is reissued before its expiry', async () => {
  const fake = fakeReissuer(renewed, ['access-1']);
  await run(await request('/', session(60_000)), fake.reissuer);
  expect(fake.calls).toEqual(['refresh-1']);
});

test('a dead refresh token: a page redirects with reason=expired and clears the cookie, an API GET answers 401, a POST passes', async () => {
  const dead = fakeReissuer({ ok: false, code: 'SESSION_EXPIRED', reason: 'invalid_grant' });
  const page = await run(await request('/', session(1_000)), dead.reissuer);
  expect(page.status).toBe(307);
  expect(new URL(page.headers.get('location')!).searchParams.get('reason')).toBe('expired');
  expect(
    page.headers.getSetCookie().some((c) => /^next-auth\.session-token=;.*Max-Age=0/i.test(c)),
  ).toBe(true);
  const api = await run(await request('/api/things', session(1_000)), dead.reissuer);
  expect(api.status).toBe(401);
  expect(await api.json()).toEqual({ error: 'SESSION_EXPIRED' });
  const action = await run(await request('/', session(1_000), 'POST'), dead.reissuer);
  expect(action.headers.get('x-middleware-next')).toBe('1');
});

test('a transient failure answers a page 503 with a retry and keeps the cookie', async () => {
  const down = fakeReissuer({ ok: false, code: 'REISSUE_UNAVAILABLE', reason: 'HTTP 503' });
  const page = await run(await request('/', session(1_000)), down.reissuer);
  expect(page.status).toBe(503);
  expect(page.headers.get('retry-after')).toBeTruthy();
  expect(page.headers.getSetCookie()).toEqual([]);
});

test('a cookie that does not decrypt is cleared on the response and the forwarded request', async () => {
  const fake = fakeReissuer(renewed);
  const req = new NextRequest('http://app.test/api/things', {
    headers: { cookie: 'next-auth.session-token=garbage; other=1' },
  });
  const response = await run(req, fake.reissuer);
  expect(req.cookies.getAll().map((c) => c.name)).toEqual(['other']);
  expect(
    response.headers.getSetCookie().some((c) => c.startsWith('next-auth.session-token=;')),
  ).toBe(true);
});
