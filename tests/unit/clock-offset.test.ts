import { expect, test } from 'vitest';
import {
  formatOffset,
  timeOnTheWay,
  UNKNOWN_UNCERTAINTY_MS,
  type TimedRequest,
} from '@/app/_components/statechart/clock-offset';

const ORIGIN = 1_700_000_000_000;
const page: TimedRequest = {
  name: 'http://localhost:3000/debug',
  entryType: 'navigation',
  startTime: 0,
  responseEnd: 400,
};
const session = (startTime: number, responseEnd: number): TimedRequest => ({
  name: 'http://localhost:3000/api/auth/session',
  entryType: 'resource',
  startTime,
  responseEnd,
});

test('a server-rendered session read after hydration was on its way since the page was requested', () => {
  // Read 2.3 s after the page request began: the "server −0:02" a same-machine browser saw.
  expect(timeOnTheWay(ORIGIN + 2_300, [page], ORIGIN)).toBe(2_300);
  expect(formatOffset(-2_100, 2_300)).toBe('in step');
});

test('a fetched session counts from its own request, not from the page', () => {
  const entries = [page, session(60_000, 60_080)];
  expect(timeOnTheWay(ORIGIN + 60_090, entries, ORIGIN)).toBe(90);
  // Requests to the API, or sessions still on their way, explain nothing.
  const api = { ...session(60_050, 60_085), name: 'http://127.0.0.1:8080/users/me' };
  expect(timeOnTheWay(ORIGIN + 60_090, [...entries, api, session(60_085, 61_000)], ORIGIN)).toBe(
    90,
  );
});

test('without a timing entry near the measurement, the uncertainty is a page load', () => {
  expect(timeOnTheWay(ORIGIN + 600_000, [page, session(1_000, 1_100)], ORIGIN)).toBe(
    UNKNOWN_UNCERTAINTY_MS,
  );
});

test('offsets beyond the uncertainty show as the least the clocks can differ by', () => {
  expect(formatOffset(600_000, 100)).toBe('server +10:00');
  expect(formatOffset(-600_300, 300)).toBe('server −10:00');
  expect(formatOffset(-5_000, 300)).toBe('server −0:05');
  expect(formatOffset(300, 100)).toBe('in step');
  expect(formatOffset(1_500, 100)).toBe('server +0:02');
});
