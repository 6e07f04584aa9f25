import { randomBytes } from 'node:crypto';
import type { Session, User } from 'next-auth';
import type { JWT } from 'next-auth/jwt';
import { beforeAll, expect, test } from 'vitest';

process.env.NEXTAUTH_SECRET = randomBytes(32).toString('base64url');
let callbacks: NonNullable<
  ReturnType<typeof import('@/lib/auth/options').authOptions>['callbacks']
>;
beforeAll(async () => {
  const { authOptions } = await import('@/lib/auth/options');
  callbacks = authOptions().callbacks!;
});

const user = { id: 'u1', email: 'a@example.com', penName: 'A', fieldImage: null };
const tokens = {
  accessToken: 'access',
  accessTokenExpiresAt: Date.now() + 60_000,
  refreshToken: 'refresh-secret',
  refreshTokenExpiresAt: Date.now() + 86_400_000,
  user,
};

test('on sign-in the cookie keeps the token pair; the session exposes no refresh token', async () => {
  const token = (await callbacks.jwt!({
    token: { sub: 'u1' } as JWT,
    user: { id: 'u1', sid: 'session-id-000001', ...tokens } as User,
    account: null,
  })) as JWT;
  expect(token).toEqual({ sub: 'u1', sid: 'session-id-000001', ...tokens });

  const before = Date.now();
  const session = (await callbacks.session!({
    session: { expires: '2100-01-01T00:00:00.000Z' } as Session,
    token,
  } as never)) as Session;
  expect(session).toEqual({
    expires: '2100-01-01T00:00:00.000Z',
    user,
    accessToken: 'access',
    accessTokenExpiresAt: tokens.accessTokenExpiresAt,
    // The server's clock, so the browser can correct its own.
    serverNow: expect.any(Number),
  });
  expect(session.serverNow).toBeGreaterThanOrEqual(before);
  expect(session.serverNow).toBeLessThanOrEqual(Date.now());
  expect(JSON.stringify(session)).not.toContain('refresh');
});

test('a session cannot outlive its refresh token family: past its expiry the jwt callback ends it', async () => {
  const lapsed = {
    sub: 'u1',
    sid: 'session-id-000001',
    ...tokens,
    refreshTokenExpiresAt: Date.now() - 1,
  } as JWT;
  await expect(async () =>
    callbacks.jwt!({ token: lapsed, account: null } as never),
  ).rejects.toThrow('outlived its refresh token');
});

test('update() from the browser cannot change the tokens', async () => {
  const token = { sub: 'u1', sid: 'session-id-000001', ...tokens } as JWT;
  const updated = await callbacks.jwt!({
    token,
    trigger: 'update',
    session: { accessToken: 'forged', refreshToken: 'forged' },
  } as never);
  expect(updated).toEqual(token);
});

test('a cookie that decrypts but lacks a field is ended by the jwt callback (next-auth clears it)', async () => {
  const { refreshToken: _, ...withoutRefresh } = { sub: 'u1', sid: 'session-id-000001', ...tokens };
  await expect(async () =>
    callbacks.jwt!({ token: withoutRefresh as JWT, account: null } as never),
  ).rejects.toThrow('lacks a field');
});
