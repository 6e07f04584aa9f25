import { randomBytes } from 'node:crypto';
import { expect, test } from 'vitest';
import { authorizeTicket, createNextAuthSessionStore, sessionFromTokens } from 'token-reissue/next';
import { createTickets, memoryUsedTicketStore } from 'token-reissue/server';
import { tokenPairSchema, type TokenPair } from '@/lib/validations/auth';

// The ticket half of authorize() (token-reissue/next) on real parts: sealed tickets, next-auth's
// cookie codec through the package's store, the in-process used-ticket store. Only the
// reissuer's memory of rotated refresh tokens is a fake.
const secret = randomBytes(32).toString('base64url');
const tickets = createTickets({ secret: () => secret, tokenPairSchema });
const store = createNextAuthSessionStore({
  url: 'http://localhost:3000',
  secret: () => secret,
  maxAgeSeconds: 3600,
  parse: (value) => value as ReturnType<typeof sessionFromTokens<TokenPair['user']>>,
});
const user = { id: 'u1', email: 'a@example.com', penName: 'A', fieldImage: null };

function pair(n: number, expiresIn = 60_000): TokenPair {
  return {
    accessToken: `access-${n}`,
    accessTokenExpiresAt: Date.now() + expiresIn,
    refreshToken: `refresh-${n}`,
    refreshTokenExpiresAt: Date.now() + 86_400_000,
    user,
  };
}

async function cookiesOf(tokens: TokenPair, sid = 'session-a') {
  const write = await store.write({ getAll: () => [] }, sessionFromTokens(tokens, sid));
  const cookies = write.cookies.map(({ name, value }) => ({ name, value }));
  return { getAll: () => cookies };
}

function check(
  ticket: string,
  cookies: Awaited<ReturnType<typeof cookiesOf>>,
  rotated: string[] = [],
  usedTickets = memoryUsedTicketStore(),
) {
  return authorizeTicket(ticket, {
    cookies,
    store,
    open: tickets.open,
    reissuer: { wasRotated: async (token) => rotated.includes(token) },
    usedTickets,
  });
}

test('a ticket sealed for the session in the cookie is accepted once, with its pair and the session id; a replay is refused', async () => {
  const renewed = pair(2, 120_000);
  const ticket = await tickets.seal({ sub: 'u1', sid: 'session-a' }, renewed);
  const cookies = await cookiesOf(renewed);
  const used = memoryUsedTicketStore();
  expect(await check(ticket, cookies, [], used)).toEqual({
    ok: true,
    tokens: renewed,
    sid: 'session-a',
  });
  expect(await check(ticket, cookies, [], used)).toEqual({ ok: false, reason: 'replayed' });
});

test('a ticket for another session of the same user, or without a session cookie, is refused', async () => {
  const ticket = await tickets.seal({ sub: 'u1', sid: 'session-a' }, pair(2));
  expect(await check(ticket, await cookiesOf(pair(2), 'session-b'))).toEqual({
    ok: false,
    reason: 'wrong-session',
  });
  expect(await check(ticket, { getAll: () => [] })).toEqual({ ok: false, reason: 'wrong-subject' });
});

test('a ticket older than the cookie (a later reissue already wrote it), or carrying a rotated refresh token, is refused as stale', async () => {
  const older = await tickets.seal({ sub: 'u1', sid: 'session-a' }, pair(2, 60_000));
  expect(await check(older, await cookiesOf(pair(3, 120_000)))).toEqual({
    ok: false,
    reason: 'stale',
  });
  const rotated = await tickets.seal({ sub: 'u1', sid: 'session-a' }, pair(2));
  expect(await check(rotated, await cookiesOf(pair(2)), ['refresh-2'])).toEqual({
    ok: false,
    reason: 'stale',
  });
});

test('anything that is not a ticket sealed with this secret is refused', async () => {
  const foreign = await createTickets({
    secret: () => 'another-secret-another-secret-x',
    tokenPairSchema,
  }).seal({ sub: 'u1', sid: 'session-a' }, pair(2));
  expect(await check(foreign, await cookiesOf(pair(2)))).toEqual({ ok: false, reason: 'invalid' });
  expect(await check('{"user":{"id":"u1"}}', await cookiesOf(pair(2)))).toEqual({
    ok: false,
    reason: 'invalid',
  });
});
