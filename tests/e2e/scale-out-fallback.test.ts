import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { StandaloneRedis } from '../support/redis-server';
import { startScaleOutStack, type ScaleOutStack } from '../support/scale-out';
import {
  type CookieJar,
  decodeSession,
  reissueOutcomes,
  setCookies,
  signInWithPassword,
} from './harness';
import { countStatuses } from './page-reader';
import { navigate, revokeAccessToken } from './scale-out-suite';

/**
 * The explicit per-process fallback: three `next start` processes with REISSUE_FALLBACK=in-process
 * in front of an API with a 10 s reuse grace window. While Redis is down each process reissues
 * on its own at once, and the grace window hands the same successor to the processes that
 * present a just-rotated token, so every page answers and nobody is signed out.
 */
const APPS = 3;
const OUTAGE_MS = 60_000;
const EVERY_MS = 2_000;

let stack: ScaleOutStack<StandaloneRedis>;

beforeAll(async () => {
  stack = await startScaleOutStack({
    apps: APPS,
    redis: 'standalone',
    apiEnv: { ACCESS_TOKEN_TTL: '20', REUSE_GRACE_SECONDS: '10' },
    appEnv: { SESSION_REFRESH_MARGIN_SECONDS: '2', REISSUE_FALLBACK: 'in-process' },
  });
});

afterAll(async () => {
  await stack?.stop();
});

/** One load per process for each session at once; the jars keep what the answers set. */
async function round(jars: CookieJar[]) {
  const answers = await Promise.all(
    jars.flatMap((jar) =>
      Array.from({ length: APPS }, async () => {
        const response = await navigate(stack, jar);
        await response.text();
        jar.store(response);
        return {
          status: response.status,
          location: response.headers.get('location') ?? '',
          cleared: setCookies(response).some(
            (c) => c.name.startsWith('next-auth.session-token') && c.deleted,
          ),
        };
      }),
    ),
  );
  return answers;
}

describe('grace API, REISSUE_FALLBACK=in-process, 3 processes, one Redis server', () => {
  test(
    'Redis down for 60 s: page loads every 2 s across three expiries and a revoked access token all answer 200, nobody is signed out, no reuse is detected',
    { timeout: 240_000 },
    async () => {
      const { origin, api, secret } = stack;
      const due = await signInWithPassword(origin.url);
      const revoked = await signInWithPassword(origin.url);
      await revokeAccessToken(api.url, (await decodeSession(revoked, secret)).accessToken);
      const before = await reissueOutcomes(api.url);

      await stack.redis.kill();
      const downAt = Date.now();
      const answers: Awaited<ReturnType<typeof round>> = [];
      while (Date.now() < downAt + OUTAGE_MS) {
        answers.push(...(await round([due, revoked])));
        await sleep(EVERY_MS);
      }
      const during = await reissueOutcomes(api.url);
      await stack.redis.restart();
      answers.push(...(await round([due, revoked])));
      const after = await reissueOutcomes(api.url);

      const fallbackLines = stack.apps.filter((app) =>
        app.output().includes('reissues are coordinated in this process only'),
      ).length;
      console.log(
        `Redis down ${OUTAGE_MS / 1000} s, REISSUE_FALLBACK=in-process, grace 10 s: ${answers.length} page loads, ` +
          `answers ${countStatuses(answers.map((a) => a.status))}; during the outage the API rotated ` +
          `${during.rotated - before.rotated}, replayed in grace ${during.grace - before.grace}, ` +
          `detected reuse ${during.reuse_detected - before.reuse_detected}; after Redis came back ` +
          `rotated ${after.rotated - during.rotated}; processes that logged the fallback: ${fallbackLines}`,
      );
      expect(answers.map((a) => a.status)).toEqual(Array(answers.length).fill(200));
      expect(answers.filter((a) => a.location.includes('/signin') || a.cleared)).toEqual([]);
      expect(after.reuse_detected - before.reuse_detected).toBe(0);
      // Three expiries in the minute: the processes did reissue on their own meanwhile.
      expect(during.rotated - before.rotated).toBeGreaterThanOrEqual(2);
      expect(fallbackLines).toBeGreaterThanOrEqual(1);
    },
  );
});
