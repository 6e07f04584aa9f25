/**
 * The one way adapters call their API: a timeout on every call, no caching, and an answer that
 * is always a value (status + parsed JSON, or why there is none). Validation of the body is the
 * adapter's job; logging a body that failed it happens here, so every adapter reports a
 * surprise the same way. Each call is an HTTP client span (method, the API's host, status) whose
 * `traceparent` it sends, so the API's spans join the trace; a no-op while tracing is off.
 */
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { z } from 'zod';
import type {
  BackendEndpoint,
  BackendFailure,
  RequestContext,
  UnavailableCause,
} from '@/lib/server/auth-backend';

export type HttpAnswer =
  | { ok: true; status: number; json: unknown; headers: Headers }
  | { ok: false; failure: BackendFailure };

export interface CallOptions {
  method?: 'GET' | 'POST';
  body?: unknown;
  headers?: Record<string, string>;
  context?: RequestContext;
}

export function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

export function reasonOf(failure: BackendFailure): string {
  return failure.kind === 'rejected' ? `${failure.status} ${failure.error}` : failure.reason;
}

export function unavailable(cause: UnavailableCause, reason: string): BackendFailure {
  return { kind: 'unavailable', cause, reason };
}

/** The headers that carry what the Next server knows about the browser's request. */
function contextHeaders(context: RequestContext | undefined): Record<string, string> {
  return context?.clientAddress ? { 'x-forwarded-for': context.clientAddress } : {};
}

export async function call(
  endpoint: BackendEndpoint,
  path: string,
  options: CallOptions = {},
): Promise<HttpAnswer> {
  const url = new URL(path, endpoint.baseUrl);
  const method = options.method ?? 'POST';
  const span = trace.getTracer('token-reissue-app').startSpan(method, {
    kind: SpanKind.CLIENT,
    attributes: {
      'http.request.method': method,
      'server.address': url.hostname,
      'server.port': Number(url.port) || (url.protocol === 'https:' ? 443 : 80),
    },
  });
  const traced = trace.setSpan(context.active(), span);
  const traceHeaders: Record<string, string> = {};
  propagation.inject(traced, traceHeaders);
  try {
    const answer = await context.with(traced, () =>
      send(endpoint, url, method, options, traceHeaders),
    );
    if (answer.ok) span.setAttribute('http.response.status_code', answer.status);
    const failed = answer.ok ? answer.status >= 400 && String(answer.status) : answer.failure.kind;
    if (failed) {
      span.setAttribute('error.type', failed);
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
    return answer;
  } finally {
    span.end();
  }
}

async function send(
  endpoint: BackendEndpoint,
  url: URL,
  method: string,
  { body, headers = {}, context: caller }: CallOptions,
  traceHeaders: Record<string, string>,
): Promise<HttpAnswer> {
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: {
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...contextHeaders(caller),
        ...traceHeaders,
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(endpoint.timeoutMs),
      cache: 'no-store',
    });
  } catch (error) {
    const timedOut = error instanceof Error && error.name === 'TimeoutError';
    return { ok: false, failure: unavailable(timedOut ? 'timeout' : 'network', describe(error)) };
  }
  const json: unknown = await response.json().catch(() => undefined);
  return { ok: true, status: response.status, json, headers: response.headers };
}

/** The `error` (or `code`, or `message`) string of an error body, whatever the API calls it. */
export function errorOf(json: unknown): string {
  if (typeof json !== 'object' || json === null) return 'unknown';
  for (const key of ['error', 'code', 'message'] as const) {
    const value = (json as Record<string, unknown>)[key];
    if (typeof value === 'string' && value) return value;
  }
  return 'unknown';
}

/** Validates a 2xx body; a mismatch is logged once with the first issue and its path. */
export function parseBody<T>(
  adapter: string,
  path: string,
  schema: z.core.$ZodType<T>,
  json: unknown,
): { ok: true; value: T } | { ok: false; failure: BackendFailure } {
  const parsed = z.safeParse(schema, json);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
  const reason = `malformed ${path} response: ${json === undefined ? 'not JSON' : `${where}${issue?.message ?? 'invalid'}`}`;
  console.error(`[auth] ${adapter} API ${reason}`);
  return { ok: false, failure: unavailable('malformed', reason) };
}

/** Any non-2xx answer as a failure: 4xx refused, everything else unavailable. */
export function statusFailure(
  adapter: string,
  path: string,
  status: number,
  json: unknown,
): BackendFailure {
  if (status >= 400 && status < 500) return { kind: 'rejected', status, error: errorOf(json) };
  const reason = `${path} answered ${status}`;
  console.error(`[auth] ${adapter} API ${reason}`);
  return unavailable('status', reason);
}
