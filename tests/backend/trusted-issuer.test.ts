import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  base64url,
  decodeJwt,
  decodeProtectedHeader,
  generateKeyPair,
  importJWK,
  SignJWT,
  UnsecuredJWT,
  type JWTPayload,
} from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInWithCode } from '../support/oidc-provider/code-flow';
import {
  providerSigningKey,
  startTestProvider,
  type TestProvider,
} from '../support/oidc-provider/server';
import { bearer, postJson, signUp, startServer, type TestServer } from './harness';

/**
 * The reference API with TRUSTED_ISSUER: a real OpenID provider's access tokens (oidc-provider,
 * JWTs for the API's audience) are accepted, and every forgery the API refuses for its own
 * tokens is refused for the provider's (tests/backend/access-token.test.ts).
 */
const AUDIENCE = 'https://api.token-reissue.test';
const CLIENT = {
  client_id: 'api-test',
  client_secret: 'api-test-secret-api-test-secret',
  redirect_uris: ['http://localhost:1/callback'],
};

let dataDir: string;
let provider: TestProvider;
let api: TestServer;
let signingKey: CryptoKey;
let kid: string;

async function startProvider(port = 0) {
  provider = await startTestProvider({
    dataDir,
    port,
    clients: [CLIENT],
    audience: AUDIENCE,
    accessTokenTtlSeconds: 60,
    refreshTokenTtlSeconds: 3600,
  });
}

