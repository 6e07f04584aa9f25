import { afterAll, beforeAll, expect, test } from 'vitest';
import { reissueKeys } from '@/lib/core/server/redis/keys';
import { connectRedis } from '@/lib/core/server/redis/client';
import { createRedisLink } from '@/lib/core/server/redis/link';
import { createRedisRotationLog } from '@/lib/core/server/redis/rotations';
import { createRedisUsedTicketStore } from '@/lib/core/server/redis/used-tickets';
import { redisAppProcess } from '../support/redis-app-process';
import { startRedisCluster, type RedisClusterHandle } from '../support/redis-cluster';
import { dumpKeys } from '../support/redis-server';
import { strictApi } from '../support/strict-api';

/**
 * The shared stores on a real 3-primary Redis Cluster (`redis-cli --cluster create`): the
 * coordinator's script touches one token's lock, outcome and rotated mark at once, which a
 * Cluster allows only when they share a slot; the hash tag makes them.
 */
let cluster: RedisClusterHandle;
const closers: (() => void)[] = [];

beforeAll(async () => {
  cluster = await startRedisCluster(3);
}, 120_000);
afterAll(async () => {
  for (const close of closers) close();
  await cluster?.stop();
});

const topology = () => ({
  kind: 'cluster' as const,
  nodes: cluster.nodes.map((node) => ({ host: '127.0.0.1', port: node.port })),
});

test("three processes × 20 concurrent reissues of one token on a Cluster: one API call, one successor, and the token's keys on one node", async () => {
  const api = strictApi({ delayMs: 100 });
  const apps = [1, 2, 3].map(() => redisAppProcess(topology(), api.reissue));
  for (const app of apps) closers.push(app.close);
  const tokens = Array.from({ length: 5 }, () => api.issue());

  for (const token of tokens) {
    const results = await Promise.all(
      apps.flatMap((app) => Array.from({ length: 20 }, () => app.coordinator.reissue(token))),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    expect(new Set(results.map((r) => r.ok && r.tokens.refreshToken)).size).toBe(1);
  }
  expect(api.calls).toBe(tokens.length);
  expect(api.reuse).toBe(0);

  const perNode = await Promise.all(cluster.nodes.map((node) => dumpKeys(node.url)));
  for (const token of tokens) {
    const keys = reissueKeys('token-reissue:', token);
    const holders = perNode.filter((held) => keys.outcome in held);
    expect(holders).toHaveLength(1);
    expect(holders[0]![keys.rotated]).toBe('1');
  }
  // Tokens with different hashes spread over the primaries; each token stays on one.
  console.log(`keys per node: ${perNode.map((held) => Object.keys(held).length).join('/')}`);
});

test('on a Cluster, a ticket claimed on one process is refused on another, and a rotation is seen everywhere', async () => {
  const links = [1, 2].map(() => {
    const connection = connectRedis(topology());
    closers.push(() => connection.disconnect());
    return createRedisLink({ connection, duringOutage: 'refusing' });
  });
  const expiresAt = Date.now() + 60_000;
  expect(await createRedisUsedTicketStore({ link: links[0]! }).claim('t-1', expiresAt)).toBe(true);
  expect(await createRedisUsedTicketStore({ link: links[1]! }).claim('t-1', expiresAt)).toBe(false);

  const api = strictApi();
  const app = redisAppProcess(topology(), api.reissue);
  closers.push(app.close);
  const token = api.issue();
  await app.coordinator.reissue(token);
  expect(await createRedisRotationLog({ link: links[1]! }).wasRotated(token)).toBe(true);
});
