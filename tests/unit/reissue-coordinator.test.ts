import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createInProcessCoordinator } from '@/lib/core/server/coordinator/in-process';
import { withQuickRetry } from '@/lib/core/server/coordinator/quick-retry';
import type { ReissueOutcome } from '@/lib/core/server/auth-backend';
import type { ReissueCall } from '@/lib/core/server/coordinator/types';
import { reissueKeys } from '@/lib/core/server/redis/keys';
import type { SessionUser } from '@/lib/next-auth';
import { redisAppProcess } from '../support/redis-app-process';
import { dumpKeys, startRedis, type RunningRedis } from '../support/redis-server';
import { strictApi } from '../support/strict-api';

describe('in-process coordinator', () => {
  test('50 concurrent reissues of one refresh token make one API call and share its successor', async () => {
    const api = strictApi();
    const coordinator = createInProcessCoordinator({ reissue: api.reissue, outcomeTtlMs: 60_000 });
    const token = api.issue();
    const results = await Promise.all(Array.from({ length: 50 }, () => coordinator.reissue(token)));
    expect(api.calls).toBe(1);
    expect(new Set(results.map((r) => (r.ok ? r.tokens.refreshToken : r.code))).size).toBe(1);
    expect(results.every((r) => r.ok)).toBe(true);
    // A late request within the TTL gets the same outcome instead of replaying the token.
    expect(await coordinator.reissue(token)).toEqual(results[0]);
    expect(api.calls).toBe(1);
  });

  test('a transient failure is not remembered: the next request calls the API again', async () => {
    let calls = 0;
    const coordinator = createInProcessCoordinator({
      reissue: async () => {
        calls++;
        return { ok: false, code: 'REISSUE_UNAVAILABLE', reason: '503' };
      },
      outcomeTtlMs: 60_000,
    });
    expect((await coordinator.reissue('rt')).ok).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 0));
    await coordinator.reissue('rt');
    expect(calls).toBe(2);
  });
});

describe('quick retry', () => {
  test('retries a transient failure once and returns the second answer; never retries a dead token', async () => {
    const answers: ReissueOutcome<SessionUser>[] = [
      { ok: false, code: 'REISSUE_UNAVAILABLE', reason: 'timeout' },
      { ok: false, code: 'SESSION_EXPIRED', reason: 'invalid_grant' },
    ];
    let calls = 0;
    const retried = withQuickRetry(async () => answers[calls++]!, 10);
    expect(await retried('rt')).toMatchObject({ code: 'SESSION_EXPIRED' });
    expect(calls).toBe(2);

    calls = 1;
    expect(await retried('rt')).toMatchObject({ code: 'SESSION_EXPIRED' });
    expect(calls).toBe(2);
  });
});

