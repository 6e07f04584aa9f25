import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startScaleOutStack, type ScaleOutStack } from '../support/scale-out';
import type { StandaloneRedis } from '../support/redis-server';
import {
  decodeSession,
  reissueOutcomes,
  setCookies,
  signInWithPassword,
  sleepUntil,
} from './harness';
import { countStatuses, loadUntilAnswered } from './page-reader';
import { navigate, revokeAccessToken, SCALE_OUT_ENV, scaleOutSuite } from './scale-out-suite';

/**
 * Three `next start` processes behind one round-robin origin, sharing one real redis-server, in
 * front of a strict API (no reuse grace window: a replayed refresh token revokes the family).
 * The shared suite (scale-out-suite.ts) runs here as it runs on a Cluster; then Redis goes
 * away for a minute, and last the API is killed.
 */
const APPS = 3;
/** How long Redis stays down, and how soon after it returns every page must answer again. */
const OUTAGE_MS = 60_000;
const RECOVERY_MS = 35_000;

let stack: ScaleOutStack<StandaloneRedis>;

beforeAll(async () => {
  stack = await startScaleOutStack({ apps: APPS, redis: 'standalone', ...SCALE_OUT_ENV });
});

afterAll(async () => {
  await stack?.stop();
});

describe('strict API, 3 processes, one Redis server, one origin', () => {
  scaleOutSuite(() => stack, APPS);

  test(
    'Redis down for 60 s: pages that need a reissue answer 503 with a retry, pages that need none answer at once, nobody is signed out, and every page recovers by itself within 35 s of Redis coming back',
    { timeout: 300_000 },
    async () => {
      const { origin, api, secret } = stack;
      const due = await signInWithPassword(origin.url);
      const dueSession = await decodeSession(due, secret);
      const before = await reissueOutcomes(api.url);
      const logLengths = stack.apps.map((app) => app.output().length);

      await stack.redis.kill();
      const downAt = Date.now();
      const backAt = downAt + OUTAGE_MS;

      // A session that needs no reissue never waits for Redis: sign in and load a page now.
      const fresh = await signInWithPassword(origin.url);
      const freshStarted = Date.now();
      const freshPage = await navigate(stack, fresh);
      const freshMs = Date.now() - freshStarted;
      expect(freshPage.status).toBe(200);
      await freshPage.text();
      expect(Date.now()).toBeLessThan(backAt);

      await sleepUntil(dueSession.accessTokenExpiresAt - 2_000, 100);
      // A second session, signed in now, whose fresh access token the API revoked: its Server
      // Components get the 401 and redirect to the retry route, the other way to the 503 page.
      const revoked = await signInWithPassword(origin.url);
      await revokeAccessToken(api.url, (await decodeSession(revoked, secret)).accessToken);
      const deadline = backAt + RECOVERY_MS;
      const loads = Promise.all([
        ...Array.from({ length: 5 }, () => loadUntilAnswered(origin.url, due, '/', deadline)),
        ...Array.from({ length: 3 }, () => loadUntilAnswered(origin.url, revoked, '/', deadline)),
      ]);
      await sleepUntil(backAt);
      await stack.redis.restart();
      const restartedAt = Date.now();
      const results = await loads;
      const after = await reissueOutcomes(api.url);

      const visits = results.flatMap((r) => r.visits);
      const recovery = results.map((r) => r.endedAt - restartedAt);
      const waits = visits.filter((v) => v.retryPage).map((v) => v.ms);
      const logLines = stack.apps.map((app, i) =>
        app
          .output()
          .slice(logLengths[i])
          .split('\n')
          .filter((line) => line.includes('[auth] Redis unreachable (')),
      );
      console.log(
        `Redis down ${((restartedAt - downAt) / 1000).toFixed(1)} s: fresh session's page ${freshPage.status} in ${freshMs} ms; ` +
          `8 readers: ${results.map((r) => r.outcome).join(',')}, answers ${countStatuses(visits.map((v) => v.status))}, ` +
          `503 pages ${results.map((r) => r.retryPages).join('/')} (each after ${Math.min(...waits)}–${Math.max(...waits)} ms), ` +
          `recovered ${Math.min(...recovery)}–${Math.max(...recovery)} ms after Redis came back; ` +
          `rotated ${after.rotated - before.rotated}, reuse ${after.reuse_detected - before.reuse_detected}; log: ${logLines.flat().join(' | ')}`,
      );
      expect(results.map((r) => r.outcome)).toEqual(Array(8).fill('ok'));
      for (const result of results) expect(result.retryPages).toBeGreaterThanOrEqual(1);
      for (const visit of visits) {
        expect(visit.status === 200 || visit.retryPage || visit.status === 307).toBe(true);
      }
      // Both ways to the retry page were taken: the proxy's, and a Server Component's redirect.
      expect(visits.filter((v) => v.status === 307).length).toBeGreaterThanOrEqual(1);
      expect(Math.max(...recovery)).toBeLessThanOrEqual(RECOVERY_MS);
      expect(after.reuse_detected - before.reuse_detected).toBe(0);
      expect(after.rotated - before.rotated).toBe(2);
      expect(logLines.flat().length).toBeGreaterThanOrEqual(1);
      for (const lines of logLines) expect(lines.length).toBeLessThanOrEqual(1);
    },
  );

  test('the API killed: a page load after expiry answers 503 with a retry, keeps the session cookie, and never 500', async () => {
    const jar = await signInWithPassword(stack.origin.url);
    const session = await decodeSession(jar, stack.secret);
    await sleepUntil(session.accessTokenExpiresAt - 2_000, 100);
    // The API server process itself (node with tsx as a loader), killed by its PID.
    const server = stack.api.process;
    const exited = new Promise((resolve) => server.once('exit', resolve));
    process.kill(server.pid!, 'SIGKILL');
    await exited;

    const responses = await Promise.all(Array.from({ length: APPS }, () => navigate(stack, jar)));
    const pages = await Promise.all(responses.map((r) => r.text()));
    console.log(
      `page loads with the API killed: statuses ${responses.map((r) => r.status).join(',')}`,
    );
    expect(responses.map((r) => r.status)).toEqual(Array(APPS).fill(503));
    for (const html of pages) expect(html).toContain('Retry now');
    for (const response of responses) {
      expect(
        setCookies(response).filter((c) => c.name.startsWith('next-auth.session-token')),
      ).toEqual([]);
    }
  });
});
