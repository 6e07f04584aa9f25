import { createAccessTokens, type AccessTokens } from './access-tokens';
import type { BackendConfig } from './config';
import type { Db } from './db';
import { createExternalUsers } from './external-users';
import type { ServerKeys } from './keys';
import { createLoginLimits, type LoginLimits } from './login-limits';
import { createMetrics, type Metrics } from './metrics';
import { createPostStore, type PostStore } from './posts';
import { createRefreshTokens, type RefreshTokens } from './refresh-tokens';
import { withTrustedIssuer } from './trusted-issuer';
import { createUserStore, toPublicUser, type PublicUser, type UserStore } from './users';

/** Everything route handlers need, built once per app. */
export interface Services {
  config: BackendConfig;
  keys: ServerKeys;
  metrics: Metrics;
  users: UserStore;
  posts: PostStore;
  accessTokens: AccessTokens;
  refreshTokens: RefreshTokens;
  limits: LoginLimits;
}

export function createServices(config: BackendConfig, db: Db, keys: ServerKeys): Services {
  const own = createAccessTokens(db, keys, config);
  // With TRUSTED_ISSUER, an identity provider's access tokens are accepted too.
  const accessTokens = config.trustedIssuer
    ? withTrustedIssuer(own, config.trustedIssuer, createExternalUsers(db))
    : own;
  return {
    config,
    keys,
    metrics: createMetrics(),
    users: createUserStore(db),
    posts: createPostStore(db),
    accessTokens,
    refreshTokens: createRefreshTokens(db, keys.refreshSecret, config),
    limits: createLoginLimits(config),
  };
}

/** The body of signup, login and reissue responses. Times are epoch milliseconds. */
export interface TokenResponse {
  accessToken: string;
  accessTokenExpiresAt: number;
  refreshToken: string;
  refreshTokenExpiresAt: number;
  user: PublicUser;
}

export async function tokenResponse(
  services: Pick<Services, 'accessTokens'>,
  user: PublicUser,
  refresh: { refreshToken: string; refreshTokenExpiresAt: number },
): Promise<TokenResponse> {
  const access = await services.accessTokens.issue(user.id);
  return { ...access, ...refresh, user: toPublicUser(user) };
}
