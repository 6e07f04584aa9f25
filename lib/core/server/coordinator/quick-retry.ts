import type { BaseUser } from '../../types';
import type { ReissueCall } from './types';

/**
 * One quick retry of a transient failure before answering "unavailable". It is meant to land
 * inside the API's reuse grace window: if the first call's rotation was committed and only its
 * answer was lost, an API with a grace window hands the same successor out again. (A strict API
 * cannot be helped there; see docs/deployment.md.)
 */
export function withQuickRetry<U extends BaseUser>(
  reissue: ReissueCall<U>,
  delayMs: number,
): ReissueCall<U> {
  // A forwarded DPoP proof may already have been seen by the API on the first try; the adapter
  // then binds by the proof's thumbprint with a proof of its own (see ReissueBinding).
  return async (refreshToken, binding) => {
    const first = await reissue(refreshToken, binding);
    // A nonce demand goes back to the browser, which signs again; a retry here would not help.
    if (first.ok || first.code !== 'REISSUE_UNAVAILABLE' || first.dpopNonce || delayMs < 0) {
      return first;
    }
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    return reissue(refreshToken, binding);
  };
}
