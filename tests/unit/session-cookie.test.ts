/**
 * The session cookie's name and flags for an `NEXTAUTH_URL`, compared with next-auth's own:
 * its core decides `useSecureCookies` as `parseUrl(NEXTAUTH_URL).base.startsWith('https://')`
 * and takes the cookie from `defaultCookies(useSecureCookies)`. Neither is in next-auth's
 * `exports` map, so they are loaded from the package's files by path; a next-auth upgrade that
 * changes either fails here.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { expect, test } from 'vitest';
import { sessionCookie, usesSecureCookies } from 'token-reissue/next';

const require = createRequire(import.meta.url);
const nextAuthDir = dirname(require.resolve('next-auth'));
const { defaultCookies } = require(join(nextAuthDir, 'core/lib/cookie.js')) as {
  defaultCookies(secure: boolean): {
    sessionToken: { name: string; options: Record<string, unknown> };
  };
};
const parseUrl = (
  require(join(nextAuthDir, 'utils/parse-url.js')) as {
    default(url?: string): { base: string };
  }
).default;

/** What next-auth itself sets for this NEXTAUTH_URL (core/init.js). */
function nextAuthSessionCookie(url: string | undefined) {
  return defaultCookies(parseUrl(url).base.startsWith('https://')).sessionToken;
}

test.each([
  ['http://localhost:3000', 'next-auth.session-token', false],
  ['http://app.example.com/base/api/auth', 'next-auth.session-token', false],
  ['https://app.example.com', '__Secure-next-auth.session-token', true],
  ['https://app.example.com:8443/base/api/auth', '__Secure-next-auth.session-token', true],
  ['HTTPS://APP.EXAMPLE.COM', '__Secure-next-auth.session-token', true],
  ['app.example.com', '__Secure-next-auth.session-token', true],
  [undefined, 'next-auth.session-token', false],
])('NEXTAUTH_URL %s: %s, secure %s, as next-auth names and flags it', (url, name, secure) => {
  const ours = sessionCookie(url);
  expect(ours).toEqual(nextAuthSessionCookie(url));
  expect(ours.name).toBe(name);
  expect(ours.options).toEqual({ httpOnly: true, sameSite: 'lax', path: '/', secure });
  expect(usesSecureCookies(url)).toBe(secure);
});

test('the app session store writes the https name with Secure, and reads only that name', async () => {
  const { createNextAuthSessionStore } = await import('token-reissue/next');
  const store = createNextAuthSessionStore<{ sid: string }>({
    url: 'https://app.example.com',
    secret: () => 'x'.repeat(32),
    maxAgeSeconds: 60,
    parse: (value) =>
      value && typeof value === 'object' && 'sid' in value ? (value as { sid: string }) : null,
  });
  const write = await store.write({ getAll: () => [] }, { sid: 's1' });
  expect(write.cookies.map((c) => [c.name, c.options.secure])).toEqual([
    ['__Secure-next-auth.session-token', true],
  ]);
  const [cookie] = write.cookies;
  expect(
    await store.read({ getAll: () => [{ name: cookie!.name, value: cookie!.value }] }),
  ).toMatchObject({ sid: 's1' });
  expect(
    await store.read({ getAll: () => [{ name: 'next-auth.session-token', value: cookie!.value }] }),
  ).toBeNull();
});
