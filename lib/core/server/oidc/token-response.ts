/**
 * A token endpoint's answer (RFC 6749 §5.1, at sign-in or on a refresh) as the session's token
 * pair. Pure, so the sign-in glue and the refresh adapter read answers the same way:
 * - the access token expires `expires_in` seconds from now (next-auth's TokenSet has turned
 *   that into `expires_at` seconds already; the JWT's own `exp` is the last resort);
 * - a refresh token in the answer replaces the presented one; an answer without one (a provider
 *   that does not rotate) keeps the presented one;
 * - the refresh token's lifetime is `refresh_expires_in` (Keycloak) or its own `exp` when it is
 *   a JWT; providers that say nothing are bounded by the session cookie's lifetime.
 */
import { decodeJwt } from 'jose';
import type { TokenPair } from '../auth-backend';
import type { BaseUser } from '../../types';

/** The fields of a token endpoint answer the pair is made of. */
export interface TokenEndpointAnswer {
  access_token: string;
  /** Seconds from now. */
  expires_in?: number;
  /** Epoch seconds (next-auth's TokenSet computes it from `expires_in`). */
  expires_at?: number;
  refresh_token?: string;
  id_token?: string;
  /** Seconds the refresh token stays usable (Keycloak); 0 means no stated limit. */
  refresh_expires_in?: number;
}

/** An opaque refresh token with no stated lifetime: the session cookie's 30 days bound it. */
export const UNKNOWN_REFRESH_LIFETIME_MS = 30 * 24 * 60 * 60_000;

export type PairResult<U extends BaseUser> =
  { ok: true; tokens: TokenPair<U> } | { ok: false; reason: string };

function jwtExpiry(token: string): number | null {
  try {
    const { exp } = decodeJwt(token);
    return typeof exp === 'number' && Number.isFinite(exp) && exp > 0 ? exp * 1000 : null;
  } catch {
    return null;
  }
}

const positive = (value: number | undefined): value is number =>
  typeof value === 'number' && Number.isFinite(value) && value > 0;

export function tokenPairFromAnswer<U extends BaseUser>(
  answer: TokenEndpointAnswer,
  user: U,
  { presentedRefreshToken, now = Date.now() }: { presentedRefreshToken?: string; now?: number },
): PairResult<U> {
  const accessTokenExpiresAt = positive(answer.expires_in)
    ? now + answer.expires_in * 1000
    : positive(answer.expires_at)
      ? answer.expires_at * 1000
      : jwtExpiry(answer.access_token);
  if (accessTokenExpiresAt === null) {
    return { ok: false, reason: 'the answer has no expires_in and the access token no exp' };
  }
  const refreshToken = answer.refresh_token || presentedRefreshToken;
  if (!refreshToken) {
    return {
      ok: false,
      reason:
        'the provider issued no refresh token (allow the refresh_token grant and offline_access)',
    };
  }
  const refreshTokenExpiresAt = positive(answer.refresh_expires_in)
    ? now + answer.refresh_expires_in * 1000
    : (jwtExpiry(refreshToken) ?? now + UNKNOWN_REFRESH_LIFETIME_MS);
  return {
    ok: true,
    tokens: {
      accessToken: answer.access_token,
      accessTokenExpiresAt,
      refreshToken,
      refreshTokenExpiresAt,
      user,
      ...(answer.id_token ? { idToken: answer.id_token } : {}),
    },
  };
}
