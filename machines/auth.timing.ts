/**
 * The auth machine's clock arithmetic, pure. The API's epochs are never compared with the
 * browser's `Date.now()` directly: the session and the reissue answer carry the server's `now`,
 * the machine keeps the difference (`clockOffset`), and every deadline below is on the local
 * clock. A browser clock off by hours therefore changes nothing.
 */

/** The proactive margin is min(this, lifetime / 4) before expiry. */
export const PROACTIVE_MARGIN_MAX_MS = 60_000;
/** Requests stop using a token this close to expiry (at most a tenth of its life) and wait for the next. */
export const EXPIRY_SAFETY_MARGIN_MAX_MS = 2_000;
/** No proactive reissue replaces a token younger than this: a floor against any timer loop. */
export const REISSUE_FLOOR_MS = 3_000;
/** After `BREAKER_LIMIT` of this tab's reissues inside `BREAKER_WINDOW_MS`, proactive reissue stops. */
export const BREAKER_LIMIT = 8;
export const BREAKER_WINDOW_MS = 60_000;
/**
 * A 401 for a token a request waited for (a retry, or a request held back during the reissue),
 * this soon after the reissue that produced it, is the route refusing the request, not the token
 * being dead: another reissue would be refused the same way.
 */
export const JUST_ISSUED_MS = 10_000;
/**
 * After a refusal, the same token's 401s are refusals too for this long: later bursts at that
 * route cost no reissue. A token really revoked meanwhile is reissued once this has passed.
 */
export const REFUSAL_MEMORY_MS = 30_000;
/** setTimeout fires at once for longer delays (a 32-bit overflow), which would reissue in a loop. */
export const MAX_TIMER_DELAY_MS = 2_147_483_647;

export interface TokenClock {
  /** API epoch milliseconds. */
  accessTokenExpiresAt: number | null;
  /** Local epoch milliseconds when this tab received the token. */
  accessTokenReceivedAt: number | null;
  /** Server clock minus local clock, measured when the token arrived. */
  clockOffset: number;
}

/**
 * Server clock minus local clock. `serverNow` is stamped when the answer was produced; without
 * it the previous estimate stands (0 at first), which is what an uncorrected client would do.
 */
export function measureOffset(
  serverNow: number | undefined,
  localNow: number,
  previous: number,
): number {
  return typeof serverNow === 'number' && Number.isFinite(serverNow)
    ? serverNow - localNow
    : previous;
}

/** When the token expires, on the local clock. */
export function localExpiry(clock: TokenClock, now: number): number {
  return (clock.accessTokenExpiresAt ?? now + clock.clockOffset) - clock.clockOffset;
}

function lifetime(clock: TokenClock, now: number): number {
  return Math.max(0, localExpiry(clock, now) - (clock.accessTokenReceivedAt ?? now));
}

function proactiveMargin(clock: TokenClock, now: number): number {
  return Math.min(PROACTIVE_MARGIN_MAX_MS, lifetime(clock, now) / 4);
}

/** The token is (nearly) dead: a request sent now could be refused before it arrives. */
export function isExpiring(clock: TokenClock, now: number): boolean {
  return now >= usableUntil(clock, now);
}

/**
 * Local epoch ms after which a request carrying the token may be refused for the token's age:
 * its expiry less the safety margin, on the corrected clock.
 */
export function usableUntil(clock: TokenClock, now: number): number {
  const safety = Math.min(EXPIRY_SAFETY_MARGIN_MAX_MS, lifetime(clock, now) / 10);
  return localExpiry(clock, now) - safety;
}

/** A token a route refused although it was good: its later 401s are refusals too, for a while. */
export interface Refusal {
  token: string;
  /** Local epoch milliseconds of the first refusal. */
  at: number;
}

export interface RefusalClock extends TokenClock {
  accessToken: string | null;
  /** Local epoch ms when this tab's reissue produced the current token; null for a session's. */
  reissuedAt: number | null;
  refusal: Refusal | null;
}

/**
 * A 401 that says "this route refuses the request", not "this token is dead", so a reissue would
 * not help: the current token, still good on the corrected clock, either already refused by a
 * route moments ago, or rejected for a request that waited for it, right after the reissue that
 * produced it (a retry, or a request held back while that reissue ran).
 * A 401 for a token near its expiry is never a refusal: the token may simply have run out.
 */
export function readsAsRefusal(
  clock: RefusalClock,
  rejection: { token: string; afterRenewal?: boolean },
  now: number,
): boolean {
  if (rejection.token !== clock.accessToken || isExpiring(clock, now)) return false;
  const { refusal, reissuedAt } = clock;
  if (refusal?.token === rejection.token && now - refusal.at < REFUSAL_MEMORY_MS) return true;
  return (
    rejection.afterRenewal === true && reissuedAt !== null && now - reissuedAt < JUST_ISSUED_MS
  );
}

/** Young tokens are kept: the floor between proactive reissues. */
export function isPastFloor(clock: TokenClock, now: number): boolean {
  return now - (clock.accessTokenReceivedAt ?? now) >= REISSUE_FLOOR_MS;
}

/** Inside the proactive margin and past the floor: a proactive reissue may start now. */
export function isDue(clock: TokenClock, now: number): boolean {
  return now >= localExpiry(clock, now) - proactiveMargin(clock, now) && isPastFloor(clock, now);
}

/**
 * Milliseconds from `now` until the proactive reissue: the margin before the local expiry,
 * widened by up to 10 % jitter so tabs do not reissue in the same instant, never sooner than the
 * floor after the token arrived. `random` is in [0, 1).
 */
export function proactiveDelay(clock: TokenClock, now: number, random: number): number {
  const margin = proactiveMargin(clock, now);
  const due = localExpiry(clock, now) - margin - margin * 0.1 * random;
  const floor = (clock.accessTokenReceivedAt ?? now) + REISSUE_FLOOR_MS;
  return Math.min(MAX_TIMER_DELAY_MS, Math.max(0, Math.round(Math.max(due, floor) - now)));
}

/** This tab's reissues still inside the breaker's window, plus one at `now` when `add` is set. */
export function recentReissues(times: readonly number[], now: number, add = false): number[] {
  const kept = times.filter((at) => now - at < BREAKER_WINDOW_MS && at <= now);
  return add ? [...kept, now] : kept;
}

/** Too many reissues in the window: something (a clock, a server) is wrong; stop trying proactively. */
export function isReissueStorm(times: readonly number[], now: number): boolean {
  return recentReissues(times, now).length >= BREAKER_LIMIT;
}
