/**
 * The Next server's authenticated API clients, axios (`serverAuth`) and `fetch`, for Server
 * Components, route handlers and server actions. Both take tokens from one source: this
 * request's session, read from its cookie (held in React's per-request cache, so a reissue in
 * one call is seen by the next), reissued through the shared reissuer on a 401, and written back
 * where the context allows (route handlers and server actions can set cookies; a Server
 * Component cannot, by design: there the proxy, the coordinator's shared outcome and the API's
 * reuse grace window carry the new token until the next request).
 */
import { cookies } from 'next/headers';
import { cache } from 'react';
import { createAuthFetch, type AuthFetch } from '../http/auth-fetch';
import type { DpopSigner } from '../http/dpop';
import { createApiInstance } from '../http/instance';
import { attachAuthInterceptors, type TokenSource } from '../http/interceptors';
import type { ReissuePath } from '../telemetry/events';
import { createOtelTracer } from '../telemetry/otel-tracer';
import type { TracerOption } from '../telemetry/tracer';
import {
  sessionTokenSource,
  type ServerSession,
  type SessionTokenSourceOptions,
} from '../http/session-token-source';
import { cookieStoreTarget, type SessionStore } from '../server/session-store';
import type { BaseUser } from '../types';

export interface RequestTokenSourceOptions<S extends ServerSession, U extends BaseUser> {
  /** Called per request, so the store and reissuer may be built on first use. */
  store(): SessionStore<S>;
  reissuer(): SessionTokenSourceOptions<S, U>['reissuer'];
  withTokens: SessionTokenSourceOptions<S, U>['withTokens'];
  telemetry?: SessionTokenSourceOptions<S, U>['telemetry'];
}

/** Tokens from this request's session cookie, reissued through the shared reissuer. */
export function requestTokenSource<S extends ServerSession, U extends BaseUser>(
  options: RequestTokenSourceOptions<S, U>,
): TokenSource {
  /** Per request (React's cache scope): the newest session this request has seen. */
  const requestSession = cache(() => ({ latest: undefined as S | null | undefined }));
  return sessionTokenSource<S, U>({
    async session() {
      const held = requestSession();
      held.latest ??= await options.store().read(await cookies());
      return held.latest;
    },
    async save(session) {
      requestSession().latest = session;
      const jar = await cookies();
      const write = await options.store().write(jar, session);
      try {
        write.to(cookieStoreTarget(jar));
      } catch {
        // Rendering a Server Component: cookies are read-only here, by design.
      }
    },
    // Resolved per call: building a client reads no configuration and builds nothing.
    reissuer: {
      reissue: (refreshToken, path, binding) =>
        options.reissuer().reissue(refreshToken, path, binding),
      noteRejectedAccessToken: (token, expiresAt) =>
        options.reissuer().noteRejectedAccessToken(token, expiresAt),
    },
    withTokens: options.withTokens,
    telemetry: options.telemetry,
  });
}

export interface ServerClientOptions {
  /** DPoP with the server's key (asked per request; null while DPoP is off). */
  dpop?: () => DpopSigner | null;
}

/** The same source, telling the reissuer which client asked (for its span and metrics). */
function askingAs(source: TokenSource, path: ReissuePath): TokenSource {
  return { ...source, renew: (token, rejection) => source.renew(token, { ...rejection, path }) };
}

/**
 * axios with the session's access token: `serverAuth.get('/users/me')`. By default its spans and
 * `traceparent` go through `@opentelemetry/api`: nothing is recorded or sent until the app
 * registers an SDK (instrumentation.ts).
 */
export function createServerAuth(
  source: TokenSource,
  baseURL: string,
  tracer: TracerOption = createOtelTracer(),
  { dpop }: ServerClientOptions = {},
) {
  const instance = createApiInstance({ baseURL });
  attachAuthInterceptors(instance, askingAs(source, 'server-auth'), { tracer, dpop });
  return instance;
}

/** `fetch` with the session's access token: `serverFetch('/posts')`; traced as `serverAuth`. */
export function createServerFetch(
  source: TokenSource,
  baseUrl: string,
  tracer: TracerOption = createOtelTracer(),
  { dpop }: ServerClientOptions = {},
): AuthFetch {
  return createAuthFetch(askingAs(source, 'fetch'), { baseUrl, tracer, dpop });
}
