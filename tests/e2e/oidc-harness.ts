/**
 * What the OpenID browser tests share: signing in through the test provider's login page, the
 * provider's counters as before/after deltas, and the session cookie as the server reads it.
 */
import type { BrowserContext, Page } from 'playwright-core';
import type { ProviderCounts } from '../support/oidc-provider/process';
import { PROVIDER_NAME, type OidcStack } from '../support/oidc-stack';
import { CookieJar, decodeSession, DEMO } from './harness';

/** The provider's development login form: any login signs in, the login is the subject. */
export async function loginAtProvider(page: Page, login = DEMO.email): Promise<void> {
  await page.getByPlaceholder('Enter any login').fill(login);
  await page.getByPlaceholder('and password').fill('any password works here');
  await page.getByRole('button', { name: 'Sign-in' }).click();
}

/** Opens `path`, is sent to sign-in, signs in at the provider and lands back on `path`. */
export async function signInWithProvider(page: Page, appUrl: string, path = '/'): Promise<void> {
  await page.goto(`${appUrl}${path}`);
  await page.getByRole('button', { name: `Sign in with ${PROVIDER_NAME}` }).click();
  await loginAtProvider(page);
  await page.waitForURL(`${appUrl}${path}`);
}

export interface ProviderDelta {
  refreshGrants: number;
  codeGrants: number;
  grantsRevoked: number;
  replays: number;
  invalidGrants: number;
  endSessions: number;
  serverErrors: number;
}

/** What the provider did since `before`. */
export async function providerDelta(
  stack: Pick<OidcStack, 'provider'>,
  before: ProviderCounts,
): Promise<ProviderDelta> {
  const after = await stack.provider.counts();
  return {
    refreshGrants: after.refreshGrants - before.refreshGrants,
    codeGrants: after.codeGrants - before.codeGrants,
    grantsRevoked: after.grantsRevoked - before.grantsRevoked,
    replays: after.replays - before.replays,
    invalidGrants: (after.grantErrors.invalid_grant ?? 0) - (before.grantErrors.invalid_grant ?? 0),
    endSessions: after.endSessions - before.endSessions,
    serverErrors: after.serverErrors - before.serverErrors,
  };
}

/** The browser's session cookie, decrypted as the Next server reads it. */
export async function browserSession(context: BrowserContext, secret: string) {
  const cookies = (await context.cookies()).filter((c) => c.name.startsWith('next-auth.session'));
  return decodeSession(new CookieJar(cookies.map((c) => [c.name, c.value])), secret);
}

/** The same cookies as a jar, for page loads made without the browser. */
export async function jarOf(context: BrowserContext, url: string): Promise<CookieJar> {
  return new CookieJar((await context.cookies(url)).map((c) => [c.name, c.value]));
}
