/** Types the auth machine shares with its browser wiring and the http layer, generic over the user. */
import type { ReissueFailure } from '../errors';
import type { BaseUser, ClientSession } from '../types';
import type { TokenClock } from './auth.timing';

export type { BaseUser, ClientSession, ReissueResult } from '../types';
export type { ReissueFailureCode } from '../errors';

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
}

export type AuthEvent<U extends BaseUser = BaseUser> =
  /** `fromOtherTab`: another tab of this browser sent it (its reissue or sign-in). */
  | { type: 'SESSION_UPDATE'; session: ClientSession<U> | null; fromOtherTab?: boolean }
  | { type: 'TOKEN_REJECTED'; token: string }
  /** The tab became visible, came online or woke from sleep, or a request found its token expiring. */
  | { type: 'WAKE' }
  | { type: 'SIGN_OUT' }
  /** A person asked to try a failed reissue again now. */
  | { type: 'RETRY' };

export interface ReissueInput {
  accessToken: string | null;
}
