import { LRUCache } from 'lru-cache';
import type { ReissueOutcome } from '../auth-backend';
import type { BaseUser } from '../../types';
import { emit, type TelemetryHook } from '../../telemetry/events';
import { inSpan } from '../spans';
import { tokenHash } from '../token-hash';
import { unavailable, type ReissueCall, type ReissueCoordinator } from './types';

export interface InProcessOptions<U extends BaseUser> {
  reissue: ReissueCall<U>;
  /** How long a settled outcome is handed to later requests presenting the same token. */
  outcomeTtlMs: number;
  max?: number;
  /** Told how long each caller that joined a reissue in flight waited for it. */
  telemetry?: TelemetryHook;
}

/**
 * Single flight per refresh token within one process: concurrent requests carrying the same
 * (possibly just rotated) refresh token share one call, and requests arriving within the TTL
 * reuse its outcome instead of replaying the rotated token. Bounded in size and time.
 * Transient failures are forgotten at once: the next request may succeed.
 */
export function createInProcessCoordinator<U extends BaseUser>({
  reissue,
  outcomeTtlMs,
  max = 1_000,
  telemetry,
}: InProcessOptions<U>): ReissueCoordinator<U> {
  /** A caller that found the reissue in flight waits for it: the in-process lock wait. */
  const wait = (pending: Promise<ReissueOutcome<U>>) =>
    inSpan('coordinator.wait', { 'coordinator.kind': 'in-process' }, async (span) => {
      const started = performance.now();
      const outcome = await pending;
      span.setAttribute('coordinator.outcome', 'received');
      const seconds = (performance.now() - started) / 1000;
      emit(telemetry, {
        type: 'coordinator_wait',
        coordinator: 'in-process',
        outcome: 'received',
        seconds,
      });
      return outcome;
    });
  const outcomes = new LRUCache<string, Promise<ReissueOutcome<U>>>({ max, ttl: outcomeTtlMs });
  return {
    reissue(refreshToken, binding) {
      const key = tokenHash(refreshToken);
      const inFlight = outcomes.get(key);
      if (inFlight) return wait(inFlight);
      const pending = reissue(refreshToken, binding).catch((error: unknown) =>
        unavailable(error instanceof Error ? error.message : String(error)),
      );
      outcomes.set(key, pending);
      void pending.then((result) => {
        if (!result.ok && result.code === 'REISSUE_UNAVAILABLE' && outcomes.get(key) === pending) {
          outcomes.delete(key);
        }
      });
      return pending;
    },
  };
}
