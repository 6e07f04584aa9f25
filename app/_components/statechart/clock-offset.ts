/**
 * The clock-offset tile's reading. The machine measures server minus browser clock as
 * `serverNow - now` when an answer arrives, but the server stamped `serverNow` while answering:
 * the answer's time on the way (network, rendering, hydration for a server-rendered page) makes
 * the reading too low by up to that long. The true offset lies in
 * [measured, measured + time on the way]; when that range holds zero, the clocks may agree,
 * and a browser on the server's own machine read "server −0:02". The time on the way comes from
 * the browser's own timing of the page load and of the session and reissue requests.
 */
import { formatRemaining } from '@/app/_components/format';

/** Timer and rounding noise on either side, beyond the time on the way. */
const SLACK_MS = 1_000;
/**
 * How soon after its answer arrived a measurement happens: a fetched session or reissue is read
 * at once; a server-rendered session only once the page has loaded its scripts and hydrated.
 */
const READ_WITHIN_MS = { navigation: 15_000, resource: 2_000 };
/** When no timing entry explains the measurement (the browser dropped it): a page load's worth. */
export const UNKNOWN_UNCERTAINTY_MS = 3_000;

/** A timing entry as the Performance API gives it: times relative to `performance.timeOrigin`. */
export interface TimedRequest {
  name: string;
  entryType: string;
  startTime: number;
  responseEnd: number;
}

/** Answers that carry the server's `now`: the page itself, the session, the reissue. */
function carriesServerNow(entry: TimedRequest): boolean {
  if (entry.entryType === 'navigation') return true;
  try {
    return /^\/api\/auth\/(session|reissue)$/.test(new URL(entry.name).pathname);
  } catch {
    return false;
  }
}

/**
 * How long the answer measured at `measuredAt` (epoch ms) can have been on its way: from the
 * start of the latest answer that had arrived by then, to the measurement.
 */
export function timeOnTheWay(
  measuredAt: number,
  entries: readonly TimedRequest[],
  timeOrigin: number,
): number {
  const arrived = entries.filter((entry) => {
    const end = timeOrigin + entry.responseEnd;
    const within =
      entry.entryType === 'navigation' ? READ_WITHIN_MS.navigation : READ_WITHIN_MS.resource;
    return (
      carriesServerNow(entry) &&
      entry.responseEnd > 0 &&
      end <= measuredAt + 50 &&
      measuredAt - end <= within
    );
  });
  const latest = arrived.sort((a, b) => b.responseEnd - a.responseEnd)[0];
  return latest
    ? Math.max(0, measuredAt - (timeOrigin + latest.startTime))
    : UNKNOWN_UNCERTAINTY_MS;
}

/** `in step`, or the server's clock against this browser's, e.g. `server +10:00` (m:ss). */
export function formatOffset(measured: number, onTheWay: number): string {
  const low = measured - SLACK_MS;
  const high = measured + onTheWay + SLACK_MS;
  if (low <= 0 && high >= 0) return 'in step';
  // The end of the range nearest zero: what the clocks differ by at least.
  const atLeast = low > 0 ? low + SLACK_MS : high - SLACK_MS;
  return `server ${atLeast > 0 ? '+' : '−'}${formatRemaining(Math.abs(atLeast))}`;
}

/**
 * The browser's timing entries for the page and its requests, with their origin on the clock
 * `Date.now()` reads (the machine's measurements use it; `performance.timeOrigin` may disagree
 * with a clock that was set or shifted since).
 */
export function browserTimings(): { entries: TimedRequest[]; timeOrigin: number } {
  if (typeof performance === 'undefined' || !performance.getEntriesByType) {
    return { entries: [], timeOrigin: 0 };
  }
  return {
    entries: [
      ...performance.getEntriesByType('navigation'),
      ...performance.getEntriesByType('resource'),
    ] as PerformanceResourceTiming[],
    timeOrigin: Date.now() - performance.now(),
  };
}
