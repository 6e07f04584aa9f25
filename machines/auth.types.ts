/** Types shared by the auth machine, its browser wiring and the http layer. */

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
