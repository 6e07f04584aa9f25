import { randomBytes } from 'node:crypto';
import { beforeAll, expect, test } from 'vitest';
import type { JWT } from 'next-auth/jwt';

process.env.NEXTAUTH_SECRET = randomBytes(32).toString('base64url');
let cookies: typeof import('@/lib/auth/session-cookie');
beforeAll(async () => {
  cookies = await import('@/lib/auth/session-cookie');
});

const user = { id: 'u1', email: 'a@example.com', penName: 'A', fieldImage: null };
function session(extra = ''): JWT {
  return {
    sub: 'u1',
    sid: 'session-id-000001',
    user: { ...user, penName: `A${extra}` },
    accessToken: 'access',
    accessTokenExpiresAt: 1,
    refreshToken: 'refresh',
    refreshTokenExpiresAt: 2,
  };
}
function jar(entries: Record<string, string>) {
  return { getAll: () => Object.entries(entries).map(([name, value]) => ({ name, value })) };
}

test('a small session is one httpOnly cookie that reads back as the same session', async () => {
  const written = await cookies.sessionCookies(jar({}), session());
  expect(written.map((c) => c.name)).toEqual(['next-auth.session-token']);
  expect(written[0]!.options).toMatchObject({ httpOnly: true, sameSite: 'lax', path: '/' });
  const read = await cookies.readSession(jar({ [written[0]!.name]: written[0]!.value }));
  expect(read).toMatchObject(session());
});

test('a session over 4 KB is chunked as next-auth does and read back joined in order', async () => {
  const big = session('x'.repeat(6000));
  const written = await cookies.sessionCookies(jar({}), big);
  expect(written.map((c) => c.name)).toEqual([
    'next-auth.session-token.0',
    'next-auth.session-token.1',
    'next-auth.session-token.2',
  ]);
  expect(written.every((c) => c.value.length <= 4096 - 163)).toBe(true);
  const reversed = Object.fromEntries(written.map((c) => [c.name, c.value]).reverse());
  expect(await cookies.readSession(jar(reversed))).toMatchObject(big);
});

test('writing a small session over a chunked one deletes the stale chunks', async () => {
  const written = await cookies.sessionCookies(
    jar({ 'next-auth.session-token.0': 'a', 'next-auth.session-token.1': 'b', other: 'keep' }),
    session(),
  );
  expect(written.map((c) => [c.name, c.options.maxAge])).toEqual([
    ['next-auth.session-token.0', 0],
    ['next-auth.session-token.1', 0],
    ['next-auth.session-token', cookies.SESSION_MAX_AGE_SECONDS],
  ]);
});

test('a cookie that does not decrypt with this secret reads as no session', async () => {
  expect(await cookies.readSession(jar({ 'next-auth.session-token': 'garbage' }))).toBeNull();
  expect(await cookies.readSession(jar({}))).toBeNull();
});

test.each([
  ['no session id', { sid: undefined }],
  ['no user', { user: undefined }],
  ['a user without an id', { user: { email: 'a@example.com', penName: 'A', fieldImage: null } }],
  ['no access token', { accessToken: undefined }],
  ['an expiry that is not a number', { accessTokenExpiresAt: 'soon' }],
  ['no refresh token', { refreshToken: undefined }],
  ['no subject', { sub: undefined }],
])(
  'a cookie that decrypts but has %s reads as no session (and readSession never throws)',
  async (_, change) => {
    const written = await cookies.sessionCookies(jar({}), { ...session(), ...change } as JWT);
    const read = await cookies.readSession(
      jar(Object.fromEntries(written.map((c) => [c.name, c.value]))),
    );
    expect(read).toBeNull();
  },
);
