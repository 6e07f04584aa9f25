/**
 * The auth interceptors every authenticated axios instance gets, browser or server: which token
 * a request leaves with, and what a 401 means. The token source says where tokens come from.
 */
import {
  AxiosError,
  CanceledError,
  isAxiosError,
  type AxiosInstance,
  type InternalAxiosRequestConfig,
} from 'axios';
import { RequestRefusedError } from '../errors';
import type { ReissuePath } from '../telemetry/events';
import { resolveTracer, type TracerOption } from '../telemetry/tracer';
import { createTrafficStore, type AuthTrafficStore } from './auth-traffic';
import type { DpopSigner } from './dpop';
import { createDpopStep } from './dpop-step';
import { createInFlightLimit, InFlightWaitError } from './in-flight-limit';
import { API_TIMEOUT_MS } from './instance';
import { endingOnFailure, endTrace as ended, startAttempt } from './request-trace';

export type { AuthTraffic, AuthTrafficStore } from './auth-traffic';

declare module 'axios' {
  interface AxiosRequestConfig {
    /** The access token this request carried; set by the auth request interceptor. */
    bearerToken?: string;
    /**
     * Local epoch ms after which `bearerToken` may be refused for its age (the source's answer
     * when the request left; undefined when the source cannot tell).
     */
    bearerGoodUntil?: number;
    /** Set on a retry after a 401: the request carries the token its renewal gave it. */
    isAuthRetry?: boolean;
    /**
     * The request carries a token a reissue just gave it: it is a retry, or it waited for a
     * reissue in flight before leaving. A 401 for such a token may be the route refusing.
     */
    awaitedRenewal?: boolean;
    /** 401s for a still-good token so far; bounded by `MAX_AUTH_RETRIES`. */
    authRetries?: number;
    /** 401s for a token that ran out on its way so far; bounded by `MAX_EXPIRED_RETRIES`. */
    expiredRetries?: number;
    /** DPoP: the request already renewed a token bound to another key (once per request). */
    dpopRebound?: boolean;
    /** DPoP: the request was already sent again with the nonce the API asked for (once). */
    dpopNonceRetried?: boolean;
  }
}

/**
 * A request rejected although its token was still good may try a renewed token; twice bounds it.
 * Only such rejections count: see `MAX_EXPIRED_RETRIES`.
 */
export const MAX_AUTH_RETRIES = 2;
/**
 * A 401 for a token that was past its usable life (on the corrected clock) when the answer came
 * back says nothing about renewal: the request was queued longer than the token lived. It is
 * retried with the next token without using up `MAX_AUTH_RETRIES`, at most this many times, so
 * an API whose tokens are dead on arrival cannot make a request loop.
 */
export const MAX_EXPIRED_RETRIES = 3;

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
   * The API rejected `token` although it was still good. Resolve with a different token to retry
   * with: the current one if `token` is stale, else the result of a reissue that all concurrent
   * callers share. `afterRenewal`: the request carried a token a reissue had just given it (a
   * retry, or a request that waited for the reissue before leaving); a source that then finds
   * the route refusing rejects with `RequestRefusedError` instead of reissuing again.
   */
  renew(token: string, rejection?: Rejection): Promise<string>;
  /**
   * Local epoch ms after which `token` may be refused for its age (on the source's corrected
   * clock), or undefined if the source cannot tell. Lets a 401 for a token that ran out on its
   * way be told from a 401 for a good one.
   */
  goodUntil?(token: string): number | undefined;
}

/** What the caller of `renew` knows about the rejection. */
export interface Rejection {
  afterRenewal?: boolean;
  /** Which client asked, for the server's spans and metrics (the browser's source ignores it). */
  path?: ReissuePath;
}

export interface AuthInterceptors {
  traffic: AuthTrafficStore;
  /** Removes both interceptors from the instance. */
  eject(): void;
}

export interface AuthInterceptorOptions {
  /**
   * At most this many requests of the instance on the wire at once (the browser's HTTP/1.1
   * connection limit per host is 6). The others wait in order and take their token only when
   * they leave, so none leaves with a token that expired while it was queued. Unset: no limit.
   */
  maxInFlight?: number;
  /**
   * DPoP (RFC 9449): asked per request; a signer makes every request carry `DPoP <token>` and a
   * fresh proof, renews first a token bound to another key, and answers a `use_dpop_nonce` 401
   * by sending the request once more with the nonce (not a rejected token: no reissue).
   */
  dpop?: () => DpopSigner | null;
  /** Traces each request and its attempts, and injects `traceparent`; none by default. */
  tracer?: TracerOption;
}

/**
 * Request: wait for a slot (with `maxInFlight`), take a token from `source` (waiting out a
 * reissue in flight) and remember it. Response: on a 401, ask `source` to renew the token that
 * failed and retry: at most `MAX_AUTH_RETRIES` times for a token that was still good, at most
 * `MAX_EXPIRED_RETRIES` for one that ran out on its way. Only the source says the session ended
 * (`SessionExpiredError`); a request rejected with every good token it was given is refused
 * (`RequestRefusedError`), never "session ended".
 */
