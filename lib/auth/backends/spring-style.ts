/**
 * The adapter for an API shaped like a typical Spring Boot server (the original write-up's):
 * `/api/auth/*` paths, the refresh token in an `Authorization-Refresh` header on reissue and
 * logout, `{ accessToken, refreshToken }` answers (maybe inside `{ data }`) with the expiry
 * only in the JWT's `exp` (or `expiresIn` seconds), and the user from `GET /users/me`. It
 * assumes strict rotation: every refresh token works once, so this adapter never retries a
 * reissue itself (a retry would replay a token the API may already have rotated).
 */
import 'server-only';
import type {
  AuthBackend,
  BackendEndpoint,
  BackendFailure,
  BackendResult,
  TokenPair,
} from '@/lib/auth/auth-backend';
import { springTokensSchema, springUserSchema } from '@/lib/validations/spring-style';
import type { SessionUser } from '@/machines/auth.types';
import { resolveExpiry } from './expiry';
import { call, parseBody, reasonOf, statusFailure, unavailable, type CallOptions } from './http';
import { toReissueOutcome } from './reissue-outcome';

const NAME = 'spring-style';
export const REFRESH_HEADER = 'Authorization-Refresh';
const DEAD_REFRESH_STATUSES = [400, 401, 403] as const;
/** An opaque refresh token with no stated lifetime: the session cookie's own lifetime bounds it. */
const UNKNOWN_REFRESH_LIFETIME_MS = 30 * 24 * 60 * 60_000;

export const SPRING_PATHS = {
  login: '/api/auth/login',
  signUp: '/api/auth/signup',
  reissue: '/api/auth/reissue',
  logout: '/api/auth/logout',
  me: '/users/me',
} as const;

export function createSpringStyleBackend(endpoint: BackendEndpoint): AuthBackend {
  async function loadUser(accessToken: string): Promise<BackendResult<SessionUser>> {
    const answer = await call(endpoint, SPRING_PATHS.me, {
      method: 'GET',
      headers: { authorization: `Bearer ${accessToken}` },
    });
    if (!answer.ok) return answer;
    if (answer.status !== 200) {
      return {
        ok: false,
        failure: statusFailure(NAME, SPRING_PATHS.me, answer.status, answer.json),
      };
    }
    return parseBody(NAME, SPRING_PATHS.me, springUserSchema, answer.json);
  }

  /** Calls a token endpoint, then completes the pair: expiries from the JWTs, user from /users/me. */
  async function tokensFrom(path: string, options: CallOptions): Promise<BackendResult<TokenPair>> {
    const answer = await call(endpoint, path, options);
    if (!answer.ok) return answer;
    if (answer.status < 200 || answer.status >= 300) {
      return { ok: false, failure: statusFailure(NAME, path, answer.status, answer.json) };
    }
    const body = parseBody(NAME, path, springTokensSchema, answer.json);
    if (!body.ok) return body;
    const { accessToken, refreshToken, expiresIn, refreshTokenExpiresIn } = body.value;
    const now = Date.now();
    const accessTokenExpiresAt = resolveExpiry({ inSeconds: expiresIn, token: accessToken }, now);
    if (accessTokenExpiresAt === null) {
      const reason = `malformed ${path} response: the access token has no exp claim and the answer no expiresIn`;
      console.error(`[auth] ${NAME} API ${reason}`);
      return { ok: false, failure: unavailable('malformed', reason) };
    }
    const refreshTokenExpiresAt =
      resolveExpiry({ inSeconds: refreshTokenExpiresIn, token: refreshToken }, now) ??
      now + UNKNOWN_REFRESH_LIFETIME_MS;
    // A GET is safe to repeat, and losing a pair the API already rotated costs the session.
    let user = await loadUser(accessToken);
    const transient = (failure: BackendFailure) =>
      failure.kind === 'unavailable' && failure.cause !== 'malformed';
    if (!user.ok && transient(user.failure)) user = await loadUser(accessToken);
    if (!user.ok) {
      // The pair is fresh, so a refusal here is the API's fault, not the session's: transient.
      const reason = `${SPRING_PATHS.me} after ${path} failed: ${reasonOf(user.failure)}`;
      if (user.failure.kind === 'rejected') console.error(`[auth] ${NAME} API ${reason}`);
      return { ok: false, failure: unavailable('status', reason) };
    }
    return {
      ok: true,
      value: {
        accessToken,
        accessTokenExpiresAt,
        refreshToken,
        refreshTokenExpiresAt,
        user: user.value,
      },
    };
  }

  return {
    name: NAME,
    login: (email, password, context) =>
      tokensFrom(SPRING_PATHS.login, { body: { email, password }, context }),
    async signUp(input, context) {
      // Spring sign-up endpoints usually answer with the new user, not tokens: sign in after.
      const answer = await call(endpoint, SPRING_PATHS.signUp, { body: input, context });
      if (!answer.ok) return answer;
      if (answer.status < 200 || answer.status >= 300) {
        return {
          ok: false,
          failure: statusFailure(NAME, SPRING_PATHS.signUp, answer.status, answer.json),
        };
      }
      return tokensFrom(SPRING_PATHS.login, {
        body: { email: input.email, password: input.password },
        context,
      });
    },
    async reissue(refreshToken) {
      const result = await tokensFrom(SPRING_PATHS.reissue, {
        headers: { [REFRESH_HEADER]: `Bearer ${refreshToken}` },
      });
      return toReissueOutcome(result, DEAD_REFRESH_STATUSES);
    },
    async logout(refreshToken) {
      const answer = await call(endpoint, SPRING_PATHS.logout, {
        headers: { [REFRESH_HEADER]: `Bearer ${refreshToken}` },
      });
      if (!answer.ok) console.warn(`[auth] logout call failed: ${reasonOf(answer.failure)}`);
    },
    loadUser,
  };
}
