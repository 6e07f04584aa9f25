import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { oidcSignInProvider, OidcSignInRefused } from 'token-reissue/next';
import { tokenPairFromAnswer, UNKNOWN_REFRESH_LIFETIME_MS } from 'token-reissue/server';
import { userFromClaims } from '@/lib/validations/oidc';

/**
 * Sign-in at an OpenID provider through next-auth: the provider configuration it is given, and
 * profile(), which turns the token endpoint's answer into what the `jwt` callback stores (the same
 * shape a password sign-in's authorize() returns). The whole flow runs in tests/e2e/oidc.test.ts.
 */
const provider = oidcSignInProvider({
  name: 'Acme',
  issuer: 'https://idp.example.com/realms/demo/',
  clientId: 'app',
  clientSecret: 'secret',
  authorizationParams: { audience: 'https://api.example.com' },
  user: userFromClaims,
});
const claims = { sub: 'u-1', email: 'ann@example.com', name: 'Ann Writer' };

describe('the next-auth provider', () => {
  it('is OAuth with discovery under the issuer’s path, PKCE, state and nonce, and the ID token', () => {
    expect(provider).toMatchObject({
      id: 'oidc',
      name: 'Acme',
      type: 'oauth',
      wellKnown: 'https://idp.example.com/realms/demo/.well-known/openid-configuration',
      checks: ['pkce', 'state', 'nonce'],
      idToken: true,
      client: { token_endpoint_auth_method: 'client_secret_basic' },
      authorization: {
        params: {
          scope: 'openid profile email offline_access',
          audience: 'https://api.example.com',
        },
      },
    });
  });

  it('profile() keeps the provider’s pair and user and starts a new session id', async () => {
    const started = Date.now();
    const signedIn = (await provider.profile(claims, {
      access_token: 'access',
      refresh_token: 'refresh',
      id_token: 'id-token',
      expires_at: Math.floor(started / 1000) + 300,
      token_type: 'Bearer',
    })) as unknown as Record<string, unknown>;
    expect(signedIn).toEqual({
      id: 'u-1',
      sid: expect.stringMatching(/^[\w-]{22}$/),
      accessToken: 'access',
      accessTokenExpiresAt: (Math.floor(started / 1000) + 300) * 1000,
      refreshToken: 'refresh',
      refreshTokenExpiresAt: expect.any(Number),
      idToken: 'id-token',
      user: { id: 'u-1', email: 'ann@example.com', penName: 'Ann Writer', fieldImage: null },
    });
  });

  it('refuses a provider answer without a refresh token, and claims that make no user', async () => {
    await expect(
      Promise.resolve().then(() =>
        provider.profile(claims, { access_token: 'a', expires_in: 60, token_type: 'Bearer' }),
      ),
    ).rejects.toThrow(OidcSignInRefused);
    await expect(
      Promise.resolve().then(() =>
        provider.profile(
          { email: 'no-subject@example.com' },
          { access_token: 'a', refresh_token: 'r', expires_in: 60 },
        ),
      ),
    ).rejects.toThrow(/does not describe a user/);
  });
});

describe('the user from claims (lib/validations/oidc.ts)', () => {
  it.each([
    [
      { sub: 's', name: 'N', email: 'e@x.test' },
      { id: 's', email: 'e@x.test', penName: 'N', fieldImage: null },
    ],
    [
      { sub: 's', preferred_username: 'pu' },
      { id: 's', email: '', penName: 'pu', fieldImage: null },
    ],
    [
      { sub: 's', email: 'e@x.test' },
      { id: 's', email: 'e@x.test', penName: 'e@x.test', fieldImage: null },
    ],
    [
      { sub: 's', picture: 'https://cdn.test/a.png' },
      { id: 's', email: '', penName: 's', fieldImage: 'https://cdn.test/a.png' },
    ],
    [
      { sub: 's', picture: 'javascript:alert(1)' },
      { id: 's', email: '', penName: 's', fieldImage: null },
    ],
    [
      { sub: 's', name: 'x'.repeat(100) },
      { id: 's', email: '', penName: 'x'.repeat(40), fieldImage: null },
    ],
  ])('%j → %j', (input, user) => {
    expect(userFromClaims(input)).toEqual(user);
  });

  it.each([[{}], [{ sub: '' }], [{ sub: 42 }], [null], ['sub']])('refuses %j', (input) => {
    expect(userFromClaims(input)).toBeNull();
  });
});

describe('a token endpoint answer as the session’s pair', () => {
  const user = { id: 'u' };
  const now = 1_800_000_000_000;

  it('expires_in wins over expires_at and the JWT’s exp; refresh_expires_in bounds the refresh token', async () => {
    const jwt = await new SignJWT({ exp: now / 1000 + 999 })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new Uint8Array(32));
    expect(
      tokenPairFromAnswer(
        {
          access_token: jwt,
          expires_in: 60,
          expires_at: now / 1000 + 120,
          refresh_token: 'r',
          refresh_expires_in: 1800,
        },
        user,
        { now },
      ),
    ).toEqual({
      ok: true,
      tokens: {
        accessToken: jwt,
        accessTokenExpiresAt: now + 60_000,
        refreshToken: 'r',
        refreshTokenExpiresAt: now + 1_800_000,
        user,
      },
    });
    const fromExp = tokenPairFromAnswer({ access_token: jwt, refresh_token: 'r' }, user, { now });
    expect(fromExp.ok && fromExp.tokens.accessTokenExpiresAt).toBe(now + 999_000);
  });

  it('no refresh token in the answer keeps the presented one; an opaque one without a lifetime gets the cookie’s 30 days', () => {
    const kept = tokenPairFromAnswer({ access_token: 'a', expires_in: 60 }, user, {
      now,
      presentedRefreshToken: 'old',
    });
    expect(kept.ok && kept.tokens).toMatchObject({
      refreshToken: 'old',
      refreshTokenExpiresAt: now + UNKNOWN_REFRESH_LIFETIME_MS,
    });
  });

  it('an opaque access token with no expires_in is refused rather than guessed', () => {
    expect(
      tokenPairFromAnswer({ access_token: 'opaque', refresh_token: 'r' }, user, { now }),
    ).toEqual({
      ok: false,
      reason: expect.stringContaining('expires_in'),
    });
  });
});
