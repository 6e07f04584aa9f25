/**
 * Turns an adapter's login-style result into the machine's two reissue failure kinds. The
 * statuses that mean "this refresh token will never work again" differ between APIs, so each
 * adapter passes its own; anything else (429, 5xx, network, a malformed body) is transient.
 */
import type { BackendResult, ReissueOutcome, TokenPair } from '@/lib/auth/auth-backend';
import { reasonOf } from './http';

export function toReissueOutcome(
  result: BackendResult<TokenPair>,
  deadStatuses: readonly number[],
): ReissueOutcome {
  if (result.ok) return { ok: true, tokens: result.value };
  const { failure } = result;
  if (failure.kind === 'rejected' && deadStatuses.includes(failure.status)) {
    return { ok: false, code: 'SESSION_EXPIRED', reason: failure.error };
  }
  return { ok: false, code: 'REISSUE_UNAVAILABLE', reason: reasonOf(failure) };
}
