/**
 * Access tokens from a trusted OpenID provider (`TRUSTED_ISSUER`), accepted beside the API's own,
 * so the app's `oidc` adapter works end to end. A token whose (unverified) `iss` names the
 * provider is verified as strictly as the API's own tokens, against the provider's keys:
 * - the keys come from the `jwks_uri` of the provider's discovery document, whose `issuer` must
 *   be exactly the configured one (OpenID Connect Discovery §4.3), fetched with jose's
 *   createRemoteJWKSet (cached, refetched for an unknown `kid` at most every 30 s);
 * - an explicit algorithm allow-list (asymmetric only: no `none`, no HS256 keyed with a public
 *   key), the issuer, the audience, the header `typ`, `sub`, `iat` and `exp` required;
 * - a revoked `jti` (the debug route) is refused as for the API's own tokens.
 * Any other `iss` goes to the API's own verification. The provider's subject maps to a local
 * user (external-users.ts). If the provider's keys cannot be had at all, the answer is 503, not
 * 401: a 401 would tell the app the token is bad and start a reissue for nothing; keys fetched
 * once keep working through a provider outage.
 */
import { createHash } from 'node:crypto';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  decodeJwt,
  errors,
  jwtVerify,
  type JWTVerifyGetKey,
} from 'jose';
import { z } from 'zod';
import type { AccessTokens } from './access-tokens';
import type { TrustedIssuerConfig } from './config';
import { ApiError } from './errors';
import type { ExternalUsers } from './external-users';

const FETCH_TIMEOUT_MS = 5_000;
/** Keys are re-read hourly; an unknown `kid` (rotation) triggers an earlier read. */
const KEYS_MAX_AGE_MS = 60 * 60_000;

const discoverySchema = z.object({ issuer: z.string(), jwks_uri: z.url() });

/** The provider's keys are out of reach: answer 503, the client retries. */
export const issuerUnavailable = () =>
  new ApiError(503, 'temporarily_unavailable', 'The identity provider cannot be reached', {
    'retry-after': '5',
  });

function isUnreachable(error: unknown): boolean {
  if (error instanceof errors.JWKSTimeout) return true;
  if (error instanceof TypeError) return true; // fetch: refused, reset, DNS
  // jose's own "not 200 / not JSON" from the key set endpoint.
  return error instanceof errors.JOSEError && error.code === 'ERR_JOSE_GENERIC';
}

/** The provider's key set: discovered once, then jose's cache; stale keys outlive an outage. */
function providerKeys(issuer: string): JWTVerifyGetKey {
  let remote: ReturnType<typeof createRemoteJWKSet> | undefined;
  let discovering: Promise<ReturnType<typeof createRemoteJWKSet>> | undefined;

  const discover = async () => {
    const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
    const response = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    if (!response.ok) throw new TypeError(`discovery answered ${response.status}`);
    const metadata = discoverySchema.parse(await response.json());
    if (metadata.issuer !== issuer) {
      throw new Error(`discovery names issuer ${metadata.issuer}, not ${issuer}`);
    }
    return createRemoteJWKSet(new URL(metadata.jwks_uri), {
      timeoutDuration: FETCH_TIMEOUT_MS,
      cacheMaxAge: KEYS_MAX_AGE_MS,
    });
  };

  return async (header, token) => {
    if (!remote) {
      discovering ??= discover().finally(() => (discovering = undefined));
      try {
        remote = await discovering;
      } catch {
        // Unreachable, or a discovery document that does not fit: tried again next time.
        throw issuerUnavailable();
      }
    }
    try {
      return await remote(header, token);
    } catch (error) {
      if (!isUnreachable(error)) throw error;
      const stale = remote.jwks();
      if (stale) return createLocalJWKSet(stale)(header, token);
      throw issuerUnavailable();
    }
  };
}

function claimedIssuer(token: string): string | undefined {
  try {
    return decodeJwt(token).iss;
  } catch {
    return undefined;
  }
}

const headerType = (typ: string | undefined) => typ?.toLowerCase().replace(/^application\//, '');

/** `local`, plus the provider's tokens: same interface, so routes and debug routes need no change. */
export function withTrustedIssuer(
  local: AccessTokens,
  trusted: TrustedIssuerConfig,
  users: ExternalUsers,
): AccessTokens {
  const keys = providerKeys(trusted.issuer);

  async function verifyProviderToken(token: string) {
    try {
      const { payload, protectedHeader } = await jwtVerify(token, keys, {
        algorithms: trusted.algorithms,
        issuer: trusted.issuer,
        audience: trusted.audience,
        requiredClaims: ['sub', 'iat', 'exp'],
      });
      const typ = headerType(protectedHeader.typ);
      if (trusted.tokenTypes.length > 0 && (!typ || !trusted.tokenTypes.includes(typ))) {
        return undefined;
      }
      const { sub, exp, jti } = payload;
      if (!sub || exp === undefined) return undefined;
      // Without a jti the token's hash names it, so the debug route can still revoke it.
      const id = jti ?? createHash('sha256').update(token).digest('base64url');
      if (local.isRevoked(id)) return undefined;
      return { userId: users.userIdFor(trusted.issuer, sub), jti: id, expiresAt: exp * 1000 };
    } catch (error) {
      if (error instanceof errors.JOSEError) return undefined;
      throw error;
    }
  }

  return {
    ...local,
    verify: (token) =>
      claimedIssuer(token) === trusted.issuer ? verifyProviderToken(token) : local.verify(token),
  };
}