export function attachAuthInterceptors(
  instance: AxiosInstance,
  source: TokenSource,
  { maxInFlight, dpop, tracer: tracerOption }: AuthInterceptorOptions = {},
): AuthInterceptors {
  const traffic = createTrafficStore();
  const tracer = resolveTracer(tracerOption);
  const limit = maxInFlight === undefined ? undefined : createInFlightLimit(maxInFlight);
  /** Requests holding a slot, until their answer (or failure) arrives. */
  const holding = new WeakSet<object>();

  const release = (config: object | undefined) => {
    if (!limit || !config || !holding.has(config)) return;
    holding.delete(config);
    limit.release();
  };

  const carry = (config: InternalAxiosRequestConfig, token: string, awaited = false) => {
    config.bearerToken = token;
    config.awaitedRenewal = awaited || config.isAuthRetry === true;
    config.bearerGoodUntil = source.goodUntil?.(token);
    config.headers.set('Authorization', `Bearer ${token}`);
    startAttempt(config);
    return config;
  };

  const dpopStep = dpop && createDpopStep(instance, source, traffic, carry);

  /** The token the request leaves with, taken at the moment it leaves. */
  const withToken = (config: InternalAxiosRequestConfig) => {
    const signer = dpop?.() ?? null;
    // A source that can say which token is good now is asked again on a retry too: while the
    // retry waited, its renewed token may have come near its expiry.
    const ready = source.peek
      ? source.peek()
      : config.isAuthRetry
        ? (config.bearerToken ?? null)
        : null;
    if (ready)
      return signer ? dpopStep!.present(config, signer, ready, false) : carry(config, ready);
    const renewing = source.isRenewing();
    const pending = renewing ? traffic.whileWaiting(source.acquire()) : source.acquire();
    return traffic
      .countingFailures(pending)
      .then((token) =>
        signer
          ? dpopStep!.present(config, signer, token, renewing)
          : carry(config, token, renewing),
      );
  };

  /** With a slot held: a failure to find a token gives the slot back. */
  const leave = (config: InternalAxiosRequestConfig) => {
    if (limit) holding.add(config);
    try {
      const sent = withToken(config);
      if (sent instanceof Promise) {
        return sent.catch((error: unknown) => {
          release(config);
          throw error;
        });
      }
      return sent;
    } catch (error) {
      release(config);
      throw error;
    }
  };

  // Not async: with a free slot and a good token the interceptor returns the config itself.
  const requestId = instance.interceptors.request.use((config) => {
    if (!config.isAuthRetry && !config.authTrace) {
      config.authTrace = tracer()?.request(config.method ?? 'get');
    }
    return config.authTrace ? endingOnFailure(config, send) : send(config);
  });

  function send(config: InternalAxiosRequestConfig) {
    if (!limit || limit.tryTake()) return leave(config);
    const timeoutMs = config.timeout || API_TIMEOUT_MS;
    return limit
      .take({ first: config.isAuthRetry, timeoutMs, signal: config.signal ?? undefined })
      .then(
        () => leave(config),
        (error: unknown) => {
          throw queuedFailure(error, config, timeoutMs);
        },
      );
  }

  const responseId = instance.interceptors.response.use(
    (response) => {
      release(response.config);
      dpopStep?.noteNonce(response, dpop!());
      response.config.authAttempt?.end(response.status);
      ended(response.config);
      return response;
    },
    (error: unknown) => {
      if (isAxiosError(error)) {
        release(error.config);
        error.config?.authAttempt?.end(error.response?.status, error);
        // The API wants its DPoP nonce in the proof: the same request once more, not a reissue.
        if (dpopStep?.wantsNonce(error, dpop!())) {
          return instance.request({ ...error.config, dpopNonceRetried: true });
        }
      }
      // Errors thrown by the request interceptor (typed auth errors) pass through here unchanged.
      if (!isAxiosError(error)) throw error;
      const config: InternalAxiosRequestConfig | undefined = error.config;
      if (error.response?.status !== 401 || !config?.bearerToken) throw ended(config, error);
      // On the corrected clock, was the token already past its life when the answer came back?
      const outlived = config.bearerGoodUntil !== undefined && Date.now() >= config.bearerGoodUntil;
      const retries = config.authRetries ?? 0;
      const expiredRetries = config.expiredRetries ?? 0;
      if (outlived ? expiredRetries >= MAX_EXPIRED_RETRIES : retries >= MAX_AUTH_RETRIES) {
        traffic.count('failed');
        throw ended(
          config,
          new RequestRefusedError(
            'The API kept rejecting renewed tokens for this request. You are still signed in.',
          ),
        );
      }
      if (source.isRenewing()) traffic.count('coalesced');
      const afterRenewal = !outlived && config.awaitedRenewal === true;
      const bearer = config.bearerToken;
      // Inside the request's trace: a reissue it starts belongs to it.
      const renew = () => source.renew(bearer, { afterRenewal });
      const renewal = config.authTrace ? config.authTrace.within(renew) : renew();
      return traffic
        .countingFailures(traffic.whileWaiting(renewal))
        .then((renewed) => {
          traffic.count('retried');
          return instance.request({
            ...config,
            isAuthRetry: true,
            authRetries: retries + (outlived ? 0 : 1),
            expiredRetries: expiredRetries + (outlived ? 1 : 0),
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

/** A request that gave up waiting for a slot fails the way axios fails it on the wire. */
function queuedFailure(error: unknown, config: InternalAxiosRequestConfig, timeoutMs: number) {
  if (!(error instanceof InFlightWaitError)) return error;
  return error.reason === 'aborted'
    ? new CanceledError(undefined, config)
    : new AxiosError(
        `timeout of ${timeoutMs}ms exceeded while waiting to be sent`,
        AxiosError.ECONNABORTED,
        config,
      );
}
