/**
 * Types the auth machine shares with its browser wiring and the http layer, generic over the
 * user. They live beside the chart so `machines/` depends on xstate alone; lib/core re-exports
 * them (`lib/core/types.ts`, `lib/core/errors.ts`).
 */
import type { Refusal, TokenClock } from './auth.timing';

export type { Refusal } from './auth.timing';

/**
 * The core reads one field of a user, its `id` (sessions and reissue tickets are bound to it);
 * everything else about a user (names, pictures, roles) is the app's, declared once where
 * next-auth's types are augmented.
 */
export interface BaseUser {
  id: string;
}

/** What the browser may know about a session: never the refresh token. */
export interface ClientSession<U extends BaseUser = BaseUser> {
  accessToken: string;
  /** Epoch milliseconds. */
  accessTokenExpiresAt: number;
  user: U;
  /** The server's clock (epoch ms) when it produced this answer; corrects the browser's clock. */
  serverNow?: number;
}

/** What the `reissue` actor resolves with: the new session and the sealed ticket to persist. */
export interface ReissueResult<U extends BaseUser = BaseUser> extends ClientSession<U> {
  /** Sealed ticket for `persistSession`; null when another tab already persisted this session. */
  ticket: string | null;
}

/**
 * The two ways a reissue fails: the refresh token is dead (`SESSION_EXPIRED`: sign in again),
 * or the failure is transient (`REISSUE_UNAVAILABLE`: keep the session, try again).
 */
export type ReissueFailureCode = 'SESSION_EXPIRED' | 'REISSUE_UNAVAILABLE';

/** A failed reissue as data: what the machine keeps in its context and the server returns. */
export interface ReissueFailure {
  code: ReissueFailureCode;
  message: string;
}

/** A failed reissue as the machine records it: a code from the one vocabulary and a message. */
export type AuthError = ReissueFailure;

/** Why proactive reissue stopped for this session; reissues after a 401 still run. */
export interface BreakerTrip {
  reason: string;
  /** Local epoch milliseconds. */
  at: number;
}

export interface AuthContext<U extends BaseUser = BaseUser> extends TokenClock {
  accessToken: string | null;
  user: U | null;
  /** Sealed ticket from the last reissue, consumed by `persistSession`. */
  ticket: string | null;
  /** The last failure; kept until a reissue succeeds or a new session arrives. */
  error: AuthError | null;
  /** Transient failures in a row; picks the next retry's delay (`retryDelay`). */
  retryAttempt: number;
  /** This tab's own reissues, since start. */
  reissueCount: number;
  /** Sessions adopted from another tab (its reissue or sign-in), since start. */
  adoptedCount: number;
  coalescedCount: number;
  /** Local times of this tab's reissues inside the breaker's window. */
  recentReissues: number[];
  /** Set when proactive reissue stopped for this session, and why. */
  breaker: BreakerTrip | null;
  /**
   * Local epoch ms when this tab's own reissue produced the current token; null when the token
   * came with a session (a sign-in, another tab's change). See `readsAsRefusal`.
   */
  reissuedAt: number | null;
  /** The current token, refused by a route moments after it was issued, and when (local ms). */
  refusal: Refusal | null;
  /** 401s the chart read as a route refusing a good token (no reissue), since start. */
  refusedCount: number;
  /**
   * The session ended outside this tab (a sign-out in another tab, a cookie that is gone), not
   * by this tab's own SIGN_OUT: the page offers to sign in again in place.
   */
  signedOutElsewhere: boolean;
}

export type AuthEvent<U extends BaseUser = BaseUser> =
  /** `fromOtherTab`: another tab of this browser sent it (its reissue or sign-in). */
  | { type: 'SESSION_UPDATE'; session: ClientSession<U> | null; fromOtherTab?: boolean }
  /**
   * `afterRenewal`: the request carried `token` straight from a reissue it waited for (its retry
   * after an earlier 401, or a request held back while that reissue ran): a rejection right after
   * a renewal.
   */
  | { type: 'TOKEN_REJECTED'; token: string; afterRenewal?: boolean }
  /** The tab became visible, came online or woke from sleep, or a request found its token expiring. */
  | { type: 'WAKE' }
  | { type: 'SIGN_OUT' }
  /** A person asked to try a failed reissue again now. */
  | { type: 'RETRY' };

export interface ReissueInput {
  accessToken: string | null;
}
