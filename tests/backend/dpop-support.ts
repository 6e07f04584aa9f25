/**
 * DPoP proofs for the API's tests: the `dpop` package's for well-formed ones, jose's SignJWT for
 * proofs broken on purpose (old iat, wrong typ, a private key in the header, …).
 */
import { createHash } from 'node:crypto';
import { calculateThumbprint, generateKeyPair, generateProof, type KeyPair } from 'dpop';
import { base64url, decodeJwt, exportJWK, SignJWT, type JWK } from 'jose';
import { expect } from 'vitest';
import type { TokenResponse } from '@/backend/services';
import { postJson, uniqueEmail, type TestServer } from './harness';

export type { KeyPair };

export const newKey = (): Promise<KeyPair> => generateKeyPair('ES256');

export const thumbprint = (key: KeyPair) => calculateThumbprint(key.publicKey);

export const ath = (token: string) => base64url.encode(createHash('sha256').update(token).digest());

/** A proof the `dpop` package makes: fresh iat and jti. */
export function proof(
  key: KeyPair,
  method: string,
  url: string,
  options: { accessToken?: string; nonce?: string } = {},
): Promise<string> {
  return generateProof(key, url, method, options.nonce, options.accessToken);
}

/** A proof with any header or claim overridden (or removed with `undefined`). */
export async function craftedProof(
  key: KeyPair,
  method: string,
  url: string,
  {
    claims = {},
    header = {},
    accessToken,
  }: {
    claims?: Record<string, unknown>;
    header?: Record<string, unknown>;
    accessToken?: string;
  } = {},
): Promise<string> {
  const jwk: JWK = await exportJWK(key.publicKey);
  const payload = Object.fromEntries(
    Object.entries({
      jti: crypto.randomUUID(),
      htm: method,
      htu: url,
      iat: Math.floor(Date.now() / 1000),
      ...(accessToken && { ath: ath(accessToken) }),
      ...claims,
    }).filter(([, value]) => value !== undefined),
  );
  const protectedHeader = Object.fromEntries(
    Object.entries({ alg: 'ES256', typ: 'dpop+jwt', jwk, ...header }).filter(
      ([, value]) => value !== undefined,
    ),
  );
  return new SignJWT(payload)
    .setProtectedHeader(protectedHeader as { alg: string })
    .sign(key.privateKey);
}

/** `cnf.jkt` of an access token (decoded, not verified). */
export function boundTo(accessToken: string): string | undefined {
  return (decodeJwt(accessToken).cnf as { jkt?: string } | undefined)?.jkt;
}

export const dpopAuth = (accessToken: string, dpop: string) => ({
  authorization: `DPoP ${accessToken}`,
  dpop,
});

/** The calls both DPoP test files make against one server, with proofs of `key`. */
export function dpopClient(server: () => TestServer, key: () => KeyPair) {
  const me = (headers: Record<string, string>) => fetch(`${server().url}/users/me`, { headers });

  const signUpWith = (headers: Record<string, string>, extra: object = {}) =>
    postJson(
      `${server().url}/auth/signup`,
      { email: uniqueEmail('dpop'), password: 'correct horse battery', penName: 'Bound', ...extra },
      headers,
    );

  /** A user signed up with a proof of `key`: the access token is bound to it. */
  async function boundSession(): Promise<TokenResponse> {
    const response = await signUpWith({
      dpop: await proof(key(), 'POST', `${server().url}/auth/signup`),
    });
    expect(response.status).toBe(201);
    return (await response.json()) as TokenResponse;
  }

  return { me, signUpWith, boundSession };
}

/** A 401 with RFC 9449's challenge and the error in the body. */
export async function expectRefused(response: Response, error: string, description?: RegExp) {
  expect(response.status).toBe(401);
  const challenge = response.headers.get('www-authenticate') ?? '';
  expect(challenge).toMatch(new RegExp(`^DPoP error="${error}"`));
  expect(challenge).toContain('algs="ES256 EdDSA PS256 RS256"');
  const body = (await response.json()) as { error: string; message?: string };
  expect(body.error).toBe(error);
  if (description) expect(body.message).toMatch(description);
}
