import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createInProcessCoordinator,
  createOidcBackend,
  createServerReissuer,
  type OidcBackend,
} from 'token-reissue/server';
import { userFromClaims } from '@/lib/validations/oidc';
import type { SessionUser } from '@/lib/next-auth';
import { signInWithCode } from '../support/oidc-provider/code-flow';
import { startTestProvider, type TestProvider } from '../support/oidc-provider/server';

/**
 * The oidc adapter against a real, strict OpenID provider (oidc-provider 8 in this process:
 * rotation on every refresh, a replayed rotated token revokes the grant, JWT access tokens for
 * the API, its issuer under a path as Keycloak's realms): every refresh is a real
 * refresh_token grant, counted from the provider's own events.
 */
const AUDIENCE = 'https://api.token-reissue.test';
const ACCESS_TTL = 30;
const BASIC = {
  client_id: 'app-basic',
  client_secret: 'basic-secret-basic-secret-basic-secret',
  redirect_uris: ['http://localhost:1/api/auth/callback/oidc'],
  post_logout_redirect_uris: ['http://localhost:1/signin?reason=signedOut'],
};
const POST = {
  ...BASIC,
  client_id: 'app-post',
  token_endpoint_auth_method: 'client_secret_post' as const,
};

let dataDir: string;
let provider: TestProvider;

