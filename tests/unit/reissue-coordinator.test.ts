import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createInProcessCoordinator, tokenHash } from '@/lib/auth/coordinator/in-process';
import { withQuickRetry } from '@/lib/auth/coordinator/quick-retry';
import { createRedisCoordinator, type RedisCoordinatorOptions } from '@/lib/auth/coordinator/redis';
import { createRedisClient } from '@/lib/auth/coordinator/redis-client';
import type { ReissueCall, ServerReissueResult } from '@/lib/auth/coordinator/types';
import { startRedis, type RunningRedis } from '../support/redis-server';

const SECRET = randomBytes(32).toString('base64url');
const USER = { id: 'u1', email: 'demo@example.com', penName: 'Demo Writer', fieldImage: null };

/**
 * A strict rotating API in memory: each refresh token works once; presenting a rotated one
 * again is reuse (the session ends). Counts its calls.
 */
function strictApi(options: { delayMs?: number } = {}) {
  const live = new Set<string>();
  const api = {
    calls: 0,
    reuse: 0,
    issue(): string {
      const token = `rt-${randomBytes(16).toString('hex')}`;
      live.add(token);
      return token;
    },
    reissue: (async (refreshToken) => {
      api.calls++;
      await new Promise((resolve) => setTimeout(resolve, options.delayMs ?? 30));
      if (!live.delete(refreshToken)) {
        api.reuse++;
        return { ok: false, code: 'SESSION_EXPIRED', reason: 'invalid_grant' };
      }
      const now = Date.now();
      return {
        ok: true,
        tokens: {
          accessToken: `at-${randomBytes(16).toString('hex')}`,
          accessTokenExpiresAt: now + 60_000,
          refreshToken: api.issue(),
          refreshTokenExpiresAt: now + 3_600_000,
          user: USER,
        },
      };
    }) as ReissueCall,
  };
  return api;
}

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
    const answers: ServerReissueResult[] = [
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
  const clients: Redis[] = [];

  beforeAll(async () => {
    server = await startRedis();
  });
  afterAll(async () => {
    for (const client of clients) client.disconnect();
    await server?.stop();
  });

  /** One app process: its own connection, its own in-process layer in front, as in production. */
  function processCoordinator(
    reissue: ReissueCall,
    overrides: Partial<RedisCoordinatorOptions> = {},
  ) {
    const { redis, ready } = createRedisClient(server.url, 1_000);
    clients.push(redis);
    const shared = createRedisCoordinator({
      redis,
      ready,
      reissue,
      fallback: reissue,
      secret: SECRET,
      outcomeTtlMs: 60_000,
      lockTtlMs: 2_000,
      waitMs: 3_000,
      log: () => {},
      ...overrides,
    });
    return createInProcessCoordinator({ reissue: (t) => shared.reissue(t), outcomeTtlMs: 60_000 });
  }

  test('three processes × 20 concurrent reissues of one refresh token against a strict API: one call, one successor, no reuse', async () => {
    const api = strictApi({ delayMs: 100 });
    const processes = [1, 2, 3].map(() => processCoordinator(api.reissue));
    const token = api.issue();
    const results = await Promise.all(
      processes.flatMap((p) => Array.from({ length: 20 }, () => p.reissue(token))),
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
    const transient: ReissueCall = async () => {
      flaky++;
      return { ok: false, code: 'REISSUE_UNAVAILABLE', reason: '503' };
    };
    await processCoordinator(transient).reissue('rt-flaky');
    await processCoordinator(transient).reissue('rt-flaky');
    expect(flaky).toBe(2);
  });

  test('a lock whose holder died expires and a waiting process takes over', async () => {
    const api = strictApi();
    const token = api.issue();
    const raw = new Redis(server.url);
    clients.push(raw);
    // A holder that took the lock and then died: nobody will release it or store an outcome.
    await raw.set(`token-reissue:${tokenHash(token)}:lock`, 'dead-holder', 'PX', 400);

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
    const raw = new Redis(server.url);
    clients.push(raw);
    await raw.set(`token-reissue:${tokenHash(token)}:lock`, 'slow-holder', 'PX', 10_000);

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
    const raw = new Redis(server.url);
    clients.push(raw);
    const keys = await raw.keys('*');
    const dump = (await Promise.all(keys.map(async (k) => `${k}=${await raw.get(k)}`))).join('\n');
    expect(keys).toContain(`token-reissue:${tokenHash(token)}:outcome`);
    const secrets = [token, result.tokens.refreshToken, result.tokens.accessToken];
    for (const secret of secrets) {
      expect(dump).not.toContain(secret);
      expect(dump).not.toContain(Buffer.from(secret).toString('base64url'));
      expect(dump).not.toContain(Buffer.from(secret).toString('base64'));
    }
  });
});

describe('Redis coordinator when Redis dies', () => {
  test('after the real redis-server is killed, every reissue settles through the fallback, none throws, and one line is logged', async () => {
    const server = await startRedis();
    const lines: string[] = [];
    const api = strictApi();
    const { redis, ready } = createRedisClient(server.url, 1_000);
    try {
      const coordinator = createRedisCoordinator({
        redis,
        ready,
        reissue: api.reissue,
        fallback: api.reissue,
        secret: SECRET,
        outcomeTtlMs: 60_000,
        lockTtlMs: 2_000,
        waitMs: 3_000,
        log: (line) => lines.push(line),
      });
      expect((await coordinator.reissue(api.issue())).ok).toBe(true);
      await server.kill();

      const started = Date.now();
      const results = await Promise.all(
        Array.from({ length: 20 }, () => coordinator.reissue(api.issue())),
      );
      const elapsed = Date.now() - started;
      console.log(`20 reissues with Redis killed: ${elapsed} ms, log: ${lines.join(' | ')}`);
      expect(results.every((r) => r.ok)).toBe(true);
      expect(elapsed).toBeLessThan(5_000);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/Redis unreachable/);
    } finally {
      redis.disconnect();
      await server.stop();
    }
  });
});
