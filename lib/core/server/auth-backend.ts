/**
 * The one contract between the app and an API server that issues access and refresh tokens.
 * Everything (sign-in, sign-up, the reissue route, the proxy, serverAuth, sign-out) talks to an
 * `AuthBackend`; adapters translate a particular API's paths, shapes, headers and status codes
 * into these results. Adapters never throw: every outcome is a value, so a surprise from the
 * API (a new field layout, an HTML error page) is a logged, typed failure instead of a crash in
 * a proxy or a route handler. Generic over the app's user and its sign-up input.
 */
import type { ReissueFailureCode } from '../errors';
import type { BaseUser } from '../types';

/** What the app keeps after login, sign-up and reissue. Times are epoch milliseconds. */
export interface TokenPair<U extends BaseUser = BaseUser> {
  accessToken: string;
  accessTokenExpiresAt: number;
  refreshToken: string;
  refreshTokenExpiresAt: number;
  user: U;
  /** OpenID Connect only: the latest ID token, kept for the logout's `id_token_hint`. */
  idToken?: string;
}

/** Why an unavailable answer was unusable; `malformed` means the API's shape was not understood. */
export type UnavailableCause = 'network' | 'timeout' | 'status' | 'malformed';

/** Why login or sign-up did not produce tokens. */
export type BackendFailure =
  /** The API refused the request (4xx): wrong password, taken email, rate limited, … */
  | { kind: 'rejected'; status: number; error: string }
  /** No usable answer: network, timeout, 5xx, or a body that failed validation. */
  | { kind: 'unavailable'; cause: UnavailableCause; reason: string };

export type BackendResult<T> = { ok: true; value: T } | { ok: false; failure: BackendFailure };

/**
 * A reissue's outcome in the two failure kinds the auth machine knows: `SESSION_EXPIRED` (the
 * refresh token is dead: expired, revoked or reused) or `REISSUE_UNAVAILABLE` (transient: try
 * again). Each adapter decides which of its API's answers mean which.
 */
export type ReissueOutcome<U extends BaseUser = BaseUser> =
  { ok: true; tokens: TokenPair<U> } | { ok: false; code: ReissueFailureCode; reason: string };

/** What the Next server knows about the browser's request, for APIs that rate-limit by address. */
export interface RequestContext {
  clientAddress?: string;
}

export interface AuthBackend<U extends BaseUser = BaseUser, SignUpInput = never> {
  /** Which adapter this is, for logs. */
  readonly name: string;
  login(
    email: string,
    password: string,
    context?: RequestContext,
  ): Promise<BackendResult<TokenPair<U>>>;
  /** Absent when the API has no sign-up; the sign-up page then says so. */
  signUp?(input: SignUpInput, context?: RequestContext): Promise<BackendResult<TokenPair<U>>>;
  /** Trades the refresh token for a new pair. Called once per rotation by the coordinator. */
  reissue(refreshToken: string): Promise<ReissueOutcome<U>>;
  /** Ends the refresh token's family on the API; best effort, never throws. */
  logout(refreshToken: string): Promise<void>;
  /** The signed-in user, for APIs whose token answers carry none. */
  loadUser(accessToken: string): Promise<BackendResult<U>>;
}

/** Where an adapter finds its API, and how long one call may take. */
export interface BackendEndpoint {
  baseUrl: string;
  timeoutMs: number;
}
