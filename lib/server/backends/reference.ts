/**
 * The adapter for this project's reference API (`backend/`): JSON bodies, the refresh token in
 * the body, epoch-millisecond expiry fields and the user inside every token answer. 400, 401
 * and 403 from `/auth/reissue` mean the refresh token is dead.
 */
import 'server-only';
import type {
  AuthBackend,
  BackendEndpoint,
  BackendResult,
  TokenPair,
} from '@/lib/server/auth-backend';
import { sessionUserSchema } from '@/lib/validations/session';
import { referenceTokenResponseSchema, tokenPairSchema } from '@/lib/validations/auth';
import type { SessionUser } from '@/lib/next-auth';
import type { ReissueBinding } from 'token-reissue/server';
import type { ServerDpop } from '../dpop';
import { call, parseBody, reasonOf, statusFailure, type CallOptions } from './http';
import { dpopTokenCall, isDpopRefusal, toTokenPair } from './reference-dpop';
import {
  REFERENCE_LOGIN_PATH,
  REFERENCE_REISSUE_PATH,
  REFERENCE_SIGNUP_PATH,
} from './reference-paths';
import { toReissueOutcome } from './reissue-outcome';

const NAME = 'reference';
const DEAD_REFRESH_STATUSES = [400, 401, 403] as const;

export interface ReferenceBackendOptions {
  /** DPoP with the Next server's key (asked per call); null or absent: bearer tokens. */
  dpop?: () => ServerDpop | null;
}

export function createReferenceBackend(
  endpoint: BackendEndpoint,
  options: ReferenceBackendOptions = {},
): AuthBackend {
  async function postForTokens(
    path: string,
    request: CallOptions & { body: Record<string, unknown> },
    binding?: ReissueBinding,
  ): Promise<BackendResult<TokenPair>> {
    const dpop = options.dpop?.();
    const { answer, first } = dpop
      ? await dpopTokenCall(endpoint, path, request, dpop, binding)
      : { answer: await call(endpoint, path, request), first: 'browser' as const };
    if (!answer.ok) return answer;
    if (answer.status < 200 || answer.status >= 300) {
      const failure = statusFailure(NAME, path, answer.status, answer.json);
      // A proof the API refused says nothing about the refresh token: never "session ended".
      if (isDpopRefusal(answer)) {
        const reason = `${path}: the API refused the DPoP proof (${failure.kind === 'rejected' ? failure.error : 'unknown'})`;
        return { ok: false, failure: { kind: 'unavailable', cause: 'status', reason } };
      }
      return { ok: false, failure };
    }
    if (!dpop) return parseBody(NAME, path, tokenPairSchema, answer.json);
    const parsed = parseBody(NAME, path, referenceTokenResponseSchema, answer.json);
    return parsed.ok ? { ok: true, value: toTokenPair(parsed.value, first) } : parsed;
  }

  return {
    name: NAME,
    login: (email, password, context) =>
      postForTokens(REFERENCE_LOGIN_PATH, { body: { email, password }, context }),
    signUp: (input, context) =>
      postForTokens(REFERENCE_SIGNUP_PATH, { body: { ...input }, context }),
    async reissue(refreshToken, binding) {
      const result = await postForTokens(
        REFERENCE_REISSUE_PATH,
        { body: { refreshToken } },
        binding,
      );
      return toReissueOutcome(result, DEAD_REFRESH_STATUSES);
    },
    async logout(refreshToken) {
      const answer = await call(endpoint, '/auth/logout', { body: { refreshToken } });
      if (!answer.ok) console.warn(`[auth] logout call failed: ${reasonOf(answer.failure)}`);
    },
    async loadUser(accessToken): Promise<BackendResult<SessionUser>> {
      const path = '/users/me';
      const answer = await call(endpoint, path, {
        method: 'GET',
        headers: { authorization: `Bearer ${accessToken}` },
      });
      if (!answer.ok) return answer;
      if (answer.status !== 200) {
        return { ok: false, failure: statusFailure(NAME, path, answer.status, answer.json) };
      }
      return parseBody(NAME, path, sessionUserSchema, answer.json);
    },
  };
}
