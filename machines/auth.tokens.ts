/**
 * Reading a snapshot of the auth machine from outside: which token a request may carry now,
 * whether it should wake the machine first, and what a reissue failure means. Pure.
 */
import { isExpiring } from './auth.timing';
import type { AuthContext, AuthError } from './auth.types';

type MatchableSnapshot = {
  matches: (state: 'authenticated' | { refreshing: 'proactive' }) => boolean;
  context: AuthContext;
};

/**
 * The token a request may carry now: while authenticated, and during a proactive reissue as
 * long as the current token is not within its safety margin of expiry. Never while a reactive
 * reissue runs, nor in expired or signedOut.
 */
export function usableToken(snapshot: MatchableSnapshot, now = Date.now()): string | null {
  if (snapshot.matches('authenticated')) return snapshot.context.accessToken;
  if (snapshot.matches({ refreshing: 'proactive' }) && !isExpiring(snapshot.context, now)) {
    return snapshot.context.accessToken;
  }
  return null;
}

/** A request about to leave with an expiring token should first let the machine reissue (`WAKE`). */
export function shouldWakeBeforeSending(snapshot: MatchableSnapshot, now = Date.now()): boolean {
  return snapshot.matches('authenticated') && isExpiring(snapshot.context, now);
}

/** Errors from the `reissue` actor carry a `code`; anything else is treated as transient. */
export function toAuthError(error: unknown): AuthError {
  const fields =
    typeof error === 'object' && error !== null ? (error as Record<string, unknown>) : {};
  const message =
    error instanceof Error
      ? error.message
      : typeof fields.message === 'string'
        ? fields.message
        : String(error);
  const code = fields.code;
  return code === 'SESSION_EXPIRED' ? { code, message } : { code: 'REISSUE_UNAVAILABLE', message };
}
