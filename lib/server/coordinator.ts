/**
 * Which reissue coordinator this deployment runs is configuration (a Redis, and what to do
 * while it is unreachable), so it is decided here, from lib/config.ts, and passed to the
 * reissuer; the coordinators live in lib/core.
 */
import 'server-only';
import { authSecret, config } from '@/lib/config';
import {
  createInProcessCoordinator,
  withQuickRetry,
  createRedisCoordinator,
  type ReissueCall,
  type ReissueCoordinator,
} from 'token-reissue/server';
import type { SessionUser } from '@/lib/next-auth';
import { tokenPairSchema } from '@/lib/validations/auth';
import { recordTelemetry } from './metrics/record';
import { redisLink } from './redis';

/**
 * The coordinator this app's configuration asks for, built around the API call: in-process
 * single flight always (so concurrent requests in this process share one Redis round), and
 * Redis across processes when one is configured.
 */
export function coordinatorFromConfig(
  call: ReissueCall<SessionUser>,
): ReissueCoordinator<SessionUser> {
  const {
    REISSUE_OUTCOME_TTL_SECONDS,
    REISSUE_QUICK_RETRY_MS,
    BACKEND_TIMEOUT_MS,
    REDIS_OUTAGE_WAIT_MS,
    REISSUE_FALLBACK,
  } = config();
  const reissue = withQuickRetry(call, REISSUE_QUICK_RETRY_MS);
  const outcomeTtlMs = REISSUE_OUTCOME_TTL_SECONDS * 1000;
  const link = redisLink();
  let shared: ReissueCall<SessionUser> = reissue;
  if (link) {
    const coordinator = createRedisCoordinator({
      link,
      reissue,
      fallback: REISSUE_FALLBACK === 'in-process' ? reissue : undefined,
      outageWaitMs: REDIS_OUTAGE_WAIT_MS,
      secret: authSecret(),
      tokenPairSchema,
      outcomeTtlMs,
      // The holder may spend two API timeouts and the retry delay.
      callBudgetMs: 2 * BACKEND_TIMEOUT_MS + REISSUE_QUICK_RETRY_MS + 1_000,
      telemetry: recordTelemetry,
    });
    shared = (refreshToken, binding) => coordinator.reissue(refreshToken, binding);
  }
  return createInProcessCoordinator({ reissue: shared, outcomeTtlMs, telemetry: recordTelemetry });
}
