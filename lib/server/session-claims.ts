import 'server-only';
import { randomBytes } from 'node:crypto';
import type { JWT } from 'next-auth/jwt';
import { sessionTokenSchema, type TokenPair } from '@/lib/validations/auth';

/**
 * What the session cookie holds for this app: the API's token pair, the user, the subject and
 * a session id. The cookie itself is read and written only by the session store
 * (`lib/server/session-store.ts`).
 */

/** Cookie lifetime; the session's real end is the refresh token's family expiry, checked in `jwt`. */
export const SESSION_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;

/** True when `value` (a decoded JWT) has every field a session needs. */
export function isSession(value: unknown): value is JWT {
  return sessionTokenSchema.safeParse(value).success;
}

/** A fresh session id, made once per sign-in. */
export function newSessionId(): string {
  return randomBytes(16).toString('base64url');
}

/** The session cookie's content for a token pair from the API, in session `sid`. */
export function sessionFromTokens(tokens: TokenPair, sid: string): JWT {
  return {
    sub: tokens.user.id,
    sid,
    user: tokens.user,
    accessToken: tokens.accessToken,
    accessTokenExpiresAt: tokens.accessTokenExpiresAt,
    refreshToken: tokens.refreshToken,
    refreshTokenExpiresAt: tokens.refreshTokenExpiresAt,
  };
}

/** The session JWT after a reissue: same subject, session id and claims, new token pair. */
export function withTokens(session: JWT, tokens: TokenPair): JWT {
  return { ...session, ...sessionFromTokens(tokens, session.sid) };
}
