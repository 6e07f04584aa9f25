/** Types shared by the auth machine, its browser wiring and the http layer. */

import type { TokenClock } from './auth.timing';

export interface SessionUser {
  id: string;
  email: string;
  penName: string;
  fieldImage: string | null;
}

/** What the browser may know about a session: never the refresh token. */
export interface ClientSession {
  accessToken: string;
  /** Epoch milliseconds. */
  accessTokenExpiresAt: number;
  user: SessionUser;
  /** The server's clock (epoch ms) when it produced this answer; corrects the browser's clock. */
  serverNow?: number;
}

/** What the `reissue` actor resolves with. `reissue` is the sealed ticket for `persistSession`. */
export interface ReissueResult extends ClientSession {
  /** Sealed ticket to persist with signIn; null when another tab already persisted this session. */
  reissue: string | null;
}

export type ReissueFailureCode = 'SESSION_EXPIRED' | 'REISSUE_UNAVAILABLE';

export interface AuthError {
  code: ReissueFailureCode;
  message: string;
}

/** Why proactive reissue stopped for this session; reissues after a 401 still run. */
export interface BreakerTrip {
  reason: string;
  /** Local epoch milliseconds. */
  at: number;
}

export interface AuthContext extends TokenClock {
  accessToken: string | null;
  user: ClientSession['user'] | null;
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

export type AuthEvent =
  /** `fromOtherTab`: another tab of this browser sent it (its reissue or sign-in). */
  | { type: 'SESSION_UPDATE'; session: ClientSession | null; fromOtherTab?: boolean }
  | { type: 'TOKEN_REJECTED'; token: string }
  /** The tab became visible, came online or woke from sleep, or a request found its token expiring. */
  | { type: 'WAKE' }
  | { type: 'SIGN_OUT' }
  /** A person asked to try a failed reissue again now. */
  | { type: 'RETRY' };

export interface ReissueInput {
  accessToken: string | null;
}
