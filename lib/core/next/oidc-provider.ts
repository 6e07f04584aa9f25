/**
 * Sign-in at an OpenID provider through next-auth 4's own OAuth support: the authorization code
 * flow with PKCE, state and nonce (`checks`), the ID token verified by next-auth (openid-client
 * 5: signature against the provider's JWKS, issuer, audience, nonce). Its `profile()` turns the
 * token endpoint's answer into the same shape a password sign-in's `authorize()` returns (the
 * token pair, the user, a new session id), so the session cookie, reissue tickets, the proxy and
 * the reissue route need no second path: `sessionFromTokens(user, user.sid)` in the `jwt`
 * callback, as for credentials. The refresh token goes into the encrypted cookie only.
 */
import type { OAuthConfig } from 'next-auth/providers/oauth';
import type { ClientAuthMethod } from '../server/oidc/discovery';
import { tokenPairFromAnswer, type TokenEndpointAnswer } from '../server/oidc/token-response';
import type { BaseUser } from '../types';
import type { AuthorizedUser } from './credentials';
import { newSessionId } from './session';

export interface OidcSignInProviderOptions<U extends BaseUser> {
  /** next-auth's provider id: `signIn('oidc')`, `/api/auth/callback/oidc`. Default `oidc`. */
  id?: string;
  /** Shown as "Sign in with <name>". */
  name: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  clientAuth?: ClientAuthMethod;
  /** Default `openid profile email offline_access`. */
  scope?: string;
  /** Extra authorization request parameters (`audience` for Auth0, `resource`, …). */
  authorizationParams?: Record<string, string>;
  /** The app's user from the ID token's claims; null refuses the sign-in. */
  user(claims: Record<string, unknown>): U | null;
}

/** The provider's answer could not start a session (no refresh token, claims without a user). */
export class OidcSignInRefused extends Error {
  readonly code = 'OIDC_SIGN_IN_REFUSED' as const;
  override readonly name = 'OidcSignInRefused';
}

export const DEFAULT_OIDC_SCOPE = 'openid profile email offline_access';

export function oidcSignInProvider<U extends BaseUser>(
  options: OidcSignInProviderOptions<U>,
): OAuthConfig<Record<string, unknown>> {
  return {
    id: options.id ?? 'oidc',
    name: options.name,
    type: 'oauth',
    wellKnown: `${options.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    client: { token_endpoint_auth_method: options.clientAuth ?? 'client_secret_basic' },
    authorization: {
      params: { scope: options.scope ?? DEFAULT_OIDC_SCOPE, ...options.authorizationParams },
    },
    checks: ['pkce', 'state', 'nonce'],
    idToken: true,
    // Thrown errors end the callback at next-auth's sign-in page, and its log names them.
    profile(claims, tokens) {
      const user = options.user(claims);
      if (!user)
        throw new OidcSignInRefused('The ID token does not describe a user this app accepts');
      const pair = tokenPairFromAnswer(tokens as TokenEndpointAnswer, user, {});
      if (!pair.ok) throw new OidcSignInRefused(pair.reason);
      const signedIn: AuthorizedUser<U> = { id: user.id, sid: newSessionId(), ...pair.tokens };
      // next-auth's User is the app's to declare; this is the shape its authorize() returns.
      return signedIn as never;
    },
  };
}
