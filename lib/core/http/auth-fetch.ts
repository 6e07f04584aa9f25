/**
 * `fetch` with the session's access token, for code that calls APIs with `fetch` rather than
 * axios (Server Components, mostly). It follows the same rules as the axios interceptors
 * (`interceptors.ts`), through the same `TokenSource`: take a token (waiting out a reissue in
 * flight), send it, and on a 401 ask the source to renew the token that failed and retry, at
 * most `MAX_AUTH_RETRIES` times for a token that was still good (`MAX_EXPIRED_RETRIES` for one
 * that ran out on its way); a token a reissue just gave it, rejected again, is the route
 * refusing (`RequestRefusedError`), not a reason for another reissue. Single flight and persistence are the source's (on the Next
 * server: the shared reissuer and the request's cookie store), so a burst of fetches and a burst
 * of axios calls cost the API the same one reissue.
 */
import { RequestRefusedError } from '../errors';
import { resolveTracer, type RequestTrace, type TracerOption } from '../telemetry/tracer';
import { isBoundElsewhere, isNonceChallenge, presentToken, type DpopSigner } from './dpop';
import { API_TIMEOUT_MS } from './instance';
import { MAX_AUTH_RETRIES, MAX_EXPIRED_RETRIES, type TokenSource } from './interceptors';

export interface AuthFetchOptions {
  /** Relative URLs (`/posts`) resolve against this; absolute ones are sent as they are. */
  baseUrl?: string;
  /** Upper bound for each attempt, joined with the caller's own `signal`. */
  timeoutMs?: number;
  /** The `fetch` to call (the platform's by default; Next's patched one on the Next server). */
  fetch?: typeof fetch;
  /** Traces each call and its attempts, and injects `traceparent`; none by default. */
  tracer?: TracerOption;
  /** DPoP, as the axios interceptors do it (`AuthInterceptorOptions.dpop`). */
  dpop?: () => DpopSigner | null;
}

/** A `fetch` that carries the access token; answers like `fetch`, except for auth failures. */
export type AuthFetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/**
 * Resolves with the API's response, whatever its status, as `fetch` does, except that a 401
 * is retried with a renewed token, and auth failures reject with the source's typed errors
 * (`SessionExpiredError`, `ReissueUnavailableError`, `NotSignedInError`, `RequestRefusedError`).
 * A request still rejected after its last retry is refused, never "session ended".
 */
export function createAuthFetch(source: TokenSource, options: AuthFetchOptions = {}): AuthFetch {
  const timeoutMs = options.timeoutMs ?? API_TIMEOUT_MS;
  const send = options.fetch ?? ((input, init) => fetch(input, init));
  const tracer = resolveTracer(options.tracer);

  const resolve = (input: string | URL | Request): string | URL | Request =>
    typeof input === 'string' && options.baseUrl ? new URL(input, options.baseUrl) : input;

  /** Sends `attempt` as the `resent`-th retry, traced when there is a trace. */
  async function sendAttempt(attempt: Request, resent: number, trace?: RequestTrace) {
    const traced = trace?.attempt(resent, attempt.url);
    for (const [name, value] of Object.entries(traced?.headers ?? {})) {
      attempt.headers.set(name, value);
    }
    const signal = AbortSignal.any([attempt.signal, AbortSignal.timeout(timeoutMs)]);
    try {
      const response = await send(attempt, { signal });
      traced?.end(response.status);
      return response;
    } catch (error) {
      traced?.end(undefined, error);
      throw error;
    }
  }

  async function attempts(original: Request, trace?: RequestTrace): Promise<Response> {
    const peeked = source.peek?.();
    // A token this request waited for a reissue to give it (as a retry's always is).
    let awaited = !peeked && source.isRenewing();
    let token = peeked ?? (await source.acquire());
    let retries = 0;
    let expiredRetries = 0;
    const signer = options.dpop?.() ?? null;
    let nonceRetried = false;
    // DPoP: a token bound to another key is renewed before it is sent.
    if (signer && (await isBoundElsewhere(signer, token))) {
      token = await source.renew(token);
      awaited = true;
    }
    for (;;) {
      const goodUntil = source.goodUntil?.(token);
      const attempt = original.clone();
      if (signer) {
        const headers = await presentToken(signer, attempt.method, attempt.url, token);
        attempt.headers.set('Authorization', headers.authorization);
        if (headers.dpop) attempt.headers.set('DPoP', headers.dpop);
      } else {
        attempt.headers.set('Authorization', `Bearer ${token}`);
      }
      const resent = retries + expiredRetries + (nonceRetried ? 1 : 0);
      const response = await sendAttempt(attempt, resent, trace);
      signer?.noteNonce(attempt.url, response.headers.get('dpop-nonce'));
      if (response.status !== 401) return response;
      // The body is not read: free the connection (not awaited: some streams settle late).
      void response.body?.cancel().catch(() => {});
      // The API wants a nonce in the proof: the same token once more, not a rejected token.
      if (!nonceRetried && isNonceChallenge(401, response.headers.get('www-authenticate'))) {
        nonceRetried = true;
        continue;
      }
      const outlived = goodUntil !== undefined && Date.now() >= goodUntil;
      if (outlived ? expiredRetries >= MAX_EXPIRED_RETRIES : retries >= MAX_AUTH_RETRIES) {
        throw new RequestRefusedError(
          'The API kept rejecting renewed tokens for this request. You are still signed in.',
        );
      }
      const rejected = token;
      // Inside the request's trace: a reissue it starts belongs to it.
      const renew = () => source.renew(rejected, { afterRenewal: !outlived && awaited });
      token = await (trace ? trace.within(renew) : renew());
      awaited = true;
      if (outlived) expiredRetries++;
      else retries++;
    }
  }

  return async function authFetch(input, init) {
    // One Request holds the body; each attempt sends a clone, so a retry resends it intact.
    const original = new Request(resolve(input), init);
    const trace = tracer()?.request(original.method);
    if (!trace) return attempts(original);
    try {
      const response = await attempts(original, trace);
      trace.end();
      return response;
    } catch (error) {
      trace.end(error);
      throw error;
    }
  };
}
