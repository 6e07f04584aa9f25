/**
 * The test provider's configuration, as strict as the providers people deploy get:
 * - `rotateRefreshToken: true`: every refresh token works once; presenting a rotated one again
 *   revokes the whole grant (oidc-provider's default `revokeGrantPolicy`), as Keycloak does with
 *   "Revoke Refresh Token" and Auth0 with reuse detection;
 * - PKCE (S256) required of every client; RFC 7009 revocation and RP-initiated logout on;
 * - access tokens are JWTs for the API's audience (resource indicators, RFC 8707), short-lived;
 * - its development login form (devInteractions): any login and password sign in, the login
 *   becomes the subject.
 * Consent is granted by the provider for its registered clients (first-party apps, as Keycloak's
 * default), so the only page a person sees is the login form.
 */
import type { Configuration, KoaContextWithOIDC, ClientMetadata } from 'oidc-provider';

export interface TestClient {
  client_id: string;
  client_secret: string;
  redirect_uris: string[];
  post_logout_redirect_uris?: string[];
  token_endpoint_auth_method?: 'client_secret_basic' | 'client_secret_post';
}

export interface ProviderSettings {
  clients: TestClient[];
  /** The API's resource indicator; also the `aud` of its access tokens. */
  audience: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
}

/** The scope the API's access tokens carry (resource indicators give each API its scopes). */
export const API_SCOPE = 'posts';
const OIDC_SCOPES = ['openid', 'offline_access', 'email', 'profile'];

/** Display names of known test accounts; any other login is its own name. */
const NAMES: Record<string, string> = { 'demo@example.com': 'Demo Writer' };

function claimsOf(accountId: string) {
  return {
    sub: accountId,
    email: accountId.includes('@') ? accountId : `${accountId}@example.test`,
    email_verified: true,
    name: NAMES[accountId] ?? accountId,
  };
}

export function providerConfiguration(
  settings: ProviderSettings,
  keys: { jwks: { keys: Record<string, unknown>[] }; cookieKeys: string[] },
): Configuration {
  const clients: ClientMetadata[] = settings.clients.map((client) => ({
    ...client,
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: client.token_endpoint_auth_method ?? 'client_secret_basic',
  }));

  return {
    clients,
    jwks: keys.jwks as Configuration['jwks'],
    cookies: { keys: keys.cookieKeys },
    scopes: OIDC_SCOPES,
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name'],
    },
    pkce: { methods: ['S256'], required: () => true },
    rotateRefreshToken: true,
    ttl: {
      AccessToken: settings.accessTokenTtlSeconds,
      RefreshToken: settings.refreshTokenTtlSeconds,
      Grant: settings.refreshTokenTtlSeconds,
      Session: settings.refreshTokenTtlSeconds,
      IdToken: 3600,
      Interaction: 3600,
      AuthorizationCode: 60,
    },
    // The refresh token is what this app is about. (oidc-provider keeps `offline_access` only
    // with `prompt=consent`, as OpenID Connect Core says; most providers hand refresh tokens to
    // clients allowed the grant without it, and so does this one.)
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    features: {
      devInteractions: { enabled: true },
      revocation: { enabled: true },
      rpInitiatedLogout: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => settings.audience,
        useGrantedResource: async () => true,
        getResourceServerInfo: async () => ({
          scope: API_SCOPE,
          audience: settings.audience,
          accessTokenTTL: settings.accessTokenTtlSeconds,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
    // Server to server only: no browser calls the token endpoint.
    clientBasedCORS: () => false,
    // First-party clients: the provider grants what they ask for, so no consent page.
    async loadExistingGrant(ctx: KoaContextWithOIDC) {
      const { client, session } = ctx.oidc;
      if (!client || !session?.accountId) return undefined;
      const known = ctx.oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId);
      const existing = known ? await ctx.oidc.provider.Grant.find(known) : undefined;
      if (existing) return existing;
      const grant = new ctx.oidc.provider.Grant({
        clientId: client.clientId,
        accountId: session.accountId,
      });
      grant.addOIDCScope(OIDC_SCOPES.join(' '));
      grant.addResourceScope(settings.audience, API_SCOPE);
      await grant.save();
      return grant;
    },
    async findAccount(_ctx, accountId) {
      return { accountId, claims: async () => claimsOf(accountId) };
    },
  };
}
