/**
 * The reference API's token requests with DPoP (RFC 9449 §5). Each request carries one proof
 * and may name a second key: one sign-in or one rotation answers both the browser's access
 * token and the Next server's, so a strict API sees one rotation for the two.
 *
 * A reissue the browser started forwards the browser's proof (its token is bound to the proof's
 * key) and names the server's key as the second. If the API refuses that proof (a nonce it now
 * demands, a retry that would replay its jti), or the reissue started on the server, the server
 * signs the proof itself and names the browser's key (its thumbprint) as the second: binding a
 * token to a key needs no proof of it, only using the token does.
 */
import 'server-only';
import { calculateJwkThumbprint, decodeProtectedHeader, type JWK } from 'jose';
import { isNonceChallenge, type ReissueBinding } from 'token-reissue/server';
import type { BackendEndpoint } from '@/lib/server/auth-backend';
import type { TokenPair } from '@/lib/validations/auth';
import type { ReferenceTokenResponse } from '@/lib/validations/auth';
import type { ServerDpop } from '../dpop';
import { call, type CallOptions, type HttpAnswer } from './http';

const DPOP_ERRORS = ['invalid_dpop_proof', 'use_dpop_nonce'];

/** A token endpoint's 400 about the proof, not about the refresh token or the password. */
export function isDpopRefusal(answer: HttpAnswer): boolean {
  if (!answer.ok || answer.status !== 400) return false;
  const error = (answer.json as { error?: unknown } | undefined)?.error;
  return typeof error === 'string' && DPOP_ERRORS.includes(error);
}

/** The thumbprint of the key a forwarded proof names (decoded: the API verifies the proof). */
async function thumbprintOf(proof: string): Promise<string | undefined> {
  try {
    const jwk = decodeProtectedHeader(proof).jwk as JWK | undefined;
    return jwk ? await calculateJwkThumbprint(jwk) : undefined;
  } catch {
    return undefined;
  }
}

/** A token request with the server's proof; once more with the nonce if the API asks (§8). */
async function withServerProof(
  endpoint: BackendEndpoint,
  path: string,
  options: CallOptions,
  dpop: ServerDpop,
): Promise<HttpAnswer> {
  const url = new URL(path, endpoint.baseUrl).toString();
  let answer: HttpAnswer | undefined;
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const proof = await dpop.signer.proof(options.method ?? 'POST', url);
    answer = await call(endpoint, path, {
      ...options,
      headers: { ...options.headers, dpop: proof },
    });
    if (!answer.ok) return answer;
    dpop.signer.noteNonce(url, answer.headers.get('dpop-nonce'));
    const askedForNonce =
      answer.status === 400 && (answer.json as { error?: unknown })?.error === 'use_dpop_nonce';
    if (!askedForNonce && !isNonceChallenge(answer.status, answer.headers.get('www-authenticate')))
      break;
  }
  return answer!;
}

/** Which of the two tokens in the answer is whose. */
export type FirstToken = 'browser' | 'server';

export interface DpopAnswer {
  answer: HttpAnswer;
  first: FirstToken;
}

/**
 * Sends a token request (login, sign-up, reissue) with DPoP. `binding` is the browser's key, if
 * known (a sign-in does not know it yet: both tokens are then the server's one token).
 */
export async function dpopTokenCall(
  endpoint: BackendEndpoint,
  path: string,
  options: CallOptions & { body: Record<string, unknown> },
  dpop: ServerDpop,
  binding?: ReissueBinding,
): Promise<DpopAnswer> {
  const serverJkt = await dpop.jkt();
  if (binding?.proof) {
    const answer = await call(endpoint, path, {
      ...options,
      body: { ...options.body, secondJkt: serverJkt },
      headers: { ...options.headers, dpop: binding.proof },
    });
    if (!isDpopRefusal(answer)) return { answer, first: 'browser' };
  }
  const browserJkt = (binding?.proof && (await thumbprintOf(binding.proof))) || binding?.jkt;
  const second = browserJkt && browserJkt !== serverJkt ? { secondJkt: browserJkt } : {};
  const answer = await withServerProof(
    endpoint,
    path,
    { ...options, body: { ...options.body, ...second } },
    dpop,
  );
  return { answer, first: 'server' };
}

/** The answer's two tokens as the session keeps them: the browser's and the server's. */
export function toTokenPair(body: ReferenceTokenResponse, first: FirstToken): TokenPair {
  const { second, ...pair } = body;
  if (first === 'browser') {
    return {
      ...pair,
      ...(second && {
        serverAccessToken: second.accessToken,
        serverAccessTokenExpiresAt: second.accessTokenExpiresAt,
      }),
    };
  }
  const browser = second ?? pair;
  return {
    ...pair,
    accessToken: browser.accessToken,
    accessTokenExpiresAt: browser.accessTokenExpiresAt,
    accessTokenJkt: browser.accessTokenJkt,
    serverAccessToken: pair.accessToken,
    serverAccessTokenExpiresAt: pair.accessTokenExpiresAt,
  };
}
