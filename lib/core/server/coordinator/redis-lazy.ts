/**
 * The Redis connection the coordinator uses, with ioredis loaded on first use rather than on
 * import: `ioredis` is an optional peer of the package, so the server entry must load (and the
 * in-process coordinator work) in an app that never installed it. The connection is made the
 * first time the coordinator asks whether Redis is ready.
 */
import type { RedisCommands } from './redis';

/** What `redis-client.ts` returns, without naming ioredis's types in the package's `.d.ts`. */
interface RedisClient {
  redis: RedisCommands & { disconnect(): void };
  ready: () => Promise<boolean>;
}

export type LazyRedisClient = RedisClient;

/** Same arguments as the eager client (`redis-client.ts`); nothing is loaded until first use. */
export function createRedisClient(url: string, connectTimeoutMs: number): LazyRedisClient {
  let loading: Promise<RedisClient> | undefined;
  const client = () =>
    (loading ??= import('./redis-client').then((eager) =>
      eager.createRedisClient(url, connectTimeoutMs),
    ));
  // The coordinator's overloads (with and without NX) are ioredis's; forwarded as they come.
  const set = (async (...command: unknown[]) =>
    ((await client()).redis.set as (...a: unknown[]) => Promise<'OK' | null>)(
      ...command,
    )) as RedisCommands['set'];

  return {
    redis: {
      get: async (key) => (await client()).redis.get(key),
      set,
      eval: async (script, keys, ...args) => (await client()).redis.eval(script, keys, ...args),
      disconnect: () => void loading?.then(({ redis }) => redis.disconnect()),
    },
    ready: async () => (await client()).ready(),
  };
}
