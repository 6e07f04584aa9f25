/**
 * What a failed call to an OpenID provider means for the session, in the two kinds the machine
 * knows. Only `invalid_grant` from the token endpoint (RFC 6749 §5.2: the refresh token is
 * invalid, expired, revoked, or was issued to another client; a strict provider answers it for
 * a replayed rotated token) ends the session. Everything else is transient or a configuration
 * fault the person cannot fix by signing in again: network errors, timeouts, 5xx, 429, an
 * unexpected answer, `invalid_client`. Read by shape (`error`, `status`, `code`), so openid-client
 * need not be loaded to tell them apart.
 */
import type { ReissueFailureCode } from '../../errors';
import type { UnavailableCause } from '../auth-backend';

export interface ProviderFailure {
  code: ReissueFailureCode;
  cause: UnavailableCause | 'rejected';
  /** For logs: never carries a token. */
  reason: string;
}

interface ErrorShape {
  name?: unknown;
  code?: unknown;
  error?: unknown;
  status?: unknown;
  message?: unknown;
  cause?: unknown;
}

const shape = (value: unknown): ErrorShape =>
  typeof value === 'object' && value !== null ? (value as ErrorShape) : {};

const TIMEOUT_CODES = new Set(['OAUTH_TIMEOUT', 'OAUTH_ABORT']);

export function classifyProviderError(error: unknown, what: string): ProviderFailure {
  const e = shape(error);
  if (typeof e.error === 'string' && typeof e.status === 'number') {
    // An OAuth error body (ResponseBodyError).
    if (e.error === 'invalid_grant' && e.status >= 400 && e.status < 500) {
      return { code: 'SESSION_EXPIRED', cause: 'rejected', reason: `${what}: invalid_grant` };
    }
    return {
      code: 'REISSUE_UNAVAILABLE',
      cause: e.status >= 400 && e.status < 500 ? 'rejected' : 'status',
      reason: `${what}: ${e.status} ${e.error}`,
    };
  }
  if (typeof e.code === 'string' && TIMEOUT_CODES.has(e.code)) {
    return { code: 'REISSUE_UNAVAILABLE', cause: 'timeout', reason: `${what}: timed out` };
  }
  if (e.name === 'TimeoutError' || e.name === 'AbortError') {
    return { code: 'REISSUE_UNAVAILABLE', cause: 'timeout', reason: `${what}: timed out` };
  }
  if (error instanceof TypeError) {
    // fetch rejects with a TypeError when no answer came (refused, reset, DNS).
    return { code: 'REISSUE_UNAVAILABLE', cause: 'network', reason: `${what}: ${error.message}` };
  }
  const status = shape(e.cause).status;
  if (typeof status === 'number') {
    // An answer that is not an OAuth error body: a 5xx page, a 429, a proxy's HTML.
    return { code: 'REISSUE_UNAVAILABLE', cause: 'status', reason: `${what}: HTTP ${status}` };
  }
  const message = typeof e.message === 'string' ? e.message : String(error);
  return { code: 'REISSUE_UNAVAILABLE', cause: 'malformed', reason: `${what}: ${message}` };
}
