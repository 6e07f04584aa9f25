import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportJWK, generateKeyPair as joseKeyPair } from 'jose';
import type { TokenResponse } from '@/backend/services';
import { bearer, startServer, type TestServer } from './harness';
import {
  craftedProof,
  dpopAuth,
  newKey,
  proof,
  type KeyPair,
  dpopClient,
  expectRefused,
} from './dpop-support';

/**
 * RFC 9449 on the reference API, DPoP optional (the default): every check of a resource
 * request's proof, the refusals of tokens presented the wrong way, and CORS for the headers.
 * The token endpoints, nonces and DPOP_REQUIRED: dpop-binding.test.ts.
 */
let server: TestServer;
let key: KeyPair;
beforeAll(async () => {
  server = await startServer({ DPOP_ORIGINS: 'https://api.example.com' });
  key = await newKey();
});
afterAll(async () => {
  await server.close();
});

const { me, signUpWith, boundSession } = dpopClient(
  () => server,
  () => key,
);

describe('a resource request with a bound token', () => {
  it('succeeds with the DPoP scheme and a proof of the key, for this method and URL', async () => {
    const { accessToken } = await boundSession();
    const url = `${server.url}/users/me`;
    const response = await me(dpopAuth(accessToken, await proof(key, 'GET', url, { accessToken })));
    expect(response.status).toBe(200);
  });

  it('ignores the query in htu, as §4.3 says', async () => {
    const { accessToken } = await boundSession();
    const response = await fetch(`${server.url}/posts?page=2`, {
      headers: dpopAuth(
        accessToken,
        await proof(key, 'GET', `${server.url}/posts`, { accessToken }),
      ),
    });
    expect(response.status).toBe(200);
  });

  it('accepts htu naming a configured public origin (the API behind a proxy)', async () => {
    const { accessToken } = await boundSession();
    const signed = await proof(key, 'GET', 'https://api.example.com/users/me', { accessToken });
    expect((await me(dpopAuth(accessToken, signed))).status).toBe(200);
  });

  it('refuses it as a bearer token: 401 invalid_token with a DPoP challenge', async () => {
    const { accessToken } = await boundSession();
    await expectRefused(await me(bearer(accessToken)), 'invalid_token', /DPoP scheme/);
  });

  it('refuses a proof from another key: 401 invalid_dpop_proof', async () => {
    const { accessToken } = await boundSession();
    const other = await newKey();
    const signed = await proof(other, 'GET', `${server.url}/users/me`, { accessToken });
    await expectRefused(await me(dpopAuth(accessToken, signed)), 'invalid_dpop_proof', /key/);
  });

  it('refuses a replayed proof (same jti)', async () => {
    const { accessToken } = await boundSession();
    const signed = await proof(key, 'GET', `${server.url}/users/me`, { accessToken });
    expect((await me(dpopAuth(accessToken, signed))).status).toBe(200);
    await expectRefused(await me(dpopAuth(accessToken, signed)), 'invalid_dpop_proof', /jti/);
  });

  const broken: [string, (token: string) => Promise<string>, RegExp][] = [
    [
      'ath of another token',
      () => proof(key, 'GET', `${server.url}/users/me`, { accessToken: 'another-token' }),
      /ath/,
    ],
    ['no ath', () => proof(key, 'GET', `${server.url}/users/me`), /ath/],
    [
      'htm POST for a GET',
      (t) => proof(key, 'POST', `${server.url}/users/me`, { accessToken: t }),
      /htm/,
    ],
    [
      'htu of another path',
      (t) => proof(key, 'GET', `${server.url}/posts`, { accessToken: t }),
      /htu/,
    ],
    [
      'htu of an origin not configured',
      (t) => proof(key, 'GET', 'https://evil.example.com/users/me', { accessToken: t }),
      /htu/,
    ],
    [
      'typ JWT',
      (t) =>
        craftedProof(key, 'GET', `${server.url}/users/me`, {
          accessToken: t,
          header: { typ: 'JWT' },
        }),
      /proof rejected/,
    ],
    [
      'no jwk header',
      (t) =>
        craftedProof(key, 'GET', `${server.url}/users/me`, {
          accessToken: t,
          header: { jwk: undefined },
        }),
      /proof rejected/,
    ],
    [
      'no jti',
      (t) =>
        craftedProof(key, 'GET', `${server.url}/users/me`, {
          accessToken: t,
          claims: { jti: undefined },
        }),
      /proof rejected/,
    ],
    [
      'a signature by another key than the header names',
      async (t) => {
        const other = await newKey();
        return craftedProof(other, 'GET', `${server.url}/users/me`, {
          accessToken: t,
          header: { jwk: await exportJWK(key.publicKey) },
        });
      },
      /proof rejected/,
    ],
  ];
  it.each(broken)('refuses a proof with %s: 401 invalid_dpop_proof', async (_, make, why) => {
    const { accessToken } = await boundSession();
    await expectRefused(
      await me(dpopAuth(accessToken, await make(accessToken))),
      'invalid_dpop_proof',
      why,
    );
  });

  it('refuses a symmetric algorithm (HS256) and a private key in the jwk header', async () => {
    const { accessToken } = await boundSession();
    const { privateKey } = await joseKeyPair('ES256', { extractable: true });
    const privateJwk = await exportJWK(privateKey);
    const leaky = await craftedProof(key, 'GET', `${server.url}/users/me`, {
      accessToken,
      header: { jwk: privateJwk },
    });
    await expectRefused(await me(dpopAuth(accessToken, leaky)), 'invalid_dpop_proof');
    const [, payload] = leaky.split('.');
    const header = Buffer.from(
      JSON.stringify({ alg: 'HS256', typ: 'dpop+jwt', jwk: { kty: 'oct', k: 'c2VjcmV0' } }),
    ).toString('base64url');
    await expectRefused(
      await me(dpopAuth(accessToken, `${header}.${payload}.c2lnbmF0dXJl`)),
      'invalid_dpop_proof',
    );
  });

  it('refuses the DPoP scheme without a proof, and with two', async () => {
    const { accessToken } = await boundSession();
    await expectRefused(
      await me({ authorization: `DPoP ${accessToken}` }),
      'invalid_dpop_proof',
      /missing/,
    );
    const one = await proof(key, 'GET', `${server.url}/users/me`, { accessToken });
    const two = await proof(key, 'GET', `${server.url}/users/me`, { accessToken });
    const headers = new Headers({ authorization: `DPoP ${accessToken}` });
    headers.append('dpop', one);
    headers.append('dpop', two);
    await expectRefused(
      await fetch(`${server.url}/users/me`, { headers }),
      'invalid_dpop_proof',
      /one/,
    );
  });

  it('refuses an unbound token under the DPoP scheme', async () => {
    const { accessToken } = (await (await signUpWith({})).json()) as TokenResponse;
    const signed = await proof(key, 'GET', `${server.url}/users/me`, { accessToken });
    await expectRefused(await me(dpopAuth(accessToken, signed)), 'invalid_token', /not DPoP-bound/);
  });

  it('answers use_dpop_nonce for an iat outside the window; the nonce it hands out lets the same clock in', async () => {
    const { accessToken } = await boundSession();
    const url = `${server.url}/users/me`;
    const skewed = { iat: Math.floor(Date.now() / 1000) - 3600 };
    const first = await me(
      dpopAuth(accessToken, await craftedProof(key, 'GET', url, { accessToken, claims: skewed })),
    );
    const nonce = first.headers.get('dpop-nonce');
    await expectRefused(first, 'use_dpop_nonce');
    expect(nonce).toBeTruthy();
    const withNonce = await craftedProof(key, 'GET', url, {
      accessToken,
      claims: { ...skewed, nonce },
    });
    expect((await me(dpopAuth(accessToken, withNonce))).status).toBe(200);
    const forged = await craftedProof(key, 'GET', url, {
      accessToken,
      claims: { ...skewed, nonce: `${nonce!.split('.')[0]}.AAAAAAAAAAAAAAAAAAAAAA` },
    });
    await expectRefused(await me(dpopAuth(accessToken, forged)), 'use_dpop_nonce');
  });
});

describe('CORS lets the browser send a proof and read the nonce', () => {
  it('allows the DPoP request header and exposes DPoP-Nonce and WWW-Authenticate', async () => {
    const preflight = await fetch(`${server.url}/users/me`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:3000',
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization,dpop',
      },
    });
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('dpop');
    const actual = await fetch(`${server.url}/healthz`, {
      headers: { origin: 'http://localhost:3000' },
    });
    expect(actual.headers.get('access-control-expose-headers')).toBe(
      'DPoP-Nonce, WWW-Authenticate',
    );
  });
});
