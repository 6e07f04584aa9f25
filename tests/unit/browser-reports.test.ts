/**
 * The beacon route browsers report to is unauthenticated, so every input is bounded: only
 * same-origin requests with the custom header, one event from a fixed list, a small body, and a
 * per-process rate. Each refusal is counted as dropped; an accepted report is counted once.
 */
import { NextRequest } from 'next/server';
import { expect, test } from 'vitest';
import {
  browserReportResponse,
  MAX_BODY_BYTES,
  REPORTS_PER_MINUTE,
} from '@/lib/server/metrics/browser-reports';
import { appMetrics } from '@/lib/server/metrics/registry';

const URL_ = 'http://app.test/api/telemetry/events';
const sameOrigin = {
  host: 'app.test',
  origin: 'http://app.test',
  'sec-fetch-site': 'same-origin',
  'x-auth-reissue': '1',
  'content-type': 'application/json',
};

const post = (body: string, headers: Record<string, string> = sameOrigin) =>
  browserReportResponse(new NextRequest(URL_, { method: 'POST', headers, body }));

async function value(series: string): Promise<number> {
  const text = await appMetrics().registry.metrics();
  return Number(
    text
      .split('\n')
      .find((l) => l.startsWith(`${series} `))
      ?.split(' ')
      .pop() ?? 0,
  );
}

const reported = (event: string) => value(`token_reissue_browser_reports_total{event="${event}"}`);
const dropped = (reason: string) =>
  value(`token_reissue_browser_reports_dropped_total{reason="${reason}"}`);

test('a same-origin report of a known event is counted once; refusals are counted as dropped', async () => {
  const [ended, invalid] = [await reported('session_ended'), await dropped('invalid')];

  expect((await post(JSON.stringify({ event: 'session_ended' }))).status).toBe(204);
  expect(await reported('session_ended')).toBe(ended + 1);

  const { 'x-auth-reissue': _, ...withoutHeader } = sameOrigin;
  expect((await post(JSON.stringify({ event: 'session_ended' }), withoutHeader)).status).toBe(403);
  const crossSite = { ...sameOrigin, 'sec-fetch-site': 'cross-site' };
  expect((await post(JSON.stringify({ event: 'session_ended' }), crossSite)).status).toBe(403);
  expect((await post(JSON.stringify({ event: 'user@example.com' }))).status).toBe(400);
  expect((await post(JSON.stringify({ event: 'session_ended', user: 'u1' }))).status).toBe(400);
  expect((await post('not json')).status).toBe(400);
  expect((await post(JSON.stringify({ event: 'x'.repeat(MAX_BODY_BYTES) }))).status).toBe(413);

  expect(await reported('session_ended')).toBe(ended + 1);
  expect(await dropped('invalid')).toBe(invalid + 6);
});

test(`more than ${REPORTS_PER_MINUTE} reports a minute: the rest are refused with 429`, async () => {
  const limited = await dropped('rate_limited');
  const statuses: number[] = [];
  for (let i = 0; i <= REPORTS_PER_MINUTE; i++) {
    statuses.push((await post(JSON.stringify({ event: 'breaker_tripped' }))).status);
  }
  expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
  expect(statuses.filter((s) => s === 204).length).toBeLessThanOrEqual(REPORTS_PER_MINUTE);
  expect(await dropped('rate_limited')).toBe(limited + statuses.filter((s) => s === 429).length);
});
