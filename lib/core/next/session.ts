/**
 * What the next-auth session cookie (its encrypted JWT) holds for the reissue glue: the API's
 * token pair, the user, the subject and a session id. The session id is made at a password
 * sign-in and kept across reissues; reissue tickets are bound to it.
 */
import { randomBytes } from 'node:crypto';
import type { TokenPair } from '../server/auth-backend';
import type { BaseUser } from '../types';

/** The session cookie's claims the glue needs; an app's cookie may hold more. */
export type SessionClaims<U extends BaseUser = BaseUser> = TokenPair<U> & {
  /** next-auth's subject (the user's id); optional as in next-auth's own `JWT` type. */
  sub?: string;
  sid: string;
};

/** A fresh session id, made once per sign-in. */
export function newSessionId(): string {
  return randomBytes(16).toString('base64url');
}

/** The session cookie's content for a token pair from the API, in session `sid`. */
export function sessionFromTokens<U extends BaseUser>(
  tokens: TokenPair<U>,
  sid: string,
): SessionClaims<U> & { sub: string } {
  return {
    sub: tokens.user.id,
    sid,
    user: tokens.user,
    accessToken: tokens.accessToken,
    accessTokenExpiresAt: tokens.accessTokenExpiresAt,
    refreshToken: tokens.refreshToken,
    refreshTokenExpiresAt: tokens.refreshTokenExpiresAt,
    // An answer without a new ID token keeps the session's (see withTokens).
    ...(tokens.idToken ? { idToken: tokens.idToken } : {}),
  };
}

/** The session after a reissue: same subject, session id and other claims, the new pair. */
export function withTokens<U extends BaseUser, S extends SessionClaims<U>>(
  session: S,
  tokens: TokenPair<U>,
): S {
  return { ...session, ...sessionFromTokens(tokens, session.sid) };
}
