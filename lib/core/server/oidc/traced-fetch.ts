/**
 * The provider's calls (token, revocation, userinfo) as HTTP client spans: the method, the
 * provider's host and port, the status, and a `traceparent` sent along, so a reissue's trace
 * shows its refresh_token grant and a provider that traces joins it. Attributes never name the
 * path, the query, a token or a user. A no-op until the app registers an SDK.
 */
import { context, propagation, SpanKind } from '@opentelemetry/api';
import { inSpan, markFailed } from '../spans';

export type Fetch = (url: string, init?: RequestInit) => Promise<Response>;

export function tracedFetch(base: Fetch = (url, init) => fetch(url, init)): Fetch {
  return (url, init) => {
    const target = new URL(url);
    const method = (init?.method ?? 'GET').toUpperCase();
    const attributes = {
      'http.request.method': method,
      'server.address': target.hostname.replace(/^\[|\]$/g, ''),
      'server.port': Number(target.port) || (target.protocol === 'https:' ? 443 : 80),
    };
    return inSpan(
      method,
      attributes,
      async (span) => {
        const headers = new Headers(init?.headers);
        propagation.inject(context.active(), headers, {
          set: (carrier, key, value) => carrier.set(key, value),
        });
        const response = await base(url, { ...init, headers });
        span.setAttribute('http.response.status_code', response.status);
        if (response.status >= 400) markFailed(span, String(response.status));
        return response;
      },
      SpanKind.CLIENT,
    );
  };
}
