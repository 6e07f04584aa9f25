/** Typed failures of authenticated requests. Compare `code`, never the message. */
export type AuthErrorCode = 'SESSION_EXPIRED' | 'REISSUE_UNAVAILABLE' | 'NOT_SIGNED_IN';

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

export function isAuthRequestError(error: unknown): error is AuthRequestError {
  return error instanceof AuthRequestError;
}
