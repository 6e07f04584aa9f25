/**
 * A proof made elsewhere, added to openid-client's token request: the browser's, for the
 * provider's token endpoint, forwarded by the Next server (RFC 9449 §5: a confidential client's
 * refresh token stays unbound; the new access token is bound to the browser's key). openid-client
 * takes only DPoP handles it made itself (over a key it holds), so the header is added by the
 * configuration's `customFetch`, which reads the proof of the call in progress from an
 * AsyncLocalStorage. A `use_dpop_nonce` answer cannot be signed again here: the nonce goes back
 * to the browser.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

interface Forwarding {
  proof: string;
  /** The provider's `DPoP-Nonce` from its answer to the forwarded proof. */
  nonce?: string;
}

const forwarding = new AsyncLocalStorage<Forwarding>();

/** A `fetch` that adds the forwarded proof of the call in progress, if any. */
export function forwardingFetch(
  base: (url: string, init?: RequestInit) => Promise<Response> = (url, init) => fetch(url, init),
) {
  return async (url: string, init?: RequestInit): Promise<Response> => {
    const current = forwarding.getStore();
    if (!current) return base(url, init);
    const headers = new Headers(init?.headers);
    headers.set('dpop', current.proof);
    const response = await base(url, { ...init, headers });
    current.nonce = response.headers.get('dpop-nonce') ?? current.nonce;
    return response;
  };
}

/** Runs `call` with `proof` forwarded on its token request; says which nonce the provider sent. */
export async function withForwardedProof<T>(
  proof: string,
  call: () => Promise<T>,
): Promise<{ result?: T; error?: unknown; nonce?: string }> {
  const state: Forwarding = { proof };
  try {
    return { result: await forwarding.run(state, call), nonce: state.nonce };
  } catch (error) {
    return { error, nonce: state.nonce };
  }
}

/** The token endpoint refused the proof for lacking its nonce (§8). */
export function isNonceRefusal(error: unknown): boolean {
  return (error as { error?: unknown } | null)?.error === 'use_dpop_nonce';
}
