import { LRUCache } from 'lru-cache';
import type { ReissueOutcome } from '../auth-backend';
import type { BaseUser } from '../../types';
import { tokenHash } from '../token-hash';
import { unavailable, type ReissueCall, type ReissueCoordinator } from './types';

export interface InProcessOptions<U extends BaseUser> {
  reissue: ReissueCall<U>;
  /** How long a settled outcome is handed to later requests presenting the same token. */
  outcomeTtlMs: number;
  max?: number;
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
}: InProcessOptions<U>): ReissueCoordinator<U> {
  const outcomes = new LRUCache<string, Promise<ReissueOutcome<U>>>({ max, ttl: outcomeTtlMs });
  return {
    reissue(refreshToken) {
      const key = tokenHash(refreshToken);
      let pending = outcomes.get(key);
      if (!pending) {
        pending = reissue(refreshToken).catch((error: unknown) =>
          unavailable(error instanceof Error ? error.message : String(error)),
        );
        outcomes.set(key, pending);
        const settled = pending;
        void settled.then((result) => {
          if (
            !result.ok &&
            result.code === 'REISSUE_UNAVAILABLE' &&
            outcomes.get(key) === settled
          ) {
            outcomes.delete(key);
          }
        });
      }
      return pending;
    },
  };
}
