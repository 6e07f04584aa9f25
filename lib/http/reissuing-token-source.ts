import {
  isAuthRequestError,
  NotSignedInError,
  ReissueUnavailableError,
  SessionExpiredError,
  type AuthRequestError,
} from '@/lib/auth/errors';
import { REISSUE_TIMEOUT_MS, toAuthError } from '@/machines/auth.machine';
import type { TokenSource } from './auth-interceptors';

/** How long a finished reissue still answers for the token it replaced (late 401s of the same wave). */
export const REISSUE_REUSE_MS = 10_000;

export interface ReissuingTokenSourceOptions {
  /** The access token a request may carry now (e.g. from the session cookie); null when signed out. */
  getToken: () => string | null | Promise<string | null>;
  /**
   * Exchanges the refresh token behind `rejected` for a new access token and persists it where the
   * context allows. Reject with an error whose `code` is `'SESSION_EXPIRED'` when the refresh token
   * is dead; any other failure counts as transient.
   */
  reissue: (rejected: string, signal: AbortSignal) => Promise<string>;
  /** Upper bound for one reissue; `signal` is aborted when it passes. */
  timeoutMs?: number;
  reuseMs?: number;
}

/**
 * Tokens from plain functions, for the Next server where there is no actor. One reissue per
 * rejected token at a time: create the source once per process and every request whose session
 * carries that token joins the same reissue.
 */
export function reissuingTokenSource({
  getToken,
  reissue,
  timeoutMs = REISSUE_TIMEOUT_MS,
  reuseMs = REISSUE_REUSE_MS,
}: ReissuingTokenSourceOptions): TokenSource {
  /** Reissues by the token they replace: while in flight, then `reuseMs` longer if they succeeded. */
  const flights = new Map<string, Promise<string>>();
  let inFlight = 0;

  function reissueOnce(rejected: string): Promise<string> {
    const existing = flights.get(rejected);
    if (existing) return existing;
    inFlight += 1;
    const flight = withTimeout((signal) => reissue(rejected, signal), timeoutMs)
      .catch((error: unknown) => {
        throw toRequestError(error);
      })
      .finally(() => {
        inFlight -= 1;
      });
    flights.set(rejected, flight);
    flight.then(
      () => forgetLater(() => flights.delete(rejected), reuseMs),
      () => flights.delete(rejected),
    );
    return flight;
  }

  return {
    // Process-wide, so it may count a request as waiting that only waits on another session's reissue.
    isRenewing: () => inFlight > 0,

    async acquire() {
      const token = await getToken();
      if (!token) throw new NotSignedInError();
      return flights.get(token) ?? token;
    },

    async renew(rejected) {
      const joined = flights.get(rejected);
      if (joined) return joined;
      const current = await getToken();
      if (!current) throw new NotSignedInError();
      return current !== rejected ? current : reissueOnce(rejected);
    },
  };
}

function withTimeout<T>(run: (signal: AbortSignal) => Promise<T>, timeoutMs: number): Promise<T> {
  const controller = new AbortController();
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      controller.abort();
      reject(new ReissueUnavailableError());
    }, timeoutMs);
    run(controller.signal)
      .then(resolve, reject)
      .finally(() => clearTimeout(timer));
  });
}

function forgetLater(forget: () => void, ms: number): void {
  const timer = setTimeout(forget, ms);
  // A remembered result must not keep a Node process alive.
  if (typeof timer === 'object' && 'unref' in timer) timer.unref();
}

function toRequestError(error: unknown): AuthRequestError {
  if (isAuthRequestError(error)) return error;
  return toAuthError(error).code === 'SESSION_EXPIRED'
    ? new SessionExpiredError()
    : new ReissueUnavailableError();
}
