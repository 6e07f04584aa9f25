import { hkdfSync } from 'node:crypto';
import { createAccessTokens, type AccessTokens, type IssuedAccessToken } from './access-tokens';
import type { BackendConfig } from './config';
import type { Db } from './db';
import { createDpopVerifier, type DpopVerifier } from './dpop';
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
  dpop: DpopVerifier;
}

export function createServices(
  config: BackendConfig,
  db: Db,
  keys: ServerKeys,
  /** The origins this server listens on, known once it does (for DPoP's `htu`). */
  ownOrigins: () => string[],
): Services {
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
    dpop: createDpopVerifier({
      origins: () => [...ownOrigins(), ...config.dpop.origins],
      iatWindowSeconds: config.dpop.iatWindowSeconds,
      nonceTtlSeconds: config.dpop.nonceTtlSeconds,
      replayCapacity: config.dpop.replayCapacity,
      // From the data directory's secret: processes sharing it accept each other's nonces.
      nonceKey: Buffer.from(hkdfSync('sha256', keys.refreshSecret, '', 'dpop nonce v1', 32)),
      requireNonce: config.dpop.nonce,
    }),
  };
}

/** The body of signup, login and reissue responses. Times are epoch milliseconds. */
export interface TokenResponse extends IssuedAccessToken {
  refreshToken: string;
  refreshTokenExpiresAt: number;
  user: PublicUser;
  /** The access token bound to the request's `secondJkt`, when it asked for one. */
  second?: IssuedAccessToken;
}

/** Which keys the new access tokens are bound to: the request's proof, and a second key. */
export interface TokenBinding {
  jkt?: string;
  secondJkt?: string;
}

export async function tokenResponse(
  services: Pick<Services, 'accessTokens'>,
  user: PublicUser,
  refresh: { refreshToken: string; refreshTokenExpiresAt: number },
  binding: TokenBinding = {},
): Promise<TokenResponse> {
  const access = await services.accessTokens.issue(user.id, binding.jkt);
  const second = binding.secondJkt
    ? await services.accessTokens.issue(user.id, binding.secondJkt)
    : undefined;
  return { ...access, ...refresh, user: toPublicUser(user), ...(second && { second }) };
}
