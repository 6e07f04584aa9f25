import 'server-only';
import type { JWT } from 'next-auth/jwt';
import * as claims from 'token-reissue/next';
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

export { newSessionId } from 'token-reissue/next';

/** The session cookie's content for a token pair from the API, in session `sid`. */
export function sessionFromTokens(tokens: TokenPair, sid: string): JWT {
  return { ...claims.sessionFromTokens(tokens, sid) };
}

/** The session JWT after a reissue: same subject, session id and claims, new token pair. */
export function withTokens(session: JWT, tokens: TokenPair): JWT {
  return claims.withTokens(session, tokens);
}
