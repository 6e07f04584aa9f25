/**
 * The types every part of the core shares, generic over the app's user. The core reads one
 * field of a user, its `id` (sessions and reissue tickets are bound to it); everything else
 * about a user (names, pictures, roles) is the app's, declared once where next-auth's types
 * are augmented.
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
