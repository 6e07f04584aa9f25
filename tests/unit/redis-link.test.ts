import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, expect, test } from 'vitest';
import { connectRedis } from '@/lib/core/server/redis/client';
import { createRedisLink } from '@/lib/core/server/redis/link';
import { startRedis } from '../support/redis-server';

/**
 * The link's replication step on real processes: a write is acknowledged by the replica when
 * the primary has one (so a failover right after keeps it), and costs nothing without one.
 */
const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const done of cleanup.splice(0).reverse()) await done();
});

async function linkTo(url: string) {
  const connection = connectRedis({ kind: 'standalone', url });
  cleanup.push(() => connection.disconnect());
  const link = createRedisLink({ connection, duringOutage: 'test' });
  await link.run((redis) => redis.get('warm-up'));
  return { connection, link };
}

test('with a replica attached, a write is acknowledged by it before replicate() resolves', async () => {
  const primary = await startRedis();
  cleanup.push(() => primary.stop());
  const replica = await startRedis({ args: ['--replicaof', '127.0.0.1', String(primary.port)] });
  cleanup.push(() => replica.stop());
  const { connection, link } = await linkTo(primary.url);
  // The replica count is taken on connection and every few seconds.
  const deadline = Date.now() + 15_000;
  while (connection.replicas() === 0 && Date.now() < deadline) {
    await sleep(200);
    await connection.whenReady(1_000);
  }
  expect(connection.replicas()).toBe(1);

  await link.run((redis) => redis.set('written', '1', 'PX', 60_000, 'NX'));
  expect(await link.replicate()).toBe(1);
  const onReplica = await linkTo(replica.url);
  expect(await onReplica.link.run((redis) => redis.get('written'))).toBe('1');
});

test('without a replica, replicate() sends nothing and answers 0', async () => {
  const alone = await startRedis();
  cleanup.push(() => alone.stop());
  const { connection, link } = await linkTo(alone.url);
  expect(connection.replicas()).toBe(0);
  expect(await link.replicate()).toBe(0);
});
