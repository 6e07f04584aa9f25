/**
 * The core session store (`../server/session-store.ts`) set up for next-auth 4: its cookie name
 * and flags for this `NEXTAUTH_URL`, and its own `encode`/`decode` with the app's secret, so the
 * cookie the proxy, the reissue route and `serverAuth` write is the one next-auth reads.
 */
import { decode, encode } from 'next-auth/jwt';
import { createSessionStore, type SessionStore } from '../server/session-store';
import { sessionCookie } from './cookies';

export interface NextAuthSessionStoreOptions<S> {
  /** `NEXTAUTH_URL`: an https URL makes the cookie `__Secure-next-auth.session-token`, Secure. */
  url: string | undefined;
  /** `NEXTAUTH_SECRET`, asked for on first use (so `next build` needs none). */
  secret(): string;
  /** next-auth's `session.maxAge`. */
  maxAgeSeconds: number;
  /** Checks a decrypted cookie has every field a session needs; anything else is no session. */
  parse(value: unknown): S | null;
}

type Token = NonNullable<Parameters<typeof encode>[0]['token']>;

export function createNextAuthSessionStore<S>(
  options: NextAuthSessionStoreOptions<S>,
): SessionStore<S> {
  const cookie = sessionCookie(options.url);
  return createSessionStore<S>({
    cookieName: cookie.name,
    secure: cookie.options.secure,
    maxAgeSeconds: options.maxAgeSeconds,
    encode: (session, maxAge) =>
      encode({ token: session as unknown as Token, secret: options.secret(), maxAge }),
    decode: (raw) => decode({ token: raw, secret: options.secret() }),
    parse: options.parse,
  });
}
