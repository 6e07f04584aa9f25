/**
 * The interceptors' part of tracing (interceptors.ts stays about which token a request carries):
 * the request's trace lives on its axios config, each attempt starts a client span whose
 * `traceparent` the attempt sends, and the trace ends once, from the request's first chain.
 */
import type { InternalAxiosRequestConfig } from 'axios';
import type { AttemptTrace, RequestTrace } from '../telemetry/tracer';

declare module 'axios' {
  interface AxiosRequestConfig {
    /** With a tracer: the request's trace (kept across its retries) and this attempt's. */
    authTrace?: RequestTrace;
    authAttempt?: AttemptTrace;
  }
}

const ABSOLUTE = /^[a-z][a-z\d+.-]*:\/\//i;

/** Starts this attempt's span, resend count from the retries so far, and sends its context. */
export function startAttempt(config: InternalAxiosRequestConfig): void {
  if (!config.authTrace) return;
  const resent = (config.authRetries ?? 0) + (config.expiredRetries ?? 0);
  // Where it goes, for the span's server address: the URL if absolute, else the base URL (not
  // `instance.getUri`, which merges the whole config and costs more than the span itself).
  const url = config.url && ABSOLUTE.test(config.url) ? config.url : config.baseURL;
  const attempt = config.authTrace.attempt(resent, url);
  config.authAttempt = attempt;
  for (const [name, value] of Object.entries(attempt.headers)) config.headers.set(name, value);
}

/**
 * Ends the request's trace, once, from its first attempt's chain (retries run inside it, and a
 * retry's config is a copy that leaves the trace to the original). Returns `error` to rethrow.
 */
export function endTrace(config: InternalAxiosRequestConfig | undefined, error?: unknown): unknown {
  const trace = config?.authTrace;
  if (!trace || config.isAuthRetry) return error;
  config.authTrace = undefined;
  trace.end(error);
  return error;
}

/** `send(config)`, ending the request's trace if taking a slot or a token fails. */
export function endingOnFailure<T>(
  config: InternalAxiosRequestConfig,
  send: (config: InternalAxiosRequestConfig) => T | Promise<T>,
): T | Promise<T> {
  try {
    const sent = send(config);
    return sent instanceof Promise
      ? sent.catch((error: unknown) => {
          throw endTrace(config, error);
        })
      : sent;
  } catch (error) {
    throw endTrace(config, error);
  }
}
