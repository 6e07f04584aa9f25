/**
 * The trace hooks (./tracer.ts) on `@opentelemetry/api`, which is a no-op until the app
 * registers an SDK (the Next server's instrumentation.ts, the browser's lazily loaded tracer).
 * Attributes name methods, status codes, the API's host and counts, never a URL path, a query,
 * a token or a user. Works in the browser (the SDK's stack context manager: `within` holds for
 * synchronous work, which is all the reissue start needs) and on Node (async context).
 */
import {
  context,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
} from '@opentelemetry/api';
import type { AttemptTrace, RequestTrace, RequestTracer, ReissueTrace } from './tracer';

export const TRACER_NAME = 'token-reissue';

function errorType(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code) return code;
    const name = (error as { name?: unknown }).name;
    if (typeof name === 'string' && name) return name;
  }
  return '_OTHER';
}

function fail(span: Span, type: string): void {
  span.setAttribute('error.type', type);
  span.setStatus({ code: SpanStatusCode.ERROR });
}

function carrier(ctx: Context): Record<string, string> {
  const headers: Record<string, string> = {};
  propagation.inject(ctx, headers);
  return headers;
}

const AUTHORITY = /^([a-z][a-z\d+.-]*):\/\/(?:[^@/?#]*@)?(\[[^\]]+\]|[^:/?#]+)(?::(\d+))?/i;

/** The API's host and port: where the attempt went, without its path or query. */
function serverAttributes(url: string | undefined): Attributes {
  const match = url ? AUTHORITY.exec(url) : null;
  if (!match) return {};
  const [, scheme, host, port] = match;
  return {
    'server.address': host!.replace(/^\[|\]$/g, ''),
    'server.port': Number(port) || (scheme!.toLowerCase() === 'https' ? 443 : 80),
  };
}

export function createOtelTracer(name = TRACER_NAME): RequestTracer {
  const tracer = trace.getTracer(name);

  function request(method: string): RequestTrace {
    const verb = method.toUpperCase();
    const span = tracer.startSpan('api.request', { attributes: { 'http.request.method': verb } });
    const ctx = trace.setSpan(context.active(), span);
    return {
      attempt(resendCount, url): AttemptTrace {
        const attributes: Attributes = { 'http.request.method': verb, ...serverAttributes(url) };
        if (resendCount > 0) attributes['http.request.resend_count'] = resendCount;
        const attempt = tracer.startSpan(verb, { kind: SpanKind.CLIENT, attributes }, ctx);
        return {
          headers: carrier(trace.setSpan(ctx, attempt)),
          end(status, error) {
            if (status !== undefined) attempt.setAttribute('http.response.status_code', status);
            if (error !== undefined && status === undefined) fail(attempt, errorType(error));
            else if (status !== undefined && status >= 400) fail(attempt, String(status));
            attempt.end();
          },
        };
      },
      within: (work) => context.with(ctx, work),
      end(error) {
        if (error !== undefined) fail(span, errorType(error));
        span.end();
      },
    };
  }

  function reissue(path: string): ReissueTrace {
    const span = tracer.startSpan('reissue', { attributes: { 'reissue.path': path } });
    const ctx = trace.setSpan(context.active(), span);
    let joined = 0;
    return {
      within: (work) => context.with(ctx, work),
      join: () => void joined++,
      end(outcome, type) {
        span.setAttributes({ 'reissue.outcome': outcome, 'reissue.joined': joined });
        if (type) fail(span, type);
        span.end();
      },
    };
  }

  return { request, reissue, headers: () => carrier(context.active()) };
}
