/**
 * When a token expires, from whatever the API tells: an epoch-millisecond field, an
 * `expiresIn` in seconds, or the JWT's own `exp` claim. The claim is decoded, not verified:
 * the API verifies its own tokens on every request, and the app only needs to know when to
 * reissue. A token that is opaque and comes with no expiry has none we can know.
 */
import { decodeJwt } from 'jose';

export interface ExpirySources {
  /** Epoch milliseconds, as the reference API sends. */
  at?: number;
  /** Seconds from now, as OAuth-style APIs send. */
  inSeconds?: number;
  /** The token itself; its `exp` (epoch seconds) is read when it is a JWT. */
  token?: string;
}

/** The token's `exp` in epoch milliseconds, or null for an opaque token or one without `exp`. */
export function jwtExpiry(token: string): number | null {
  try {
    const { exp } = decodeJwt(token);
    return typeof exp === 'number' && Number.isFinite(exp) && exp > 0 ? exp * 1000 : null;
  } catch {
    return null;
  }
}

/** The first expiry the sources give, in epoch milliseconds; null when none does. */
export function resolveExpiry(sources: ExpirySources, now = Date.now()): number | null {
  if (sources.at !== undefined) return sources.at;
  if (sources.inSeconds !== undefined) return now + sources.inSeconds * 1000;
  return sources.token ? jwtExpiry(sources.token) : null;
}
