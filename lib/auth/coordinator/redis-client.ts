import { Redis } from 'ioredis';

/**
 * An ioredis connection tuned to fail fast: no offline queue (a command while disconnected
 * fails at once and the coordinator falls back), reconnects in the background, and error
 * events swallowed here because the coordinator logs one line per outage itself.
 */
export function createRedisClient(url: string, connectTimeoutMs: number) {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: connectTimeoutMs,
    retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
  });
  redis.on('error', () => {});
  let everReady = false;
  redis.once('ready', () => {
    everReady = true;
  });

  /** Ready now; or, before the first connection only, ready within the connect timeout. */
  async function ready(): Promise<boolean> {
    if (redis.status === 'ready') return true;
    if (everReady) return false;
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(redis.status === 'ready'), connectTimeoutMs);
      redis.once('ready', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  return { redis, ready };
}
