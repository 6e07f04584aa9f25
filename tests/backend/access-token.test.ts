import { base64url, generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSigningKey } from '@/backend/keys';
import { bearer, signUp, startServer, type TestServer } from './harness';

let server: TestServer;
let userId: string;
beforeAll(async () => {
  server = await startServer();
  userId = (await signUp(server, 'forger-target')).user.id;
});
afterAll(async () => {
  await server.close();
});

const me = (token: string) => fetch(`${server.url}/users/me`, { headers: bearer(token) });
const now = () => Math.floor(Date.now() / 1000);

/** Claims the server would accept if the signature and header were right. */
const validClaims = () => ({
  iss: 'token-reissue-api',
  aud: 'token-reissue-app',
  sub: userId,
  iat: now(),
  exp: now() + 60,
  jti: crypto.randomUUID(),
});

async function expectInvalidToken(response: Response): Promise<void> {
  expect(response.status).toBe(401);
  expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
  expect(await response.json()).toEqual({ error: 'invalid_token' });
}

describe('access tokens the API did not issue are rejected with 401 invalid_token', () => {
  it('accepts a token the server signed itself with the same claims (control)', async () => {
    const { kid, privateKey } = await readSigningKey(server.dataDir);
    const token = await new SignJWT(validClaims())
      .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid })
      .sign(privateKey);

    expect((await me(token)).status).toBe(200);
  });

  it('rejects a token signed with another Ed25519 key', async () => {
    const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const token = await new SignJWT(validClaims())
      .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt' })
      .sign(privateKey);

    await expectInvalidToken(await me(token));
  });

  it('rejects an unsigned token with alg none', async () => {
    const token = new UnsecuredJWT(validClaims()).encode();

    await expectInvalidToken(await me(token));
  });

  it('rejects an HS256 token keyed with the published public key (algorithm confusion)', async () => {
    const jwks = await (await fetch(`${server.url}/.well-known/jwks.json`)).json();
    const publicKeyBytes = base64url.decode(jwks.keys[0].x);
    const token = await new SignJWT(validClaims())
      .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' })
      .sign(publicKeyBytes);

    await expectInvalidToken(await me(token));
  });

  it('rejects a correctly signed token for another audience', async () => {
    const { kid, privateKey } = await readSigningKey(server.dataDir);
    const token = await new SignJWT({ ...validClaims(), aud: 'some-other-app' })
      .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid })
      .sign(privateKey);

    await expectInvalidToken(await me(token));
  });

  it('rejects a correctly signed token from another issuer', async () => {
    const { kid, privateKey } = await readSigningKey(server.dataDir);
    const token = await new SignJWT({ ...validClaims(), iss: 'https://evil.example' })
      .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid })
      .sign(privateKey);

    await expectInvalidToken(await me(token));
  });

  it('rejects a correctly signed token that is not typed as an access token', async () => {
    const { kid, privateKey } = await readSigningKey(server.dataDir);
    const token = await new SignJWT(validClaims())
      .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT', kid })
      .sign(privateKey);

    await expectInvalidToken(await me(token));
  });

  it('rejects a correctly signed token without a jti', async () => {
    const { kid, privateKey } = await readSigningKey(server.dataDir);
    const { jti: _jti, ...claims } = validClaims();
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid })
      .sign(privateKey);

    await expectInvalidToken(await me(token));
  });

  it('rejects a correctly signed token that expired a minute ago', async () => {
    const { kid, privateKey } = await readSigningKey(server.dataDir);
    const token = await new SignJWT({ ...validClaims(), iat: now() - 120, exp: now() - 60 })
      .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid })
      .sign(privateKey);

    await expectInvalidToken(await me(token));
  });

  it('rejects a refresh token presented as an access token', async () => {
    const login = await signUp(server, 'refresh-as-access');

    await expectInvalidToken(await me(login.refreshToken));
  });

  it('rejects a garbage token, an empty Bearer and another auth scheme', async () => {
    const login = await signUp(server, 'schemes');

    await expectInvalidToken(await me('not.a.jwt'));
    await expectInvalidToken(
      await fetch(`${server.url}/users/me`, { headers: { authorization: 'Bearer ' } }),
    );
    await expectInvalidToken(
      await fetch(`${server.url}/users/me`, {
        headers: { authorization: `Basic ${login.accessToken}` },
      }),
    );
  });

  it('rejects a tampered payload of a genuine token', async () => {
    const login = await signUp(server, 'tamper');
    const [header, , signature] = login.accessToken.split('.');
    const forgedPayload = base64url.encode(
      JSON.stringify({ ...validClaims(), sub: 'someone-else' }),
    );

    await expectInvalidToken(await me(`${header}.${forgedPayload}.${signature}`));
  });
});
