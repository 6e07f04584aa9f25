import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { decode, encode, getToken, type JWT } from 'next-auth/jwt';
import { NextRequest, NextResponse } from 'next/server';
import { expect, test } from 'vitest';
import {
  createSessionStore,
  forwardedRequestTarget,
  responseTarget,
  type CookieSource,
} from '@/lib/core/server/session-store';

// Parity with next-auth itself: cookies the store writes must be what next-auth's own reader
// (`getToken`) and chunker (`SessionStore` in next-auth/core/lib/cookie) read and write.
const secret = randomBytes(32).toString('base64url');
const store = createSessionStore<JWT>({
  cookieName: 'next-auth.session-token',
  secure: false,
  maxAgeSeconds: 30 * 24 * 60 * 60,
  encode: (token, maxAge) => encode({ token, secret, maxAge }),
  decode: (raw) => decode({ token: raw, secret }),
  parse: (value) =>
    value && typeof value === 'object' && 'accessToken' in value ? (value as JWT) : null,
});

const require = createRequire(import.meta.url);
// Not in next-auth's exports map: reached by path from its resolved entry point.
const nextAuthRoot = dirname(require.resolve('next-auth'));
const { SessionStore } = require(join(nextAuthRoot, 'core/lib/cookie.js')) as {
  SessionStore: new (
    option: { name: string; options: object },
    req: { cookies: Record<string, string> },
    logger: { debug(): void },
  ) => { chunk(value: string, options?: object): { name: string; value: string }[] };
};

function session(padding = 0): JWT {
  return {
    sub: 'u1',
    user: { id: 'u1', email: 'a@example.com', name: 'x'.repeat(padding) },
    accessToken: 'access',
    accessTokenExpiresAt: 1,
    refreshToken: 'refresh',
    refreshTokenExpiresAt: 2,
  } as unknown as JWT;
}

function source(cookies: Record<string, string>): CookieSource {
  return { getAll: () => Object.entries(cookies).map(([name, value]) => ({ name, value })) };
}

/** A request carrying `cookies`, the way the browser sends them. */
function requestWith(cookies: readonly { name: string; value: string }[]): NextRequest {
  const header = cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  return new NextRequest('http://localhost/', { headers: { cookie: header } });
}

test('a single-chunk session written by the store reads back with next-auth getToken', async () => {
  const write = await store.write(source({}), session());
  expect(write.cookies.map((c) => c.name)).toEqual(['next-auth.session-token']);
  const token = await getToken({ req: requestWith(write.cookies), secret });
  expect(token).toMatchObject(session());
});

test('a multi-chunk session written by the store reads back with next-auth getToken', async () => {
  const big = session(6000);
  const write = await store.write(source({}), big);
  expect(write.cookies.map((c) => c.name)).toEqual([
    'next-auth.session-token.0',
    'next-auth.session-token.1',
    'next-auth.session-token.2',
  ]);
  const token = await getToken({ req: requestWith(write.cookies), secret });
  expect(token).toMatchObject(big);
});

test('the store chunks a value exactly as next-auth chunks it', async () => {
  for (const padding of [0, 5000, 12000]) {
    const write = await store.write(source({}), session(padding));
    const value = write.cookies.map((c) => c.value).join('');
    const theirs = new SessionStore(
      { name: 'next-auth.session-token', options: {} },
      { cookies: {} },
      { debug() {} },
    ).chunk(value);
    expect(write.cookies.map((c) => [c.name, c.value])).toEqual(
      theirs.map((c) => [c.name, c.value]),
    );
  }
});

test('a session next-auth wrote in chunks is read by the store', async () => {
  const big = session(7000);
  const value = await encode({ token: big, secret });
  const theirs = new SessionStore(
    { name: 'next-auth.session-token', options: {} },
    { cookies: {} },
    { debug() {} },
  ).chunk(value);
  expect(theirs.length).toBeGreaterThan(1);
  const reversed = Object.fromEntries(theirs.map((c) => [c.name, c.value]).reverse());
  expect(await store.read(source(reversed))).toMatchObject(big);
});

test('a write over a chunked session deletes the stale chunks; clear deletes every chunk', async () => {
  const current = source({
    'next-auth.session-token.0': 'a',
    'next-auth.session-token.1': 'b',
    'next-auth.session-token.x': 'not a chunk',
    other: 'keep',
  });
  const write = await store.write(current, session());
  expect(write.cookies.map((c) => [c.name, c.options.maxAge])).toEqual([
    ['next-auth.session-token.0', 0],
    ['next-auth.session-token.1', 0],
    ['next-auth.session-token', 30 * 24 * 60 * 60],
  ]);
  expect(store.clear(current).cookies.map((c) => [c.name, c.value, c.options.maxAge])).toEqual([
    ['next-auth.session-token.0', '', 0],
    ['next-auth.session-token.1', '', 0],
  ]);
});

test('one write lands on the forwarded request and on the response alike', async () => {
  const req = requestWith([
    { name: 'next-auth.session-token.0', value: 'old0' },
    { name: 'next-auth.session-token.1', value: 'old1' },
  ]);
  const write = await store.write(req.cookies, session());
  write.to(forwardedRequestTarget(req.cookies));
  const res = NextResponse.next({ request: { headers: req.headers } });
  write.to(responseTarget(res.cookies));

  // Server Components in this request read the new session through the forwarded headers.
  expect(req.cookies.getAll().map((c) => c.name)).toEqual(['next-auth.session-token']);
  expect(await getToken({ req, secret })).toMatchObject(session());
  const forwarded = res.headers.get('x-middleware-request-cookie') ?? '';
  expect(forwarded).toContain('next-auth.session-token=');
  expect(forwarded).not.toContain('old0');
  // The browser gets the new cookie and the deletions of both stale chunks.
  const setCookies = res.headers.getSetCookie();
  expect(setCookies.some((c) => /^next-auth\.session-token=[^;]+;.*HttpOnly/i.test(c))).toBe(true);
  expect(setCookies.filter((c) => /^next-auth\.session-token\.\d=;/.test(c))).toHaveLength(2);
});

test('a value that does not decrypt, or decrypts to no session, reads as no session', async () => {
  expect(await store.read(source({ 'next-auth.session-token': 'garbage' }))).toBeNull();
  const notASession = await encode({ token: { sub: 'u1' } as unknown as JWT, secret });
  expect(await store.read(source({ 'next-auth.session-token': notASession }))).toBeNull();
  expect(await store.read(source({}))).toBeNull();
  expect(store.present(source({ 'next-auth.session-token': 'garbage' }))).toBe(true);
});
