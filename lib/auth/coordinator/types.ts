import type { ReissueOutcome } from '@/lib/auth/auth-backend';

/**
 * The one vocabulary every reissue path speaks, the backend adapter's outcome: the successor
 * pair, or why there is none. `SESSION_EXPIRED` means the refresh token will never work again;
 * `REISSUE_UNAVAILABLE` is transient (network, 5xx, timeout, a wait that ran out).
 */
export type ServerReissueResult = ReissueOutcome;

/** One call to the API's reissue endpoint, whatever the backend adapter; never throws. */
export type ReissueCall = (refreshToken: string) => Promise<ServerReissueResult>;

/**
 * Hands every request that presents the same refresh token the same outcome, calling the API
 * at most once per rotation. Implementations: in-process (default) and Redis (across processes).
 */
export interface ReissueCoordinator {
  reissue(refreshToken: string): Promise<ServerReissueResult>;
}

export function unavailable(reason: string): ServerReissueResult {
  return { ok: false, code: 'REISSUE_UNAVAILABLE', reason };
}
