/**
 * The app's one instance of the core session store: every session-cookie read, write and clear
 * in the app goes through `sessionStore()`, so the cookie format lives in one place.
 */
import 'server-only';
import { decode, encode, type JWT } from 'next-auth/jwt';
import { authSecret, config } from '@/lib/config';
import { createSessionStore, type SessionStore } from 'token-reissue/server';
import { isSession, SESSION_MAX_AGE_SECONDS } from './session-claims';

let store: SessionStore<JWT> | undefined;

/**
 * This app's one session store: next-auth's cookie name and encryption (its own `encode` and
 * `decode`, with the app's secret), the session schema. Every session-cookie read, write and
 * clear goes through it: the proxy, the reissue route, `authorize()`, serverAuth, the sign-in
 * action. Built on first use, so `next build` needs no secret.
 */
export function sessionStore(): SessionStore<JWT> {
  store ??= createSessionStore<JWT>({
    cookieName: `${config().secureCookies ? '__Secure-' : ''}next-auth.session-token`,
    secure: config().secureCookies,
    maxAgeSeconds: SESSION_MAX_AGE_SECONDS,
    encode: (token, maxAge) => encode({ token, secret: authSecret(), maxAge }),
    decode: (raw) => decode({ token: raw, secret: authSecret() }),
    parse: (value) => (isSession(value) ? value : null),
  });
  return store;
}
