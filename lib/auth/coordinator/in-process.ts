import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { ReissueCall, ReissueCoordinator, ServerReissueResult } from './types';

export interface InProcessOptions {
  reissue: ReissueCall;
  /** How long a settled outcome is handed to later requests presenting the same token. */
  outcomeTtlMs: number;
  max?: number;
}

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/**
 * Single flight per refresh token within one process: concurrent requests carrying the same
 * (possibly just rotated) refresh token share one call, and requests arriving within the TTL
 * reuse its outcome instead of replaying the rotated token. Bounded in size and time.
 * Transient failures are forgotten at once: the next request may succeed.
 */
export function createInProcessCoordinator({
  reissue,
  outcomeTtlMs,
  max = 1_000,
}: InProcessOptions): ReissueCoordinator {
  const outcomes = new LRUCache<string, Promise<ServerReissueResult>>({ max, ttl: outcomeTtlMs });
  return {
    reissue(refreshToken) {
      const key = tokenHash(refreshToken);
      let pending = outcomes.get(key);
      if (!pending) {
        pending = reissue(refreshToken).catch((error: unknown) => ({
          ok: false as const,
          code: 'REISSUE_UNAVAILABLE' as const,
          reason: error instanceof Error ? error.message : String(error),
        }));
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
