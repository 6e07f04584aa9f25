import { expect, test } from 'vitest';
import { safeReturnUrl } from '@/lib/server/return-url';
import { credentialsSchema } from '@/lib/validations/auth';

const form = { csrfToken: 'c', callbackUrl: '/', json: 'true', redirect: 'false' };

test('credentials accept exactly email + password, or a reissue ticket, plus next-auth form fields', () => {
  expect(
    credentialsSchema.safeParse({ ...form, email: 'a@example.com', password: 'pw' }).success,
  ).toBe(true);
  expect(credentialsSchema.safeParse({ ...form, reissue: 'sealed' }).success).toBe(true);
});

test.each([
  ['a forged user', { user: '{"id":"1"}' }],
  [
    'an access token beside the password',
    { email: 'a@example.com', password: 'pw', accessToken: 'x' },
  ],
  ['an id beside a ticket', { reissue: 'sealed', id: '1' }],
  ['a refresh token beside a ticket', { reissue: 'sealed', refreshToken: 'r' }],
  ['both shapes at once', { email: 'a@example.com', password: 'pw', reissue: 'sealed' }],
  ['nothing', {}],
  ['an empty ticket', { reissue: '' }],
  ['a bad email', { email: 'not-an-email', password: 'pw' }],
])('credentials with %s are refused', (_, fields) => {
  expect(credentialsSchema.safeParse({ ...form, ...fields }).success).toBe(false);
});

test.each([
  ['/posts?x=1', '/posts?x=1'],
  ['/', '/'],
  ['https://evil.test/', '/'],
  ['//evil.test/path', '/'],
  ['/\\evil.test', '/'],
  ['/signin?callbackUrl=/x', '/'],
  [undefined, '/'],
  [['/a', '/b'], '/'],
])('return URL %j becomes %j', (input, expected) => {
  expect(safeReturnUrl(input)).toBe(expected);
});
