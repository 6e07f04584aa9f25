import {
  isAxiosError,
  type AxiosInstance,
  type AxiosResponse,
  type InternalAxiosRequestConfig,
} from 'axios';
import { isAuthRequestError, ReissueUnavailableError } from '../errors';
import type { ReissuePath } from '../telemetry/events';
import {
  resolveTracer,
  type AttemptTrace,
  type RequestTrace,
  type TracerOption,
} from '../telemetry/tracer';

declare module 'axios' {
  interface AxiosRequestConfig {
    /** The access token this request carried; set by the auth request interceptor. */
    bearerToken?: string;
    /** Set on a retry after a reissue: the request carries the token it was given. */
    isAuthRetry?: boolean;
    /** Retries after a 401 so far; bounded by `MAX_AUTH_RETRIES`. */
    authRetries?: number;
    /** With a tracer: the request's trace (kept across its retries) and this attempt's. */
    authTrace?: RequestTrace;
    authAttempt?: AttemptTrace;
  }
}

/**
 * A retried request may be rejected again because its new token expired while it was queued;
 * asking the source once more lets the auth state decide. Two retries bound it: never a loop.
 */
export const MAX_AUTH_RETRIES = 2;

/**
 * Where an authenticated instance gets its token. The retry logic below is the same for the
 * browser (the auth actor, `actorTokenSource`) and the Next server (the session cookie,
 * `lib/server/http.ts`). Every wait inside a source is bounded; failures are `AuthRequestError`s.
 */
export interface TokenSource {
  /** True while a reissue is in flight; a request waiting on `acquire` then counts as waiting. */
  isRenewing(): boolean;
  /** The token a request may carry right now without waiting, or null: the hot path, synchronous. */
  peek?(): string | null;
  /** The token a request may carry now, after any reissue in flight has settled. */
  acquire(): Promise<string>;
  /**
   * The API rejected `token`. Resolve with a different token to retry with: the current one if
   * `token` is stale, else the result of a reissue that all concurrent callers share. `path`
   * says which client asked, for the server's metrics (the browser's source ignores it).
   */
  renew(token: string, path?: ReissuePath): Promise<string>;
}

export interface AuthInterceptorOptions {
  /** Traces each request and its attempts, and injects `traceparent`; none by default. */
  tracer?: TracerOption;
}

export interface AuthTraffic {
  /** Requests currently waiting on a reissue (before sending, or after a 401). */
  readonly waiting: number;
  /** Requests retried with a reissued token, since start. */
  readonly retried: number;
  /** Requests that ended with an `AuthRequestError`, since start. */
  readonly failed: number;
  /** 401s that joined a reissue already in flight instead of starting one, since start. */
  readonly coalesced: number;
}

/** Shaped for React's `useSyncExternalStore(store.subscribe, store.getSnapshot)`. */
export interface AuthTrafficStore {
  subscribe(listener: () => void): () => void;
  getSnapshot(): AuthTraffic;
}

export interface AuthInterceptors {
  traffic: AuthTrafficStore;
  /** Removes both interceptors from the instance. */
  eject(): void;
}

/**
 * Request: take a token from `source` (waiting out a reissue in flight) and remember it.
 * Response: on a 401, ask `source` to renew the token that failed and retry, at most
 * `MAX_AUTH_RETRIES` times. Only the source says the session ended (`SessionExpiredError`);
 * a request still rejected after its last retry fails as retryable, never as "session ended".
 */
export function attachAuthInterceptors(
  instance: AxiosInstance,
  source: TokenSource,
  options: AuthInterceptorOptions = {},
): AuthInterceptors {
  const traffic = createTrafficStore();
  const tracer = resolveTracer(options.tracer);

  const carry = (config: InternalAxiosRequestConfig, token: string) => {
    config.bearerToken = token;
    config.headers.set('Authorization', `Bearer ${token}`);
    if (config.authTrace) {
      const attempt = config.authTrace.attempt(config.authRetries ?? 0, instance.getUri(config));
      config.authAttempt = attempt;
      for (const [name, value] of Object.entries(attempt.headers)) config.headers.set(name, value);
    }
    return config;
  };

  // Not async: with a good token the interceptor returns the config itself, no promise hops.
  const requestId = instance.interceptors.request.use((config) => {
    if (config.isAuthRetry && config.bearerToken) return carry(config, config.bearerToken);
    if (!config.authTrace) config.authTrace = tracer()?.request(config.method ?? 'get');
    const ready = source.peek?.();
    if (ready) return carry(config, ready);
    const pending = source.isRenewing() ? traffic.whileWaiting(source.acquire()) : source.acquire();
    return traffic.countingFailures(pending).then(
      (token) => carry(config, token),
      (error: unknown) => {
        config.authTrace?.end(error);
        throw error;
      },
    );
  });

  const responseId = instance.interceptors.response.use(
    (response: AxiosResponse) => {
      response.config.authAttempt?.end(response.status);
      ended(response.config);
      return response;
    },
    (error: unknown) => {
      // Errors thrown by the request interceptor (typed auth errors) pass through here unchanged.
      if (!isAxiosError(error)) throw error;
      const config: InternalAxiosRequestConfig | undefined = error.config;
      config?.authAttempt?.end(error.response?.status, error);
      if (error.response?.status !== 401 || !config?.bearerToken) throw ended(config, error);
      const retries = config.authRetries ?? 0;
      if (retries >= MAX_AUTH_RETRIES) {
        traffic.count('failed');
        throw ended(
          config,
          new ReissueUnavailableError('The API kept rejecting renewed tokens. Try again.'),
        );
      }
      if (source.isRenewing()) traffic.count('coalesced');
      const bearer = config.bearerToken;
      const renew = () => source.renew(bearer);
      const renewing = config.authTrace ? config.authTrace.within(renew) : renew();
      return traffic
        .countingFailures(traffic.whileWaiting(renewing))
        .then((renewed) => {
          traffic.count('retried');
          return instance.request({
            ...config,
            isAuthRetry: true,
            authRetries: retries + 1,
            bearerToken: renewed,
          });
        })
        .then(
          (response) => {
            ended(config);
            return response;
          },
          (failure: unknown) => {
            throw ended(config, failure);
          },
        );
    },
  );

  return {
    traffic,
    eject() {
      instance.interceptors.request.eject(requestId);
      instance.interceptors.response.eject(responseId);
    },
  };
}

/** Ends the request's trace once, from its first attempt's chain (retries run inside it). */
function ended(config: InternalAxiosRequestConfig | undefined, error?: unknown): unknown {
  if (config?.authTrace && !config.isAuthRetry) config.authTrace.end(error);
  return error;
}

function createTrafficStore() {
  let snapshot: AuthTraffic = { waiting: 0, retried: 0, failed: 0, coalesced: 0 };
  const listeners = new Set<() => void>();
  const update = (change: Partial<AuthTraffic>) => {
    snapshot = { ...snapshot, ...change };
    for (const listener of listeners) listener();
  };
  const count = (counter: 'retried' | 'failed' | 'coalesced') =>
    update({ [counter]: snapshot[counter] + 1 });

  return {
    subscribe(listener: () => void) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    getSnapshot: () => snapshot,
    count,
    whileWaiting<T>(promise: Promise<T>): Promise<T> {
      update({ waiting: snapshot.waiting + 1 });
      return promise.finally(() => update({ waiting: snapshot.waiting - 1 }));
    },
    countingFailures<T>(promise: Promise<T>): Promise<T> {
      return promise.catch((error: unknown) => {
        if (isAuthRequestError(error)) count('failed');
        throw error;
      });
    },
  };
}
