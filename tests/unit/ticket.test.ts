import { randomBytes } from 'node:crypto';
import { afterEach, beforeAll, expect, test, vi } from 'vitest';

process.env.NEXTAUTH_SECRET = randomBytes(32).toString('base64url');
let ticket: typeof import('@/lib/auth/ticket');
beforeAll(async () => {
  ticket = await import('@/lib/auth/ticket');
});
afterEach(() => {
  vi.useRealTimers();
});

const tokens = {
  accessToken: 'access-2',
  accessTokenExpiresAt: Date.now() + 60_000,
  refreshToken: 'refresh-2',
  refreshTokenExpiresAt: Date.now() + 86_400_000,
  user: { id: 'user-a', email: 'a@example.com', penName: 'A', fieldImage: null },
};

const A = { sub: 'user-a', sid: 'session-of-a-0001' };
const B = { sub: 'user-b', sid: 'session-of-b-0001' };

test('a ticket opens for the session it was sealed for and yields the token pair and its id', async () => {
  const sealed = await ticket.sealTicket(A, tokens);
  expect(sealed).not.toContain('refresh-2');
  expect(await ticket.openTicket(sealed, A)).toEqual({
    ok: true,
    tokens,
    id: expect.stringMatching(/^[0-9a-f-]{36}$/),
    expiresAt: expect.any(Number),
  });
});

test('every ticket has its own id, so single use is per ticket', async () => {
  const first = await ticket.openTicket(await ticket.sealTicket(A, tokens), A);
  const second = await ticket.openTicket(await ticket.sealTicket(A, tokens), A);
  expect(first.ok && second.ok && first.id !== second.id).toBe(true);
});

test("a ticket presented in another user's session is refused", async () => {
  const sealed = await ticket.sealTicket(A, tokens);
  expect(await ticket.openTicket(sealed, B)).toEqual({ ok: false, reason: 'wrong-subject' });
  expect(await ticket.openTicket(sealed, undefined)).toEqual({
    ok: false,
    reason: 'wrong-subject',
  });
});

test('a ticket presented in another session of the same user is refused', async () => {
  const sealed = await ticket.sealTicket(A, tokens);
  expect(await ticket.openTicket(sealed, { sub: 'user-a', sid: 'another-session-01' })).toEqual({
    ok: false,
    reason: 'wrong-session',
  });
  expect(await ticket.openTicket(sealed, { sub: 'user-a' })).toEqual({
    ok: false,
    reason: 'wrong-session',
  });
});

test('a tampered ticket is refused', async () => {
  const sealed = await ticket.sealTicket(A, tokens);
  const parts = sealed.split('.');
  const ciphertext = parts[3]!;
  parts[3] = (ciphertext[0] === 'A' ? 'B' : 'A') + ciphertext.slice(1);
  expect(await ticket.openTicket(parts.join('.'), A)).toEqual({
    ok: false,
    reason: 'invalid',
  });
  expect(await ticket.openTicket('{"user":{"id":"user-a"}}', A)).toEqual({
    ok: false,
    reason: 'invalid',
  });
});

test('a ticket older than its 60 s lifetime is refused', async () => {
  vi.useFakeTimers({ now: Date.now(), toFake: ['Date'] });
  const sealed = await ticket.sealTicket(A, tokens);
  vi.setSystemTime(Date.now() + (ticket.TICKET_TTL_SECONDS + 1) * 1000);
  expect(await ticket.openTicket(sealed, A)).toEqual({ ok: false, reason: 'expired' });
});

test('a ticket whose tokens belong to another user than its subject is refused', async () => {
  const sealed = await ticket.sealTicket(B, tokens);
  expect(await ticket.openTicket(sealed, B)).toEqual({ ok: false, reason: 'invalid' });
});
