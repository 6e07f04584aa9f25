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

test('a ticket opens for the subject it was sealed for and yields the token pair', async () => {
  const sealed = await ticket.sealTicket('user-a', tokens);
  expect(sealed).not.toContain('refresh-2');
  expect(await ticket.openTicket(sealed, 'user-a')).toEqual({ ok: true, tokens });
});

test("a ticket presented in another user's session is refused", async () => {
  const sealed = await ticket.sealTicket('user-a', tokens);
  expect(await ticket.openTicket(sealed, 'user-b')).toEqual({ ok: false, reason: 'wrong-subject' });
  expect(await ticket.openTicket(sealed, undefined)).toEqual({
    ok: false,
    reason: 'wrong-subject',
  });
});

test('a tampered ticket is refused', async () => {
  const sealed = await ticket.sealTicket('user-a', tokens);
  const parts = sealed.split('.');
  const ciphertext = parts[3]!;
  parts[3] = (ciphertext[0] === 'A' ? 'B' : 'A') + ciphertext.slice(1);
  expect(await ticket.openTicket(parts.join('.'), 'user-a')).toEqual({
    ok: false,
    reason: 'invalid',
  });
  expect(await ticket.openTicket('{"user":{"id":"user-a"}}', 'user-a')).toEqual({
    ok: false,
    reason: 'invalid',
  });
});

test('a ticket older than its 60 s lifetime is refused', async () => {
  vi.useFakeTimers({ now: Date.now(), toFake: ['Date'] });
  const sealed = await ticket.sealTicket('user-a', tokens);
  vi.setSystemTime(Date.now() + (ticket.TICKET_TTL_SECONDS + 1) * 1000);
  expect(await ticket.openTicket(sealed, 'user-a')).toEqual({ ok: false, reason: 'expired' });
});

test('a ticket whose tokens belong to another user than its subject is refused', async () => {
  const sealed = await ticket.sealTicket('user-b', tokens);
  expect(await ticket.openTicket(sealed, 'user-b')).toEqual({ ok: false, reason: 'invalid' });
});
