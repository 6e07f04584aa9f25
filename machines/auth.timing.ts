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
  const safety = Math.min(EXPIRY_SAFETY_MARGIN_MAX_MS, lifetime(clock, now) / 10);
  return now >= localExpiry(clock, now) - safety;
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
