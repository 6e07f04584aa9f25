import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, expect, test } from 'vitest';
import { reissueKeys } from '@/lib/core/server/redis/keys';
import { redisAppProcess } from '../support/redis-app-process';
import { dumpKeys, startRedis, type RunningRedis } from '../support/redis-server';
import { strictApi } from '../support/strict-api';

/**
 * What the Redis coordinator does while a real redis-server is down: against a strict API it
 * waits for Redis (bounded) and never lets two processes call the API with one token; with a
 * per-process fallback (for an API with a grace window) it reissues at once.
 */
const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const done of cleanup.splice(0).reverse()) await done();
});

async function redisServer(port?: number): Promise<RunningRedis> {
  const server = await startRedis({ port });
  cleanup.push(() => server.stop());
  return server;
}

function appProcess(
  url: string,
  ...rest: Parameters<typeof redisAppProcess> extends [unknown, ...infer R] ? R : never
) {
  const app = redisAppProcess({ kind: 'standalone', url }, ...rest);
  cleanup.push(app.close);
  return app;
}

test('Redis killed, back within the outage wait: 2 processes × 10 reissues wait for it, then make one API call; each process logs the outage once and its end once', async () => {
  const server = await redisServer();
  const api = strictApi();
  const apps = [1, 2].map(() => appProcess(server.url, api.reissue, { outageWaitMs: 10_000 }));
  // Both processes have connected once (a just-started process waits for its first connection).
  for (const app of apps) await app.link.run((redis) => redis.get('warm-up'));
  await server.kill();

  const token = api.issue();
  const started = Date.now();
  const pending = Promise.all(
    apps.flatMap((app) => Array.from({ length: 10 }, () => app.coordinator.reissue(token))),
  );
  await sleep(1_000);
  await redisServer(server.port);
  const results = await pending;
  const elapsed = Date.now() - started;

  console.log(
    `20 reissues across a 1 s outage settled after ${elapsed} ms; logs: ${apps.map((a) => a.lines.join(' | ')).join(' || ')}`,
  );
  expect(results.every((r) => r.ok)).toBe(true);
  expect(new Set(results.map((r) => r.ok && r.tokens.refreshToken)).size).toBe(1);
  expect(api.calls).toBe(1);
  expect(api.reuse).toBe(0);
  expect(elapsed).toBeGreaterThanOrEqual(1_000);
  for (const app of apps) {
    expect(app.lines.filter((l) => l.includes('Redis unreachable'))).toHaveLength(1);
    expect(app.lines.filter((l) => l.includes('Redis reachable again'))).toHaveLength(1);
  }
});

test('Redis stays down: a reissue answers "unavailable" once the outage wait is over, and the API is never called', async () => {
  const server = await redisServer();
  const api = strictApi();
  const app = appProcess(server.url, api.reissue, { outageWaitMs: 500 });
  await app.link.run((redis) => redis.get('warm-up'));
  await server.kill();

  const started = Date.now();
  const result = await app.coordinator.reissue(api.issue());
  const elapsed = Date.now() - started;

  console.log(`unavailable after ${elapsed} ms (outage wait 500 ms)`);
  expect(result).toMatchObject({ ok: false, code: 'REISSUE_UNAVAILABLE' });
  expect(api.calls).toBe(0);
  expect(elapsed).toBeGreaterThanOrEqual(500);
});

test('REISSUE_FALLBACK=in-process: with Redis down, reissues go to the API in this process at once', async () => {
  const server = await redisServer();
  const api = strictApi();
  // A wait would outlast the test: only the fallback can answer while Redis stays down.
  const app = appProcess(server.url, api.reissue, {
    outageWaitMs: 120_000,
    fallback: api.reissue,
  });
  await app.link.run((redis) => redis.get('warm-up'));
  await server.kill();

  const results = await Promise.all(
    Array.from({ length: 5 }, () => app.coordinator.reissue(api.issue())),
  );
  expect(results.every((r) => r.ok)).toBe(true);
  expect(api.calls).toBe(5);
});

test('a holder whose Redis dies during its API call stores the outcome once Redis is back: another process then gets it without calling the API', async () => {
  const server = await redisServer();
  const api = strictApi({ delayMs: 800 });
  const [holder, waiter] = [1, 2].map(() => appProcess(server.url, api.reissue));
  await holder!.link.run((redis) => redis.get('warm-up'));
  await waiter!.link.run((redis) => redis.get('warm-up'));
  const token = api.issue();

  const held = holder!.coordinator.reissue(token);
  await sleep(300);
  await server.kill();
  const outcome = await held;
  expect(outcome.ok).toBe(true);

  // Redis comes back empty (no persistence), as after a crash; the holder publishes again.
  const restarted = await redisServer(server.port);
  const keys = reissueKeys('token-reissue:', token);
  const deadline = Date.now() + 10_000;
  while (!(keys.outcome in (await dumpKeys(restarted.url)))) {
    if (Date.now() > deadline) throw new Error('the holder never stored its outcome');
    await sleep(50);
  }
  const late = await waiter!.coordinator.reissue(token);
  expect(late).toEqual(outcome);
  expect(api.calls).toBe(1);
  expect(api.reuse).toBe(0);
  expect((await dumpKeys(restarted.url))[keys.rotated]).toBe('1');
});
