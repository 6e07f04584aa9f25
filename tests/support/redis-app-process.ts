import { randomBytes } from 'node:crypto';
import { createInProcessCoordinator } from '@/lib/core/server/coordinator/in-process';
import {
  createRedisCoordinator,
  type RedisCoordinatorOptions,
} from '@/lib/core/server/coordinator/redis';
import type { ReissueCall } from '@/lib/core/server/coordinator/types';
import { connectRedis, type RedisTopology } from '@/lib/core/server/redis/client';
import { createRedisLink } from '@/lib/core/server/redis/link';
import type { SessionUser } from '@/lib/next-auth';
import { tokenPairSchema } from '@/lib/validations/auth';

export const TEST_SECRET = randomBytes(32).toString('base64url');

/**
 * One app process's Redis side, as lib/server wires it: its own connection and link, the
 * Redis coordinator with the in-process layer in front. Unit tests make several of these
 * against one real Redis to stand for several `next start` processes.
 */
export function redisAppProcess(
  topology: RedisTopology,
  reissue: ReissueCall<SessionUser>,
  overrides: Partial<RedisCoordinatorOptions<SessionUser>> = {},
) {
  const lines: string[] = [];
  const connection = connectRedis(topology, { connectTimeoutMs: 1_000 });
  const link = createRedisLink({
    connection,
    duringOutage: 'waiting for it',
    log: (line) => lines.push(line),
  });
  const shared = createRedisCoordinator({
    link,
    reissue,
    outageWaitMs: 3_000,
    secret: TEST_SECRET,
    tokenPairSchema,
    outcomeTtlMs: 60_000,
    callBudgetMs: 2_000,
    ...overrides,
  });
  const coordinator = createInProcessCoordinator({
    reissue: (token) => shared.reissue(token),
    outcomeTtlMs: 60_000,
  });
  return { coordinator, link, connection, lines, close: () => connection.disconnect() };
}