async function providerTokens(login: string) {
  return signInWithCode(
    {
      issuer: provider.issuer,
      clientId: CLIENT.client_id,
      clientSecret: CLIENT.client_secret,
      redirectUri: CLIENT.redirect_uris[0]!,
    },
    login,
  );
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'trusted-issuer-'));
  await startProvider();
  const jwk = await providerSigningKey(dataDir);
  kid = String(jwk.kid);
  signingKey = (await importJWK(jwk, 'RS256')) as CryptoKey;
  api = await startServer({ TRUSTED_ISSUER: provider.issuer, TRUSTED_AUDIENCE: AUDIENCE });
});
afterAll(async () => {
  await api?.close();
  await provider?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const me = (token: string) => fetch(`${api.url}/users/me`, { headers: bearer(token) });
const now = () => Math.floor(Date.now() / 1000);

/** Claims the API would accept from the provider if signature and header were right. */
const validClaims = (overrides: JWTPayload = {}): JWTPayload => ({
  iss: provider.issuer,
  aud: AUDIENCE,
  sub: 'forger@example.com',
  client_id: CLIENT.client_id,
  iat: now(),
  exp: now() + 60,
  jti: crypto.randomUUID(),
  ...overrides,
});

const signAsProvider = (claims: JWTPayload, typ = 'at+jwt') =>
  new SignJWT(claims).setProtectedHeader({ alg: 'RS256', typ, kid }).sign(signingKey);

async function expectInvalidToken(response: Response) {
  expect(response.status).toBe(401);
  expect(await response.json()).toEqual({ error: 'invalid_token' });
}

describe('the provider’s own access tokens', () => {
  it('are JWTs for the API’s audience, and the API accepts them: /users/me, then posts of that subject', async () => {
    const tokens = await providerTokens('writer@example.com');
    expect(decodeProtectedHeader(tokens.access_token)).toMatchObject({ typ: 'at+jwt' });
    expect(decodeJwt(tokens.access_token)).toMatchObject({ iss: provider.issuer, aud: AUDIENCE });

    const answer = await me(tokens.access_token);
    expect(answer.status).toBe(200);
    const user = (await answer.json()) as { id: string; email: string };
    expect(user.email).toMatch(/@external\.invalid$/);

    const created = await postJson(
      `${api.url}/posts`,
      { title: 'From the provider', body: 'Signed in elsewhere.' },
      bearer(tokens.access_token),
    );
    expect(created.status).toBe(201);
    const again = await providerTokens('writer@example.com');
    const posts = await fetch(`${api.url}/posts`, { headers: bearer(again.access_token) });
    expect(((await posts.json()) as { posts: { title: string }[] }).posts).toEqual([
      expect.objectContaining({ title: 'From the provider' }),
    ]);
    // Another subject is another user: it sees none of these posts.
    const other = await providerTokens('someone-else@example.com');
    const theirs = await fetch(`${api.url}/posts`, { headers: bearer(other.access_token) });
    expect(((await theirs.json()) as { posts: unknown[] }).posts).toEqual([]);
    expect(((await (await me(other.access_token)).json()) as { id: string }).id).not.toBe(user.id);
  });

  it('a token signed with the provider’s key and valid claims is accepted (control for the forgeries below)', async () => {
    expect((await me(await signAsProvider(validClaims()))).status).toBe(200);
  });

  it('the API’s own tokens still work beside the provider’s', async () => {
    const login = await signUp(api, 'own-tokens');
    expect((await me(login.accessToken)).status).toBe(200);
  });

  it('a revoked jti (the debug route) is refused', async () => {
    const { access_token } = await providerTokens('revoked@example.com');
    const revoked = await fetch(`${api.url}/debug/expire-access-token`, {
      method: 'POST',
      headers: bearer(access_token),
    });
    expect(revoked.status).toBe(204);
    await expectInvalidToken(await me(access_token));
  });
});

describe('tokens in the provider’s name that it did not issue are refused with 401', () => {
  it('signed with another RSA key under the provider’s kid, and under a new kid', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    for (const header of [{ kid }, { kid: 'unknown-kid' }]) {
      const token = await new SignJWT(validClaims())
        .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', ...header })
        .sign(privateKey);
      await expectInvalidToken(await me(token));
    }
  });

  it('unsigned, with alg none', async () => {
    await expectInvalidToken(await me(new UnsecuredJWT(validClaims()).encode()));
  });

  it('HS256 keyed with the provider’s published public key (algorithm confusion)', async () => {
    const discovery = await (
      await fetch(`${provider.issuer}/.well-known/openid-configuration`)
    ).json();
    const published = (await (await fetch(discovery.jwks_uri)).json()) as {
      keys: { n: string; e: string }[];
    };
    const publicJwk = published.keys[0]!;
    for (const secret of [
      base64url.decode(String(publicJwk.n)),
      new TextEncoder().encode(JSON.stringify({ kty: 'RSA', n: publicJwk.n, e: publicJwk.e })),
    ]) {
      const token = await new SignJWT(validClaims())
        .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid })
        .sign(secret);
      await expectInvalidToken(await me(token));
    }
  });

  it('correctly signed, but for another audience, from another issuer, or typed as an ID token', async () => {
    await expectInvalidToken(await me(await signAsProvider(validClaims({ aud: 'other-api' }))));
    await expectInvalidToken(
      await me(await signAsProvider(validClaims({ iss: 'https://evil.example' }))),
    );
    await expectInvalidToken(await me(await signAsProvider(validClaims(), 'JWT')));
  });

  it('the provider’s genuine ID token presented as an access token', async () => {
    const { id_token } = await providerTokens('id-token@example.com');
    await expectInvalidToken(await me(id_token!));
  });

  it('correctly signed, but expired a minute ago, or without sub', async () => {
    await expectInvalidToken(
      await me(await signAsProvider(validClaims({ iat: now() - 120, exp: now() - 60 }))),
    );
    await expectInvalidToken(await me(await signAsProvider(validClaims({ sub: undefined }))));
  });

  it('a genuine token with its payload tampered', async () => {
    const { access_token } = await providerTokens('tampered@example.com');
    const [header, , signature] = access_token.split('.');
    const payload = base64url.encode(JSON.stringify(validClaims({ sub: 'someone-else' })));
    await expectInvalidToken(await me(`${header}.${payload}.${signature}`));
  });
});

describe('the provider unreachable', () => {
  it('keys fetched before an outage keep verifying; a new API that never had them answers 503, never 401 or 500', async () => {
    const { access_token } = await providerTokens('outage@example.com');
    expect((await me(access_token)).status).toBe(200);
    const port = provider.port;
    await provider.close();
    try {
      expect((await me(access_token)).status).toBe(200);
      const fresh = await startServer({
        TRUSTED_ISSUER: provider.issuer,
        TRUSTED_AUDIENCE: AUDIENCE,
      });
      try {
        const cold = await fetch(`${fresh.url}/users/me`, { headers: bearer(access_token) });
        expect(cold.status).toBe(503);
        expect(cold.headers.get('retry-after')).toBe('5');
        expect(await cold.json()).toMatchObject({ error: 'temporarily_unavailable' });
      } finally {
        await fresh.close();
      }
    } finally {
      await startProvider(port);
    }
    expect((await me(access_token)).status).toBe(200);
  });
});
