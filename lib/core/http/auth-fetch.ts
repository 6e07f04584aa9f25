/**
 * `fetch` with the session's access token, for code that calls APIs with `fetch` rather than
 * axios (Server Components, mostly). It follows the same rules as the axios interceptors
 * (`interceptors.ts`), through the same `TokenSource`: take a token (waiting out a reissue in
 * flight), send it, and on a 401 ask the source to renew the token that failed and retry, at
 * most `MAX_AUTH_RETRIES` times. Single flight and persistence are the source's (on the Next
 * server: the shared reissuer and the request's cookie store), so a burst of fetches and a burst
 * of axios calls cost the API the same one reissue.
 */
import { ReissueUnavailableError } from '../errors';
import { resolveTracer, type RequestTrace, type TracerOption } from '../telemetry/tracer';
import { API_TIMEOUT_MS } from './instance';
import { MAX_AUTH_RETRIES, type TokenSource } from './interceptors';

export interface AuthFetchOptions {
  /** Relative URLs (`/posts`) resolve against this; absolute ones are sent as they are. */
  baseUrl?: string;
  /** Upper bound for each attempt, joined with the caller's own `signal`. */
  timeoutMs?: number;
  /** The `fetch` to call (the platform's by default; Next's patched one on the Next server). */
  fetch?: typeof fetch;
  /** Traces each call and its attempts, and injects `traceparent`; none by default. */
  tracer?: TracerOption;
}

/** A `fetch` that carries the access token; answers like `fetch`, except for auth failures. */
export type AuthFetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/**
 * Resolves with the API's response, whatever its status, as `fetch` does, except that a 401
 * is retried with a renewed token, and auth failures reject with the source's typed errors
 * (`SessionExpiredError`, `ReissueUnavailableError`, `NotSignedInError`). A request still
 * rejected after its last retry rejects as retryable, never as "session ended".
 */
export function createAuthFetch(source: TokenSource, options: AuthFetchOptions = {}): AuthFetch {
  const timeoutMs = options.timeoutMs ?? API_TIMEOUT_MS;
  const send = options.fetch ?? ((input, init) => fetch(input, init));
  const tracer = resolveTracer(options.tracer);

  const resolve = (input: string | URL | Request): string | URL | Request =>
    typeof input === 'string' && options.baseUrl ? new URL(input, options.baseUrl) : input;

  async function attempts(original: Request, trace: RequestTrace | undefined): Promise<Response> {
    let token = source.peek?.() ?? (await source.acquire());
    for (let retries = 0; ; retries++) {
      const attempt = original.clone();
      attempt.headers.set('Authorization', `Bearer ${token}`);
      const traced = trace?.attempt(retries, attempt.url);
      for (const [name, value] of Object.entries(traced?.headers ?? {})) {
        attempt.headers.set(name, value);
      }
      const signal = AbortSignal.any([original.signal, AbortSignal.timeout(timeoutMs)]);
      let response: Response;
      try {
        response = await send(attempt, { signal });
      } catch (error) {
        traced?.end(undefined, error);
        throw error;
      }
      traced?.end(response.status);
      if (response.status !== 401) return response;
      // The body is not read: free the connection (not awaited: some streams settle late).
      void response.body?.cancel().catch(() => {});
      if (retries >= MAX_AUTH_RETRIES) {
        throw new ReissueUnavailableError('The API kept rejecting renewed tokens. Try again.');
      }
      const rejected = token;
      token = await (trace ? trace.within(() => source.renew(rejected)) : source.renew(rejected));
    }
  }

  return async function authFetch(input, init) {
    // One Request holds the body; each attempt sends a clone, so a retry resends it intact.
    const original = new Request(resolve(input), init);
    const trace = tracer()?.request(original.method);
    if (!trace) return attempts(original, undefined);
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
