/**
 * The `AuthBackend` for an OpenID provider (Keycloak, Auth0, Okta, Entra ID, Cognito, …): the
 * person signs in at the provider (next-auth's OAuth flow, `token-reissue/next`'s
 * `oidcSignInProvider`), and this adapter does the rest on the Next server through openid-client:
 * - `reissue` is the refresh_token grant at the token endpoint, called once per rotation by the
 *   coordinator; `invalid_grant` is `SESSION_EXPIRED`, anything else `REISSUE_UNAVAILABLE`;
 * - the user comes from the refreshed ID token's claims (validated by openid-client: issuer,
 *   audience, expiry), or from the userinfo endpoint when the answer has no ID token, mapped and
 *   validated by the app's `user` function;
 * - `logout` revokes the refresh token (RFC 7009) when the provider advertises a revocation
 *   endpoint; `endSessionUrl` is where the browser ends the provider's own session
 *   (RP-initiated logout) when it advertises an end_session_endpoint.
 * Password sign-in is refused: the provider's login page is the only way in.
 */
import type { AuthBackend, BackendResult, ReissueOutcome } from '../auth-backend';
import type { BaseUser } from '../../types';
import { createProviderClient, type ProviderClientOptions } from './discovery';
import { classifyProviderError, type ProviderFailure } from './failures';
import { tokenPairFromAnswer } from './token-response';

export interface OidcBackendOptions<U extends BaseUser> extends Omit<
  ProviderClientOptions,
  'timeoutMs'
> {
  /** Upper bound for one call to the provider. Default 5 s. */
  timeoutMs?: number;
  /** The app's user from the provider's claims (`sub`, `email`, …); null refuses them. */
  user(claims: Record<string, unknown>): U | null;
  /** Extra parameters on every refresh request, e.g. `{ resource }` (RFC 8707). */
  refreshParameters?: Record<string, string>;
  log?: (line: string) => void;
}

export interface EndSessionRequest {
  /** The session's ID token, as `id_token_hint` (some providers require it). */
  idToken?: string;
  /** Where the provider sends the browser afterwards; must be registered with the provider. */
  postLogoutRedirectUri: string;
}

export interface OidcBackend<U extends BaseUser> extends AuthBackend<U, never> {
  /** The provider's logout URL for this session, or null when it advertises none. */
  endSessionUrl(request: EndSessionRequest): Promise<string | null>;
}

const NAME = 'oidc';

export function createOidcBackend<U extends BaseUser>(
  options: OidcBackendOptions<U>,
): OidcBackend<U> {
  const provider = createProviderClient({ ...options, timeoutMs: options.timeoutMs ?? 5_000 });
  const log = options.log ?? ((line: string) => console.warn(line));
  const unavailable = (failure: ProviderFailure | string): ReissueOutcome<U> => ({
    ok: false,
    code: 'REISSUE_UNAVAILABLE',
    reason: typeof failure === 'string' ? failure : failure.reason,
  });

  /** The user from validated claims; only the claims' shape is logged, never a token. */
  function mapUser(claims: Record<string, unknown>, source: string): U | null {
    let user: U | null = null;
    try {
      user = options.user(claims);
    } catch {
      user = null;
    }
    if (!user) log(`[auth] ${NAME}: the ${source} claims do not make a user`);
    return user;
  }

  async function userinfo(accessToken: string): Promise<BackendResult<U>> {
    const client = await provider.lib();
    const config = await provider.configuration();
    if (!config.serverMetadata().userinfo_endpoint) {
      return {
        ok: false,
        failure: { kind: 'unavailable', cause: 'malformed', reason: 'no userinfo endpoint' },
      };
    }
    try {
      const claims = await client.fetchUserInfo(config, accessToken, client.skipSubjectCheck);
      const user = mapUser(claims as Record<string, unknown>, 'userinfo');
      if (user) return { ok: true, value: user };
      return {
        ok: false,
        failure: { kind: 'unavailable', cause: 'malformed', reason: 'userinfo: no user' },
      };
    } catch (error) {
      const failure = classifyProviderError(error, 'userinfo');
      return {
        ok: false,
        failure:
          failure.cause === 'rejected'
            ? { kind: 'rejected', status: 401, error: failure.reason }
            : { kind: 'unavailable', cause: failure.cause, reason: failure.reason },
      };
    }
  }

  return {
    name: NAME,
    async login() {
      return {
        ok: false,
        failure: { kind: 'rejected', status: 400, error: 'password_sign_in_unsupported' },
      };
    },

    async reissue(refreshToken) {
      let client;
      let config;
      try {
        [client, config] = await Promise.all([provider.lib(), provider.configuration()]);
      } catch (error) {
        const failure = classifyProviderError(error, 'discovery');
        log(`[auth] ${NAME}: ${failure.reason}`);
        return unavailable(failure);
      }
      let answer;
      try {
        answer = await client.refreshTokenGrant(config, refreshToken, options.refreshParameters);
      } catch (error) {
        const failure = classifyProviderError(error, 'refresh_token grant');
        if (failure.cause === 'malformed' || failure.cause === 'rejected') {
          log(`[auth] ${NAME}: ${failure.reason}`);
        }
        return { ok: false, code: failure.code, reason: failure.reason };
      }

      const idClaims = answer.claims() as Record<string, unknown> | undefined;
      let user: U | null = idClaims ? mapUser(idClaims, 'ID token') : null;
      if (!idClaims) {
        // No ID token in the refresh answer: ask userinfo, twice if the first try is transient
        // (the provider already rotated; losing this pair would cost the session).
        let found = await userinfo(answer.access_token);
        if (
          !found.ok &&
          found.failure.kind === 'unavailable' &&
          found.failure.cause !== 'malformed'
        ) {
          found = await userinfo(answer.access_token);
        }
        if (!found.ok) return unavailable(`userinfo after refresh: ${found.failure.kind}`);
        user = found.value;
      }
      if (!user) return unavailable('the refreshed claims do not make a user');

      const pair = tokenPairFromAnswer(answer, user, { presentedRefreshToken: refreshToken });
      if (!pair.ok) {
        log(`[auth] ${NAME}: malformed refresh answer: ${pair.reason}`);
        return unavailable(pair.reason);
      }
      return { ok: true, tokens: pair.tokens };
    },

    async logout(refreshToken) {
      try {
        const [client, config] = await Promise.all([provider.lib(), provider.configuration()]);
        if (!config.serverMetadata().revocation_endpoint) return;
        await client.tokenRevocation(config, refreshToken, { token_type_hint: 'refresh_token' });
      } catch (error) {
        log(`[auth] ${NAME}: logout: ${classifyProviderError(error, 'revocation').reason}`);
      }
    },

    async loadUser(accessToken) {
      try {
        return await userinfo(accessToken);
      } catch (error) {
        // Discovery, or loading openid-client, failed before userinfo was asked.
        const { cause, reason } = classifyProviderError(error, 'discovery');
        return {
          ok: false,
          failure: { kind: 'unavailable', cause: cause === 'rejected' ? 'status' : cause, reason },
        };
      }
    },

    async endSessionUrl({ idToken, postLogoutRedirectUri }) {
      try {
        const [client, config] = await Promise.all([provider.lib(), provider.configuration()]);
        if (!config.serverMetadata().end_session_endpoint) return null;
        return client.buildEndSessionUrl(config, {
          post_logout_redirect_uri: postLogoutRedirectUri,
          ...(idToken ? { id_token_hint: idToken } : {}),
        }).href;
      } catch (error) {
        log(`[auth] ${NAME}: end session: ${classifyProviderError(error, 'discovery').reason}`);
        return null;
      }
    },
  };
}
