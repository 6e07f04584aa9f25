/**
 * DPoP proof verification (RFC 9449 §4.3): one proof per request, `typ: dpop+jwt`, an asymmetric
 * algorithm from the allow-list, the public key in the header (never a private one), `htm` and
 * `htu` of this very request, a fresh `iat` (or, for a client whose clock is off, a nonce this
 * server issued, §8), a `jti` never seen before, and `ath` when an access token comes with it.
 * The expected origins come from configuration, never from the Host header: behind a proxy the
 * Host says where the request arrived, not what the client meant to call.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { base64url, calculateJwkThumbprint, EmbeddedJWK, errors, jwtVerify, type JWK } from 'jose';
import { LRUCache } from 'lru-cache';
import { DPOP_ALGORITHMS, invalidDpopProof, dpopNonceDemanded, type DpopEndpoint } from './errors';

export interface DpopVerifierOptions {
  /** Origins a proof's `htu` may name; asked per request (the listening port is known late). */
  origins(): string[];
  iatWindowSeconds: number;
  nonceTtlSeconds: number;
  replayCapacity: number;
  /** Keys the nonces (HMAC); derived from the server's secret, so every process agrees. */
  nonceKey: Buffer;
  /** Nonces demanded from the start (DPOP_NONCE); the debug route can turn them on later. */
  requireNonce: boolean;
  now?: () => number;
}

export interface ProofCheck {
  /** The `DPoP` header(s) as the request carried them. */
  header: string | string[] | undefined;
  method: string;
  /** The request's path and query, as Fastify's `request.url` gives it. */
  url: string;
  endpoint: DpopEndpoint;
  /** At a resource: the access token the proof must be bound to through `ath`. */
  accessToken?: string;
}

export interface DpopVerifier {
  /** The JWK thumbprint (RFC 7638) of the proof's key; throws the RFC's errors as `ApiError`s. */
  verify(check: ProofCheck): Promise<string>;
  /** A fresh nonce, for the `DPoP-Nonce` header. */
  nonce(): string;
  readonly noncesRequired: boolean;
  requireNonces(on: boolean): void;
}

/** Any of these in the header's `jwk` makes it a private key: a client leaking its key is refused. */
const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'];
const MAX_JTI_LENGTH = 256;

/** The part of a URL that `htu` names: scheme, host, port and path; no query, no fragment. */
function targetOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return null;
  }
}

export const accessTokenHash = (token: string) =>
  base64url.encode(createHash('sha256').update(token).digest());

export function createDpopVerifier(options: DpopVerifierOptions): DpopVerifier {
  const now = options.now ?? Date.now;
  const windowMs = options.iatWindowSeconds * 1000;
  const nonceTtlMs = options.nonceTtlSeconds * 1000;
  let requireNonce = options.requireNonce;
  // A jti must be remembered for as long as its proof could still be accepted: the iat window
  // either side, or a nonce's lifetime for a proof let in by its nonce.
  const seen = new LRUCache<string, true>({
    max: options.replayCapacity,
    ttl: Math.max(2 * windowMs, nonceTtlMs) + 1_000,
  });

  const mac = (issuedAt: string) =>
    createHmac('sha256', options.nonceKey)
      .update(`dpop-nonce.${issuedAt}`)
      .digest()
      .subarray(0, 16);

  function nonce(): string {
    const issuedAt = Math.floor(now() / 1000).toString(36);
    return `${issuedAt}.${base64url.encode(mac(issuedAt))}`;
  }

  function isFreshNonce(value: unknown): boolean {
    if (typeof value !== 'string' || value.length > 64) return false;
    const [issuedAt = '', tag = ''] = value.split('.');
    const expected = mac(issuedAt);
    let given: Uint8Array;
    try {
      given = base64url.decode(tag);
    } catch {
      return false;
    }
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false;
    const ageMs = now() - parseInt(issuedAt, 36) * 1000;
    return ageMs >= -5_000 && ageMs <= nonceTtlMs;
  }

  async function verify({ header, method, url, endpoint, accessToken }: ProofCheck) {
    const fail = (description: string) => invalidDpopProof(endpoint, description);
    // Node joins repeated unknown headers with ", "; a compact JWS never contains a comma.
    if (Array.isArray(header) || !header || header.includes(',')) {
      throw fail(header ? 'exactly one DPoP header is allowed' : 'DPoP proof missing');
    }
    let verified;
    try {
      verified = await jwtVerify(header, EmbeddedJWK, {
        typ: 'dpop+jwt',
        algorithms: [...DPOP_ALGORITHMS],
        requiredClaims: ['jti', 'htm', 'htu', 'iat'],
      });
    } catch (error) {
      if (error instanceof errors.JOSEError) throw fail(`proof rejected: ${error.code}`);
      throw error;
    }
    const { payload, protectedHeader } = verified;
    const jwk = protectedHeader.jwk as JWK | undefined;
    if (!jwk || PRIVATE_JWK_MEMBERS.some((member) => member in jwk)) {
      throw fail('the jwk header must be a public key');
    }
    if (payload.htm !== method) throw fail('htm does not match the request method');
    const path = url.split(/[?#]/, 1)[0] ?? '';
    const htu = typeof payload.htu === 'string' ? targetOf(payload.htu) : null;
    const targets = options.origins().map((origin) => targetOf(`${origin}${path}`));
    if (!htu || !targets.includes(htu)) throw fail('htu does not match the request URL');
    if (typeof payload.jti !== 'string' || !payload.jti || payload.jti.length > MAX_JTI_LENGTH) {
      throw fail('jti must be a short string');
    }
    if (accessToken !== undefined && payload.ath !== accessTokenHash(accessToken)) {
      throw fail('ath does not match the access token');
    }
    const ageMs = now() - (payload.iat as number) * 1000;
    const nonceFresh = isFreshNonce(payload.nonce);
    // Without a good nonce the proof's age is its iat; with one, the nonce's age bounds it, so
    // a client whose clock is off recovers after one use_dpop_nonce (§8, §11.1).
    if ((requireNonce || Math.abs(ageMs) > windowMs) && !nonceFresh) {
      throw dpopNonceDemanded(endpoint, nonce());
    }
    const jkt = await calculateJwkThumbprint(jwk, 'sha256');
    const replayKey = `${jkt}.${payload.jti}`;
    if (seen.has(replayKey)) throw fail('jti already used');
    seen.set(replayKey, true);
    return jkt;
  }

  return {
    verify,
    nonce,
    get noncesRequired() {
      return requireNonce;
    },
    requireNonces(on) {
      requireNonce = on;
    },
  };
}
