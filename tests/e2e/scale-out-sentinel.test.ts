import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { SentinelGroup } from '../support/redis-sentinel';
import { startScaleOutStack, type ScaleOutStack } from '../support/scale-out';
import {
  decodeSession,
  DEMO,
  launchChromium,
  reissueOutcomes,
  signInWithPassword,
  sleepUntil,
} from './harness';
import { countStatuses, loadUntilAnswered } from './page-reader';
import { SCALE_OUT_ENV } from './scale-out-suite';
import { eventually } from './waits';

/**
 * Three `next start` processes behind one round-robin origin, sharing a real Sentinel group
 * (one primary, one replica, three sentinels; `down-after-milliseconds` 1 s instead of 30 s so
 * the failover fits in a test), in front of a strict API. The primary is killed by PID while
 * page loads and browser tabs need reissues: requests wait for the promoted replica
 * (REDIS_OUTAGE_WAIT_MS, 10 s by default) and nobody is signed out.
 */
const APPS = 3;
const LOADS = 30;
const TABS = 5;
/** Every page load, retries included, must have answered 200 within this. */
const LOAD_BOUND_MS = 90_000;

let stack: ScaleOutStack<SentinelGroup>;

beforeAll(async () => {
  stack = await startScaleOutStack({ apps: APPS, redis: 'sentinel', ...SCALE_OUT_ENV });
});

afterAll(async () => {
  await stack?.stop();
});

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

describe('strict API, 3 processes, a Redis Sentinel group, one origin', () => {
  test(
    'the primary killed by PID during 30 page loads after expiry and 5 tabs × 20 clientAuth requests after revocation: the replica is promoted, 0 redirects to sign-in, no 5xx but counted 503 retry pages that then succeed, 0 reuse detections',
    { timeout: 300_000 },
    async () => {
      const { origin, api, secret } = stack;
      const browser = await launchChromium();
      try {
        const context = await browser.newContext();
        const tabs: Page[] = [];
        for (let i = 0; i < TABS; i++) tabs.push(await context.newPage());
        const [first] = tabs as [Page, ...Page[]];
        await first.goto(`${origin.url}/signin`);
        await first.getByLabel('Email').fill(DEMO.email);
        await first.getByLabel('Password').fill(DEMO.password);
        await first.getByRole('button', { name: 'Sign in' }).click();
        await first.waitForURL(`${origin.url}/`, { timeout: 60_000 });
        for (const tab of tabs) {
          await tab.goto(`${origin.url}/debug`, { timeout: 60_000 });
          await tab.getByTestId('session-alerts').waitFor({ state: 'attached', timeout: 60_000 });
        }
        // Every answer of the reissue route the tabs call, with how long it took.
        const reissues: { status: number; ms: number }[] = [];
        for (const tab of tabs) {
          tab.on('requestfinished', (request) => {
            if (!request.url().endsWith('/api/auth/reissue')) return;
            const timing = request.timing();
            void request.response().then((response) => {
              reissues.push({ status: response?.status() ?? 0, ms: timing.responseEnd });
            });
          });
        }

        // A session of page loads whose access token falls due now.
        const jar = await signInWithPassword(origin.url);
        const session = await decodeSession(jar, secret);
        await sleepUntil(session.accessTokenExpiresAt - 2_000, 100);
        await first.getByRole('button', { name: 'Expire my access token now' }).click();
        await eventually(() => first.getByTestId('expire-result').textContent(), {
          timeoutMs: 60_000,
        }).toContain('revoked');

        const before = await reissueOutcomes(api.url);
        const deadline = Date.now() + LOAD_BOUND_MS;
        const loads = Promise.all(
          Array.from({ length: LOADS }, () => loadUntilAnswered(origin.url, jar, '/', deadline)),
        );
        // While the loads are on their way: the primary is killed by its PID (now, before any
        // of them reached Redis), and Sentinel promotes the replica.
        const failover = stack.redis.failover();
        const bursts = Promise.all(
          tabs.map(async (tab) => {
            const clicked = Date.now();
            await tab.getByRole('button', { name: 'Fire 20 parallel requests' }).click();
            await eventually(() => tab.getByTestId('burst-result').textContent(), {
              timeoutMs: 60_000,
            }).toMatch(/^Burst 1: /);
            return {
              text: (await tab.getByTestId('burst-result').textContent()) ?? '',
              ms: Date.now() - clicked,
            };
          }),
        );
        const [pageLoads, burstResults, { promotedAfterMs }] = await Promise.all([
          loads,
          bursts,
          failover,
        ]);
        const after = await reissueOutcomes(api.url);

        const visits = pageLoads.flatMap((load) => load.visits);
        const loadMs = pageLoads.map((load) => load.endedAt - load.startedAt);
        const retried = pageLoads.filter((load) => load.retryPages > 0).length;
        const waited = loadMs.filter((ms) => ms >= promotedAfterMs).length;
        console.log(
          `Sentinel failover: replica promoted ${promotedAfterMs.toFixed(0)} ms after the primary was killed; ` +
            `${LOADS} loads: ${pageLoads.map((l) => l.outcome).join(',')}; answers ${countStatuses(visits.map((v) => v.status))}; ` +
            `${waited} lasted longer than the failover, ${retried} went through a 503 retry page; load time p50 ${percentile(loadMs, 50)} ms, max ${Math.max(...loadMs)} ms | ` +
            `tabs: ${burstResults.map((b) => `${b.text} (${b.ms} ms)`).join(' | ')}; reissue route answers ${countStatuses(reissues.map((r) => r.status))}, ` +
            `${reissues.map((r) => r.ms.toFixed(0)).join('/')} ms | rotated ${after.rotated - before.rotated}, reuse ${after.reuse_detected - before.reuse_detected}`,
        );
        for (const [i, app] of stack.apps.entries()) {
          const lines = app.output().split('\n');
          console.log(`process ${i + 1}: ${lines.filter((l) => l.includes('[auth]')).join(' | ')}`);
        }
        expect(pageLoads.map((load) => load.outcome)).toEqual(Array(LOADS).fill('ok'));
        for (const visit of visits) expect(visit.status === 200 || visit.retryPage).toBe(true);
        expect(burstResults.map((b) => b.text)).toEqual(
          Array(TABS).fill('Burst 1: 20 succeeded, 0 failed.'),
        );
        expect(reissues.filter((r) => r.status >= 500)).toEqual([]);
        expect(after.reuse_detected - before.reuse_detected).toBe(0);
        expect(after.rotated - before.rotated).toBeGreaterThanOrEqual(2);
        expect(await stack.redis.primaryPort()).toBe(stack.redis.replica.port);
        await context.close();
      } finally {
        await browser.close();
      }
    },
  );
});
