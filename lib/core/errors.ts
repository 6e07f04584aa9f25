/**
 * The one failure vocabulary. A reissue fails in one of two ways the whole system tells apart:
 * the refresh token is dead (`SESSION_EXPIRED`: sign in again) or the failure is transient
 * (`REISSUE_UNAVAILABLE`: keep the session, try again). A request can also find no session
 * (`NOT_SIGNED_IN`), or be refused by its route although the session is fine
 * (`REQUEST_REFUSED`: a reissue would not help). The machine's error record, the server reissue outcome, the API adapters,
 * the browser reissue client and the typed request errors all take their codes from here.
 * Compare `code`, never the message.
 */

import type { ReissueFailure, ReissueFailureCode } from '../../machines/auth.types';

export type { ReissueFailure, ReissueFailureCode };

export const REISSUE_FAILURE_CODES = [
  'SESSION_EXPIRED',
  'REISSUE_UNAVAILABLE',
] as const satisfies readonly ReissueFailureCode[];

export type AuthErrorCode = ReissueFailureCode | 'NOT_SIGNED_IN' | 'REQUEST_REFUSED';

export function isReissueFailureCode(value: unknown): value is ReissueFailureCode {
  return (REISSUE_FAILURE_CODES as readonly unknown[]).includes(value);
}

export abstract class AuthRequestError extends Error {
  abstract readonly code: AuthErrorCode;
  abstract readonly retryable: boolean;
}

/** The refresh token is dead (expired, revoked or reused): the person must sign in again. */
export class SessionExpiredError extends AuthRequestError {
  readonly code = 'SESSION_EXPIRED' as const;
  readonly retryable = false;
  override readonly name = 'SessionExpiredError';
  constructor(message = 'Your session has ended. Please sign in again.') {
    super(message);
  }
}

/** Reissue failed for a transient reason (network, 5xx, timeout); the session is kept. */
export class ReissueUnavailableError extends AuthRequestError {
  readonly code = 'REISSUE_UNAVAILABLE' as const;
  readonly retryable = true;
  override readonly name = 'ReissueUnavailableError';
  constructor(message = 'Could not renew your session right now. Try again in a moment.') {
    super(message);
  }
}

/** There is no session to attach. */
export class NotSignedInError extends AuthRequestError {
  readonly code = 'NOT_SIGNED_IN' as const;
  readonly retryable = false;
  override readonly name = 'NotSignedInError';
  constructor(message = 'You are not signed in.') {
    super(message);
  }
}

/**
 * The API refused this request although the session is fine: it rejected a token issued moments
 * before (some APIs answer 401 where 403 is meant), or kept rejecting every good token it was
 * given. Not a session problem, so no reissue, no "session ended"; retrying will not help.
 */
export class RequestRefusedError extends AuthRequestError {
  readonly code = 'REQUEST_REFUSED' as const;
  readonly retryable = false;
  override readonly name = 'RequestRefusedError';
  constructor(message = 'The API refused this request. You are still signed in.') {
    super(message);
  }
}

/** The typed error for a reissue failure code. */
export function reissueError(
  code: ReissueFailureCode,
  message?: string,
): SessionExpiredError | ReissueUnavailableError {
  return code === 'SESSION_EXPIRED'
    ? new SessionExpiredError(message)
    : new ReissueUnavailableError(message);
}

export function isAuthRequestError(error: unknown): error is AuthRequestError {
  return error instanceof AuthRequestError;
}
