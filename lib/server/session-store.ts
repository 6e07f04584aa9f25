/**
 * The app's one instance of the core session store: every session-cookie read, write and clear
 * in the app goes through `sessionStore()`, so the cookie format lives in one place.
 */
import 'server-only';
import type { JWT } from 'next-auth/jwt';
import { authSecret, config } from '@/lib/config';
import type { SessionStore } from 'token-reissue/server';
import { createNextAuthSessionStore } from 'token-reissue/next';
import { isSession, SESSION_MAX_AGE_SECONDS } from './session-claims';

let store: SessionStore<JWT> | undefined;

/**
 * This app's one session store: next-auth's cookie name and flags for NEXTAUTH_URL and its own
 * encryption with the app's secret (the package's next-auth store), the session schema. Every
 * session-cookie read, write and clear goes through it: the proxy, the reissue route,
 * `authorize()`, serverAuth, the sign-in action. Built on first use, so `next build` needs no
 * secret.
 */
export function sessionStore(): SessionStore<JWT> {
  store ??= createNextAuthSessionStore<JWT>({
    url: config().NEXTAUTH_URL,
    secret: authSecret,
    maxAgeSeconds: SESSION_MAX_AGE_SECONDS,
    parse: (value) => (isSession(value) ? value : null),
  });
  return store;
}