async function startProvider(port = 0) {
  provider = await startTestProvider({
    dataDir,
    port,
    clients: [BASIC, POST],
    audience: AUDIENCE,
    accessTokenTtlSeconds: ACCESS_TTL,
    refreshTokenTtlSeconds: 3600,
  });
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'oidc-adapter-'));
  await startProvider();
});
afterAll(async () => {
  await provider?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function adapter(client = BASIC, timeoutMs = 2_000): OidcBackend<SessionUser> {
  return createOidcBackend<SessionUser>({
    issuer: provider.issuer,
    clientId: client.client_id,
    clientSecret: client.client_secret,
    clientAuth: client === POST ? 'client_secret_post' : 'client_secret_basic',
    allowInsecureHttp: true,
    timeoutMs,
    user: userFromClaims,
    log: () => {},
  });
}

async function signIn(login = 'demo@example.com', client = BASIC) {
  return signInWithCode(
    {
      issuer: provider.issuer,
      clientId: client.client_id,
      clientSecret: client.client_secret,
      redirectUri: client.redirect_uris[0]!,
    },
    login,
  );
}

const delta = (before: ReturnType<TestProvider['counts']>) => {
  const after = provider.counts();
  return {
    refreshGrants: after.refreshGrants - before.refreshGrants,
    grantsRevoked: after.grantsRevoked - before.grantsRevoked,
    replays: after.replays - before.replays,
  };
};

describe('the oidc adapter against oidc-provider', () => {
  it('reissue is one refresh_token grant: a new refresh token replaces the old, expiry from expires_in, the user from the ID token', async () => {
    const signedIn = await signIn();
    const before = provider.counts();
    const started = Date.now();
    const outcome = await adapter().reissue(signedIn.refresh_token!);
    if (!outcome.ok) throw new Error(outcome.reason);
    const { tokens } = outcome;
    expect(tokens.refreshToken).not.toBe(signedIn.refresh_token);
    expect(tokens.accessTokenExpiresAt).toBeGreaterThanOrEqual(started + ACCESS_TTL * 1000);
    expect(tokens.accessTokenExpiresAt).toBeLessThanOrEqual(Date.now() + ACCESS_TTL * 1000);
    expect(decodeJwt(tokens.accessToken).aud).toBe(AUDIENCE);
    expect(tokens.user).toEqual({
      id: 'demo@example.com',
      email: 'demo@example.com',
      penName: 'Demo Writer',
      fieldImage: null,
    });
    expect(tokens.idToken).toEqual(expect.any(String));
    expect(delta(before)).toEqual({ refreshGrants: 1, grantsRevoked: 0, replays: 0 });
  });

  it('the provider rotates strictly: replaying the rotated token is SESSION_EXPIRED and revokes the whole grant, successor included', async () => {
    const signedIn = await signIn('replay@example.com');
    const backend = adapter();
    const first = await backend.reissue(signedIn.refresh_token!);
    if (!first.ok) throw new Error(first.reason);
    const before = provider.counts();

    const replay = await backend.reissue(signedIn.refresh_token!);
    expect(replay).toEqual({ ok: false, code: 'SESSION_EXPIRED', reason: expect.any(String) });
    const successor = await backend.reissue(first.tokens.refreshToken);
    expect(successor).toMatchObject({ ok: false, code: 'SESSION_EXPIRED' });
    expect(delta(before)).toEqual({ refreshGrants: 0, grantsRevoked: 1, replays: 1 });
    expect(provider.counts().grantsRevokedBy.token).toBeGreaterThanOrEqual(1);
  });

  it('20 concurrent reissues of one refresh token through the reissuer and coordinator: 1 refresh_token grant, 0 revocations, one successor', async () => {
    const signedIn = await signIn('burst@example.com');
    const reissuer = createServerReissuer<SessionUser>({
      backend: adapter(),
      coordinator: (call) => createInProcessCoordinator({ reissue: call, outcomeTtlMs: 60_000 }),
    });
    const before = provider.counts();
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, () => reissuer.reissue(signedIn.refresh_token!)),
    );
    const successors = new Set(outcomes.map((o) => (o.ok ? o.tokens.refreshToken : o.code)));
    expect(successors.size).toBe(1);
    expect([...successors][0]).not.toBe(signedIn.refresh_token);
    expect(delta(before)).toEqual({ refreshGrants: 1, grantsRevoked: 0, replays: 0 });
  });

  it('client_secret_post authenticates at the token endpoint as well as client_secret_basic', async () => {
    const signedIn = await signIn('post@example.com', POST);
    const outcome = await adapter(POST).reissue(signedIn.refresh_token!);
    expect(outcome.ok).toBe(true);
  });

  it('logout revokes the refresh token at the revocation endpoint (RFC 7009); the provider revokes the grant and the token is dead', async () => {
    const signedIn = await signIn('logout@example.com');
    const backend = adapter();
    const before = provider.counts();
    await backend.logout(signedIn.refresh_token!);
    expect(provider.counts().grantsRevokedBy.revocation).toBeGreaterThanOrEqual(1);
    expect(delta(before).grantsRevoked).toBe(1);
    expect(await backend.reissue(signedIn.refresh_token!)).toMatchObject({
      ok: false,
      code: 'SESSION_EXPIRED',
    });
  });

  it('the end-session URL is the advertised end_session_endpoint with id_token_hint, client_id and the return address', async () => {
    const signedIn = await signIn('end@example.com');
    const url = new URL(
      (await adapter().endSessionUrl({
        idToken: signedIn.id_token,
        postLogoutRedirectUri: BASIC.post_logout_redirect_uris[0]!,
      }))!,
    );
    expect(`${url.origin}${url.pathname}`).toBe(`${provider.issuer}/session/end`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      id_token_hint: signedIn.id_token,
      post_logout_redirect_uri: BASIC.post_logout_redirect_uris[0],
      client_id: BASIC.client_id,
    });
  });

  it('password sign-in is refused; the provider’s login page is the way in', async () => {
    expect(await adapter().login('demo@example.com', 'demo-password')).toEqual({
      ok: false,
      failure: { kind: 'rejected', status: 400, error: 'password_sign_in_unsupported' },
    });
  });

  it('an http issuer is refused unless allowed (a provider on this machine)', async () => {
    const strict = createOidcBackend<SessionUser>({
      issuer: provider.issuer,
      clientId: BASIC.client_id,
      clientSecret: BASIC.client_secret,
      user: userFromClaims,
      log: () => {},
    });
    expect(await strict.reissue('any')).toMatchObject({
      ok: false,
      code: 'REISSUE_UNAVAILABLE',
      reason: expect.stringContaining('https'),
    });
  });

  it('the provider stopped: REISSUE_UNAVAILABLE (the session is kept, nothing was rotated); started again on its data, the same refresh token works', async () => {
    const signedIn = await signIn('outage@example.com');
    const backend = adapter();
    const port = provider.port;
    await provider.close();
    try {
      const down = await backend.reissue(signedIn.refresh_token!);
      expect(down).toMatchObject({ ok: false, code: 'REISSUE_UNAVAILABLE' });
      // A discovery that has never succeeded fails the same way.
      expect(await adapter().reissue(signedIn.refresh_token!)).toMatchObject({
        ok: false,
        code: 'REISSUE_UNAVAILABLE',
      });
    } finally {
      await startProvider(port);
    }
    const before = provider.counts();
    const back = await backend.reissue(signedIn.refresh_token!);
    expect(back.ok).toBe(true);
    expect(delta(before)).toEqual({ refreshGrants: 1, grantsRevoked: 0, replays: 0 });
  });
});
