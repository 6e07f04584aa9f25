/**
 * The adapter for an OpenID provider (`AUTH_BACKEND=oidc`): the package's generic one
 * (`createOidcBackend`, refresh_token grant, revocation, end session) given this app's provider
 * settings and its user mapping (lib/validations/oidc.ts).
 */
import 'server-only';
import { createOidcBackend, type OidcBackend } from 'token-reissue/server';
import type { OidcConfig } from '@/lib/config';
import type { SessionUser } from '@/lib/next-auth';
import { userFromClaims } from '@/lib/validations/oidc';

export function createOidcAppBackend(
  oidc: OidcConfig,
  timeoutMs: number,
): OidcBackend<SessionUser> {
  return createOidcBackend<SessionUser>({
    issuer: oidc.issuer,
    clientId: oidc.clientId,
    clientSecret: oidc.clientSecret,
    clientAuth: oidc.clientAuth,
    allowInsecureHttp: oidc.allowInsecureHttp,
    timeoutMs,
    user: userFromClaims,
  });
}
