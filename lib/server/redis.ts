/**
 * The process's one Redis link, when the configuration names a Redis (standalone, Sentinel or
 * Cluster): the coordinator, the used-ticket store and the rollback guard share it, so the
 * process has one connection and logs one line per outage. It lives on `globalThis` because
 * Next bundles modules once per route and the proxy; it is built on first use, so `next build`
 * reads no configuration.
 */
import 'server-only';
import { config } from '@/lib/config';
import { connectRedis, createRedisLink, type RedisLink } from 'token-reissue/server';
import { noteRedisConfigured, recordTelemetry } from './metrics/record';

const LINK = Symbol.for('token-reissue.redis-link');

export function redisLink(): RedisLink | undefined {
  const { redis, REDIS_OUTAGE_WAIT_MS, REISSUE_FALLBACK } = config();
  if (!redis) return undefined;
  const holder = globalThis as typeof globalThis & { [LINK]?: RedisLink };
  if (holder[LINK]) return holder[LINK];
  noteRedisConfigured();
  holder[LINK] = createRedisLink({
    connection: connectRedis(redis.topology, redis),
    duringOutage:
      REISSUE_FALLBACK === 'in-process'
        ? 'reissues are coordinated in this process only until it is back (REISSUE_FALLBACK=in-process)'
        : `reissues wait up to ${REDIS_OUTAGE_WAIT_MS} ms for it, then answer "unavailable"; reissue tickets are refused meanwhile`,
    telemetry: recordTelemetry,
  });
  return holder[LINK];
}
