import type { ReissueCall } from './types';

/**
 * One quick retry of a transient failure before answering "unavailable". It is meant to land
 * inside the API's reuse grace window: if the first call's rotation was committed and only its
 * answer was lost, an API with a grace window hands the same successor out again. (A strict API
 * cannot be helped there; see docs/deployment.md.)
 */
export function withQuickRetry(reissue: ReissueCall, delayMs: number): ReissueCall {
  return async (refreshToken) => {
    const first = await reissue(refreshToken);
    if (first.ok || first.code !== 'REISSUE_UNAVAILABLE' || delayMs < 0) return first;
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    return reissue(refreshToken);
  };
}
