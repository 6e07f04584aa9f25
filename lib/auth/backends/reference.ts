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
} from '@/lib/auth/auth-backend';
import { sessionUserSchema } from '@/lib/validations/session';
import { tokenPairSchema } from '@/lib/validations/auth';
import type { SessionUser } from '@/machines/auth.types';
import { call, parseBody, reasonOf, statusFailure, type CallOptions } from './http';
import { toReissueOutcome } from './reissue-outcome';

const NAME = 'reference';
const DEAD_REFRESH_STATUSES = [400, 401, 403] as const;

export function createReferenceBackend(endpoint: BackendEndpoint): AuthBackend {
  async function postForTokens(
    path: string,
    options: CallOptions,
  ): Promise<BackendResult<TokenPair>> {
    const answer = await call(endpoint, path, options);
    if (!answer.ok) return answer;
    if (answer.status < 200 || answer.status >= 300) {
      return { ok: false, failure: statusFailure(NAME, path, answer.status, answer.json) };
    }
    return parseBody(NAME, path, tokenPairSchema, answer.json);
  }

  return {
    name: NAME,
    login: (email, password, context) =>
      postForTokens('/auth/login', { body: { email, password }, context }),
    signUp: (input, context) => postForTokens('/auth/signup', { body: input, context }),
    async reissue(refreshToken) {
      const result = await postForTokens('/auth/reissue', { body: { refreshToken } });
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