describe('Redis coordinator on a real redis-server', () => {
  let server: RunningRedis;
  const processes: ReturnType<typeof redisAppProcess>[] = [];

  beforeAll(async () => {
    server = await startRedis();
  });
  afterAll(async () => {
    for (const p of processes) p.close();
    await server?.stop();
  });

  /** One app process: its own connection, its own in-process layer in front, as in production. */
  function processCoordinator(
    reissue: ReissueCall<SessionUser>,
    overrides: Parameters<typeof redisAppProcess>[2] = {},
  ) {
    const app = redisAppProcess({ kind: 'standalone', url: server.url }, reissue, overrides);
    processes.push(app);
    return app.coordinator;
  }

  test('three processes × 20 concurrent reissues of one refresh token against a strict API: one call, one successor, no reuse', async () => {
    const api = strictApi({ delayMs: 100 });
    const app = [1, 2, 3].map(() => processCoordinator(api.reissue));
    const token = api.issue();
    const results = await Promise.all(
      app.flatMap((p) => Array.from({ length: 20 }, () => p.reissue(token))),
    );
    expect(api.calls).toBe(1);
    expect(api.reuse).toBe(0);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(new Set(results.map((r) => r.ok && r.tokens.refreshToken)).size).toBe(1);

    // A fourth process arriving later gets the stored outcome without calling the API.
    const late = await processCoordinator(api.reissue).reissue(token);
    expect(late).toEqual(results[0]);
    expect(api.calls).toBe(1);
  });

  test('a dead-token verdict is shared; a transient failure is not stored', async () => {
    let calls = 0;
    const dead = processCoordinator(async () => {
      calls++;
      return { ok: false, code: 'SESSION_EXPIRED', reason: 'invalid_grant' };
    });
    const other = processCoordinator(async () => {
      calls++;
      return { ok: true } as never;
    });
    expect(await dead.reissue('rt-dead')).toMatchObject({ code: 'SESSION_EXPIRED' });
    expect(await other.reissue('rt-dead')).toMatchObject({ code: 'SESSION_EXPIRED' });
    expect(calls).toBe(1);

    let flaky = 0;
    const transient: ReissueCall<SessionUser> = async () => {
      flaky++;
      return { ok: false, code: 'REISSUE_UNAVAILABLE', reason: '503' };
    };
    await processCoordinator(transient).reissue('rt-flaky');
    await processCoordinator(transient).reissue('rt-flaky');
    expect(flaky).toBe(2);
    // The transient holder released its lock: nothing is left behind for that token.
    const keys = reissueKeys('token-reissue:', 'rt-flaky');
    const held = await dumpKeys(server.url);
    expect(Object.keys(held).filter((k) => Object.values(keys).includes(k))).toEqual([]);
  });

  test('the lock, the outcome and the rotated mark of one token share a hash tag; the lock is released', async () => {
    const api = strictApi();
    const token = api.issue();
    const dead = 'rt-dead-tagged';
    await processCoordinator(api.reissue).reissue(token);
    await processCoordinator(async () => ({
      ok: false,
      code: 'SESSION_EXPIRED',
      reason: 'invalid_grant',
    })).reissue(dead);
    const keys = reissueKeys('token-reissue:', token);
    const held = await dumpKeys(server.url);
    expect(keys.outcome).toMatch(/^token-reissue:\{[\w-]+\}:outcome$/);
    expect(keys.lock.slice(0, keys.lock.indexOf('}'))).toBe(
      keys.outcome.slice(0, keys.outcome.indexOf('}')),
    );
    expect(held[keys.outcome]).toBeDefined();
    expect(held[keys.rotated]).toBe('1');
    expect(held[keys.lock]).toBeUndefined();
    // A dead token's verdict is shared, but it was not rotated: no mark for the rollback guard.
    expect(held[reissueKeys('token-reissue:', dead).outcome]).toBeDefined();
    expect(held[reissueKeys('token-reissue:', dead).rotated]).toBeUndefined();
  });

  test('a lock whose holder died expires and a waiting process takes over', async () => {
    const api = strictApi();
    const token = api.issue();
    const raw = redisAppProcess({ kind: 'standalone', url: server.url }, api.reissue);
    processes.push(raw);
    // A holder that took the lock and then died: nobody will release it or store an outcome.
    await raw.link.run((redis) =>
      redis.set(reissueKeys('token-reissue:', token).lock, 'dead-holder', 'PX', 400, 'NX'),
    );

    const started = Date.now();
    const result = await processCoordinator(api.reissue).reissue(token);
    const elapsed = Date.now() - started;
    console.log(`took over a dead holder's 400 ms lock after ${elapsed} ms`);
    expect(result.ok).toBe(true);
    expect(api.calls).toBe(1);
    expect(elapsed).toBeGreaterThanOrEqual(350);
  });

  test('a waiter gives up with "unavailable" after its bounded wait, without calling the API', async () => {
    const api = strictApi();
    const token = api.issue();
    const raw = redisAppProcess({ kind: 'standalone', url: server.url }, api.reissue);
    processes.push(raw);
    await raw.link.run((redis) =>
      redis.set(reissueKeys('token-reissue:', token).lock, 'slow-holder', 'PX', 10_000, 'NX'),
    );

    const started = Date.now();
    const result = await processCoordinator(api.reissue, { waitMs: 300 }).reissue(token);
    const elapsed = Date.now() - started;
    console.log(`waiter settled after ${elapsed} ms`);
    expect(result).toMatchObject({ ok: false, code: 'REISSUE_UNAVAILABLE' });
    expect(api.calls).toBe(0);
    expect(elapsed).toBeLessThan(5_000);
  });

  test('read raw (KEYS, GET), Redis holds no refresh or access token in plain text', async () => {
    const api = strictApi();
    const token = api.issue();
    const result = await processCoordinator(api.reissue).reissue(token);
    if (!result.ok) throw new Error('reissue failed');
    const held = await dumpKeys(server.url);
    const dump = Object.entries(held)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n');
    expect(Object.keys(held)).toContain(reissueKeys('token-reissue:', token).outcome);
    const secrets = [token, result.tokens.refreshToken, result.tokens.accessToken];
    for (const secret of secrets) {
      expect(dump).not.toContain(secret);
      expect(dump).not.toContain(Buffer.from(secret).toString('base64url'));
      expect(dump).not.toContain(Buffer.from(secret).toString('base64'));
    }
  });
});
