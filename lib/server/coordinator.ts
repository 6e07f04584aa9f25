/**
 * Which reissue coordinator this deployment runs is configuration (`REDIS_URL`), so it is
 * decided here, from lib/config.ts, and passed to the reissuer; the coordinators live in lib/core.
 */
import 'server-only';
import { authSecret, config } from '@/lib/config';
import {
  createInProcessCoordinator,
  withQuickRetry,
  createRedisCoordinator,
  createRedisClient,
  type ReissueCall,
  type ReissueCoordinator,
} from 'token-reissue/server';
import type { SessionUser } from '@/lib/next-auth';
import { tokenPairSchema } from '@/lib/validations/auth';

/**
 * The coordinator this app's configuration asks for, built around the API call: in-process
 * single flight always (so concurrent requests in this process share one Redis round), and
 * Redis across processes when `REDIS_URL` is set.
 */
export function coordinatorFromConfig(
  call: ReissueCall<SessionUser>,
): ReissueCoordinator<SessionUser> {
  const { REDIS_URL, REISSUE_OUTCOME_TTL_SECONDS, REISSUE_QUICK_RETRY_MS, BACKEND_TIMEOUT_MS } =
    config();
  const reissue = withQuickRetry(call, REISSUE_QUICK_RETRY_MS);
  const outcomeTtlMs = REISSUE_OUTCOME_TTL_SECONDS * 1000;
  let shared: ReissueCall<SessionUser> = reissue;
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
      tokenPairSchema,
      outcomeTtlMs,
      lockTtlMs,
      waitMs: lockTtlMs + 1_000,
    });
    shared = (refreshToken) => coordinator.reissue(refreshToken);
  }
  return createInProcessCoordinator({ reissue: shared, outcomeTtlMs });
}
