import { randomUUID } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import type { BackendConfig } from './config';
import type { Db } from './db';
import { SIGNING_ALGORITHM, type ServerKeys } from './keys';

export const ACCESS_TOKEN_TYPE = 'at+jwt';

export interface AccessClaims {
  userId: string;
  jti: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

export interface AccessTokens {
  issue(userId: string): Promise<{ accessToken: string; accessTokenExpiresAt: number }>;
  /** The claims of a valid, unrevoked access token; undefined for anything else. */
  verify(token: string): Promise<AccessClaims | undefined>;
  /** Makes a still-valid token fail from now on (dev-only debug route). */
  revoke(claims: AccessClaims): void;
  /** True when `revoke` was called for this `jti`. */
  isRevoked(jti: string): boolean;
}

export function createAccessTokens(
  db: Db,
  keys: ServerKeys,
  config: Pick<BackendConfig, 'accessTokenTtlSeconds' | 'jwtIssuer' | 'jwtAudience'>,
): AccessTokens {
  const isRevoked = db
    .prepare<[string], 1>('SELECT 1 FROM revoked_access_tokens WHERE jti = ?')
    .pluck();
  const insertRevoked = db.prepare(
    'INSERT OR IGNORE INTO revoked_access_tokens (jti, expires_at) VALUES (?, ?)',
  );
  const purgeExpired = db.prepare('DELETE FROM revoked_access_tokens WHERE expires_at <= ?');

  return {
    async issue(userId) {
      const now = Date.now();
      const issuedAt = Math.floor(now / 1000);
      // JWT times are whole seconds; round up so a token lives at least the configured TTL.
      const expiresAt = Math.ceil(now / 1000 + config.accessTokenTtlSeconds);
      const accessToken = await new SignJWT({})
        .setProtectedHeader({ alg: SIGNING_ALGORITHM, typ: ACCESS_TOKEN_TYPE, kid: keys.kid })
        .setIssuer(config.jwtIssuer)
        .setAudience(config.jwtAudience)
        .setSubject(userId)
        .setIssuedAt(issuedAt)
        .setExpirationTime(expiresAt)
        .setJti(randomUUID())
        .sign(keys.privateKey);
      return { accessToken, accessTokenExpiresAt: expiresAt * 1000 };
    },

    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, keys.publicKey, {
          // The allow-list is what stops `alg: none` and HS256-with-the-public-key forgeries.
          algorithms: [SIGNING_ALGORITHM],
          issuer: config.jwtIssuer,
          audience: config.jwtAudience,
          typ: ACCESS_TOKEN_TYPE,
          requiredClaims: ['sub', 'jti', 'exp', 'iat'],
        });
        const { sub, jti, exp } = payload;
        if (!sub || !jti || exp === undefined || isRevoked.get(jti)) return undefined;
        return { userId: sub, jti, expiresAt: exp * 1000 };
      } catch (error) {
        if (error instanceof errors.JOSEError) return undefined;
        throw error;
      }
    },

    isRevoked: (jti) => isRevoked.get(jti) !== undefined,

    revoke({ jti, expiresAt }) {
      // A revoked jti only matters until the token would have expired anyway.
      purgeExpired.run(Date.now());
      insertRevoked.run(jti, expiresAt);
    },
  };
}
