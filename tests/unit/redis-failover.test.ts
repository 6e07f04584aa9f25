import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { ReissueCall } from '@/lib/core/server/coordinator/types';
import { reissueKeys } from '@/lib/core/server/redis/keys';
import type { SessionUser } from '@/lib/next-auth';
import { redisAppProcess } from '../support/redis-app-process';
import { startSentinelGroup, type SentinelGroup } from '../support/redis-sentinel';
import { strictApi } from '../support/strict-api';

/**
 * A Sentinel failover in the middle of a reissue, on real processes (1 primary, 1 replica,
 * 3 sentinels): the holder's lock was acknowledged by the replica before it called the API,
 * so after the promotion another process finds the lock still held, waits, and receives the
 * holder's outcome. A lost lock would have let it call the strict API a second time.
 */
let group: SentinelGroup;
const closers: (() => void)[] = [];

beforeAll(async () => {
  group = await startSentinelGroup();
}, 120_000);
afterAll(async () => {
  for (const close of closers) close();
  await group?.stop();
});

test("the primary killed while a holder calls a strict API: the waiter on another process gets the holder's outcome after the failover, and the API is called once", async () => {
  const api = strictApi({ delayMs: 1_500 });
  let calling!: () => void;
  const apiCalled = new Promise<void>((resolve) => (calling = resolve));
  const observed: ReissueCall<SessionUser> = (token) => {
    calling();
    return api.reissue(token);
  };
  const topology = {
    kind: 'sentinel' as const,
    name: group.name,
    sentinels: group.sentinels.map((s) => ({ host: '127.0.0.1', port: s.port })),
  };
  const bounds = { outageWaitMs: 30_000, waitMs: 30_000 };
  const [holder, waiter] = [1, 2].map(() => redisAppProcess(topology, observed, bounds));
  closers.push(holder!.close, waiter!.close);
  for (const app of [holder!, waiter!]) await app.link.run((redis) => redis.get('warm-up'));
  // The holder must know the primary has a replica, or it would not wait for its acknowledgement.
  const deadline = Date.now() + 15_000;
  while (holder!.connection.replicas() === 0 && Date.now() < deadline) await sleep(200);
  expect(holder!.connection.replicas()).toBe(1);

  const token = api.issue();
  const held = holder!.coordinator.reissue(token);
  await apiCalled;
  const { promotedAfterMs } = await group.failover();
  // What the promoted replica holds (the holder may already have stored its outcome there).
  await waiter!.link.reachable(10_000);
  const keys = reissueKeys('token-reissue:', token);
  const onReplica = await waiter!.link
    .run(async (redis) => ({
      lock: await redis.get(keys.lock),
      outcome: await redis.get(keys.outcome),
    }))
    .catch(() => undefined);
  const started = Date.now();
  const [first, second] = await Promise.all([held, waiter!.coordinator.reissue(token)]);

  console.log(
    `replica promoted ${promotedAfterMs.toFixed(0)} ms after the kill; on it right after: lock ${onReplica?.lock ? 'held' : 'none'}, outcome ${onReplica?.outcome ? 'stored' : 'none'}; the waiter got the outcome after ${Date.now() - started} ms`,
  );
  expect(first.ok).toBe(true);
  expect(second).toEqual(first);
  expect(api.calls).toBe(1);
  expect(api.reuse).toBe(0);
}, 120_000);
