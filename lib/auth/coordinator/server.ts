import 'server-only';
import { authSecret, config } from '@/lib/config';
import { createInProcessCoordinator } from './in-process';
import { withQuickRetry } from './quick-retry';
import { createRedisCoordinator } from './redis';
import { createRedisClient } from './redis-client';
import type { ReissueCall, ReissueCoordinator } from './types';

const COORDINATOR = Symbol.for('token-reissue.reissue-coordinator');

/**
 * The process's one coordinator, built from config around the given API call: in-process
 * single flight always (so concurrent requests in this process share one Redis round), and
 * Redis across processes when `REDIS_URL` is set. Next bundles modules separately into the
 * proxy, each page and each route handler, so it lives on `globalThis`: one per process.
 */
export function serverCoordinator(call: ReissueCall): ReissueCoordinator {
  const holder = globalThis as typeof globalThis & { [COORDINATOR]?: ReissueCoordinator };
  holder[COORDINATOR] ??= build(call);
  return holder[COORDINATOR];
}

function build(call: ReissueCall): ReissueCoordinator {
  const { REDIS_URL, REISSUE_OUTCOME_TTL_SECONDS, REISSUE_QUICK_RETRY_MS, BACKEND_TIMEOUT_MS } =
    config();
  const reissue = withQuickRetry(call, REISSUE_QUICK_RETRY_MS);
  const outcomeTtlMs = REISSUE_OUTCOME_TTL_SECONDS * 1000;
  let shared: ReissueCall = reissue;
  if (REDIS_URL) {
    // The holder may spend two API timeouts and the retry delay; its lock outlives that.
    const lockTtlMs = 2 * BACKEND_TIMEOUT_MS + REISSUE_QUICK_RETRY_MS + 1_000;
    // A busy process may take a while for its first connection; later outages fail fast.
    const { redis, ready } = createRedisClient(REDIS_URL, 3_000);
    const coordinator = createRedisCoordinator({
      redis,
      ready,
      reissue,
      fallback: reissue,
      secret: authSecret(),
      outcomeTtlMs,
      lockTtlMs,
      waitMs: lockTtlMs + 1_000,
    });
    shared = (refreshToken) => coordinator.reissue(refreshToken);
  }
  return createInProcessCoordinator({ reissue: shared, outcomeTtlMs });
}
