/**
 * DPoP proofs (RFC 9449) for the authenticated clients, browser and server alike: a fresh proof
 * per request (`htm`, `htu` without query or fragment, `iat`, `jti`, `ath`), the latest nonce
 * each origin handed out (§8), and how to read the API's answers about them. Proofs are made by
 * the `dpop` package over a WebCrypto key pair; where the key lives is the caller's (IndexedDB in
 * the browser, the configured PEM on the server).
 */
import { calculateThumbprint, generateProof, type KeyPair } from 'dpop';

export type { KeyPair as DpopKeyPair };

export interface DpopSigner {
  /** The key's JWK thumbprint (RFC 7638), what a bound token's `cnf.jkt` names. */
  thumbprint(): Promise<string>;
  /** A proof for one request; `accessToken` adds `ath`, the origin's last nonce is included. */
  proof(method: string, url: string, accessToken?: string): Promise<string>;
  /** Keeps the nonce an origin sent (`DPoP-Nonce`) for the next proofs to it. */
  noteNonce(url: string, nonce: string | null | undefined): void;
}

export interface DpopSignerOptions {
  /** The key pair, asked for on every proof (the caller caches it). */
  key(): Promise<KeyPair>;
  /**
   * The `htu` to sign for a URL the request goes to: by default the URL itself. The Next
   * server calls the API at an internal address and signs the API's public one.
   */
  htu?(url: string): string;
  /** Told how long each proof took to make, in ms (the browser records it for the live numbers). */
  onSigned?(ms: number): void;
}

/** Origins whose nonce is kept; a client talks to one or two. */
const MAX_NONCE_ORIGINS = 16;

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '';
  }
}

/** `htu`: the URL without its query and fragment (§4.2). */
export function targetUri(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}

export function createDpopSigner(options: DpopSignerOptions): DpopSigner {
  const nonces = new Map<string, string>();
  const htuOf = (url: string) => targetUri(options.htu ? options.htu(url) : url);
  const thumbprints = new WeakMap<KeyPair, Promise<string>>();

  return {
    async thumbprint() {
      const key = await options.key();
      let known = thumbprints.get(key);
      if (!known) {
        known = calculateThumbprint(key.publicKey);
        thumbprints.set(key, known);
      }
      return known;
    },
    async proof(method, url, accessToken) {
      const htu = htuOf(url);
      const key = await options.key();
      const started = performance.now();
      const proof = await generateProof(
        key,
        htu,
        method.toUpperCase(),
        nonces.get(originOf(htu)),
        accessToken,
      );
      options.onSigned?.(performance.now() - started);
      return proof;
    },
    noteNonce(url, nonce) {
      if (!nonce) return;
      const origin = originOf(htuOf(url));
      nonces.delete(origin);
      nonces.set(origin, nonce);
      if (nonces.size > MAX_NONCE_ORIGINS) nonces.delete(nonces.keys().next().value!);
    },
  };
}

/** A resource server's 401 asking for a (fresh) nonce: `WWW-Authenticate: DPoP error="use_dpop_nonce"`. */
export function isNonceChallenge(status: number, wwwAuthenticate: string | null | undefined) {
  return status === 401 && /\bDPoP\b[^]*error="use_dpop_nonce"/i.test(wwwAuthenticate ?? '');
}

/**
 * The thumbprint a JWT access token is bound to (`cnf.jkt`), `null` for a JWT that is not bound,
 * `undefined` for a token that is not a JWT (opaque: only the API can tell). Decoded, not
 * verified: it only decides how to present the token, the API checks it.
 */
export function boundThumbprint(accessToken: string): string | null | undefined {
  const payload = accessToken.split('.')[1];
  if (!payload) return undefined;
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const claims = JSON.parse(json) as { cnf?: { jkt?: unknown } };
    return typeof claims.cnf?.jkt === 'string' ? claims.cnf.jkt : null;
  } catch {
    return undefined;
  }
}

/**
 * The headers that present `token`: `DPoP <token>` and a fresh proof, except for a JWT the API
 * left unbound (an API without DPoP), which goes as `Bearer` as before.
 */
export async function presentToken(
  signer: DpopSigner,
  method: string,
  url: string,
  token: string,
): Promise<{ authorization: string; dpop?: string }> {
  if (boundThumbprint(token) === null) return { authorization: `Bearer ${token}` };
  return { authorization: `DPoP ${token}`, dpop: await signer.proof(method, url, token) };
}

/**
 * True for a JWT bound to another key than the signer's: after a sign-in the session's token is
 * bound to the Next server's key, and this client must get its own before using it (§5: the
 * reissue carries its proof), rather than send a request that can only fail.
 */
export async function isBoundElsewhere(signer: DpopSigner, token: string): Promise<boolean> {
  const bound = boundThumbprint(token);
  return typeof bound === 'string' && bound !== (await signer.thumbprint());
}
