import { afterAll, beforeAll, expect, test } from 'vitest';
import { connectRedis } from '@/lib/core/server/redis/client';
import { createRedisLink } from '@/lib/core/server/redis/link';
import { createRedisRotationLog } from '@/lib/core/server/redis/rotations';
import { createRedisUsedTicketStore } from '@/lib/core/server/redis/used-tickets';
import { redisAppProcess } from '../support/redis-app-process';
import { startRedis, type RunningRedis } from '../support/redis-server';
import { strictApi } from '../support/strict-api';

/**
 * The replay guards behind `authorize()` on a real redis-server, each "process" with its own
 * connection: a ticket claimed on one is refused on the others, a token rotated through one
 * process's coordinator is known as rotated on the others, and while Redis is down both guards
 * refuse at once instead of waiting.
 */
let server: RunningRedis;
const closers: (() => void)[] = [];

beforeAll(async () => {
  server = await startRedis();
});
afterAll(async () => {
  for (const close of closers) close();
  await server?.stop();
});

function processLink(lines: string[] = []) {
  const connection = connectRedis({ kind: 'standalone', url: server.url });
  closers.push(() => connection.disconnect());
  return createRedisLink({ connection, duringOutage: 'refusing', log: (l) => lines.push(l) });
}

test('a ticket claimed through one process is refused through the two others until it expires', async () => {
  const [a, b, c] = [1, 2, 3].map(() => createRedisUsedTicketStore({ link: processLink() }));
  const expiresAt = Date.now() + 60_000;
  expect(await a!.claim('ticket-1', expiresAt)).toBe(true);
  expect(await b!.claim('ticket-1', expiresAt)).toBe(false);
  expect(await c!.claim('ticket-1', expiresAt)).toBe(false);
  expect(await a!.claim('ticket-1', expiresAt)).toBe(false);
  expect(await b!.claim('ticket-2', expiresAt)).toBe(true);
  expect(await c!.claim('ticket-old', Date.now() - 1)).toBe(false);
});

test('a claim lives until its ticket expires, then the id is free again', async () => {
  const [a, b] = [1, 2].map(() => createRedisUsedTicketStore({ link: processLink() }));
  expect(await a!.claim('short', Date.now() + 300)).toBe(true);
  expect(await b!.claim('short', Date.now() + 300)).toBe(false);
  await new Promise((resolve) => setTimeout(resolve, 400));
  expect(await b!.claim('short', Date.now() + 300)).toBe(true);
});

test('a refresh token rotated through one process is rotated for every process; an unrotated one is not', async () => {
  const api = strictApi();
  const rotatedHere = redisAppProcess({ kind: 'standalone', url: server.url }, api.reissue);
  closers.push(rotatedHere.close);
  const token = api.issue();
  expect((await rotatedHere.coordinator.reissue(token)).ok).toBe(true);

  const elsewhere = createRedisRotationLog({ link: processLink() });
  expect(await elsewhere.wasRotated(token)).toBe(true);
  expect(await elsewhere.wasRotated(api.issue())).toBe(false);
});

test('Redis down: a ticket is refused and a token counts as rotated, at once, and the process logs one line', async () => {
  const own = await startRedis();
  const lines: string[] = [];
  const connection = connectRedis({ kind: 'standalone', url: own.url });
  closers.push(() => connection.disconnect());
  const link = createRedisLink({ connection, duringOutage: 'refusing', log: (l) => lines.push(l) });
  const tickets = createRedisUsedTicketStore({ link });
  const rotations = createRedisRotationLog({ link });
  expect(await tickets.claim('before', Date.now() + 60_000)).toBe(true);
  await own.stop();

  const started = Date.now();
  const claimed = await tickets.claim('during', Date.now() + 60_000);
  const rotated = await rotations.wasRotated('never-rotated');
  console.log(
    `both guards answered in ${Date.now() - started} ms with Redis down; log: ${lines.join(' | ')}`,
  );
  expect(claimed).toBe(false);
  expect(rotated).toBe(true);
  expect(lines.filter((l) => l.includes('Redis unreachable'))).toHaveLength(1);
});
