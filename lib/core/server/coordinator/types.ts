import type { ReissueBinding, ReissueOutcome } from '../auth-backend';
import type { BaseUser } from '../../types';

/**
 * Coordinators speak the adapter's outcome (`ReissueOutcome`, codes from ../../errors.ts): the
 * successor pair, or why there is none. `SESSION_EXPIRED` means the refresh token will never
 * work again; `REISSUE_UNAVAILABLE` is transient (network, 5xx, timeout, a wait that ran out).
 */

/** One call to the API's reissue endpoint, whatever the backend adapter; never throws. */
export type ReissueCall<U extends BaseUser = BaseUser> = (
  refreshToken: string,
  binding?: ReissueBinding,
) => Promise<ReissueOutcome<U>>;

/**
 * Hands every request that presents the same refresh token the same outcome, calling the API
 * at most once per rotation. Implementations: in-process (default) and Redis (across processes).
 */
export interface ReissueCoordinator<U extends BaseUser = BaseUser> {
  /** `binding` of the caller that makes the call is used; the others share its outcome. */
  reissue(refreshToken: string, binding?: ReissueBinding): Promise<ReissueOutcome<U>>;
}

export function unavailable(reason: string) {
  return { ok: false as const, code: 'REISSUE_UNAVAILABLE' as const, reason };
}
