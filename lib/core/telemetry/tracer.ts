/**
 * The trace hooks of the interceptors, `authFetch` and the browser's token source, as plain
 * interfaces: the core calls them when given one and pays nothing otherwise. `createOtelTracer`
 * (./otel-tracer.ts) implements them on `@opentelemetry/api`; an app that never traces never
 * loads it. The shape follows OpenTelemetry's HTTP conventions for an authorization retry: one
 * parent per request, one client span per attempt, the retried one with
 * `http.request.resend_count` = 1. Browser-safe: no imports.
 */
import type { ReissueOutcomeKind, ReissuePath } from './events';

export interface RequestTracer {
  /** One request through the auth interceptors or `authFetch`: the parent of its attempts. */
  request(method: string): RequestTrace;
  /**
   * A reissue starts in the active trace (inside a request's `within`); ended by its starter.
   * Requests that wait on it instead of starting another are counted with `join`.
   */
  reissue(path: ReissuePath): ReissueTrace;
  /** `traceparent` (and `tracestate`) for the active trace: the browser's reissue request. */
  headers(): Record<string, string>;
}

export interface RequestTrace {
  /** One attempt, about to be sent: its headers carry this attempt's trace context. */
  attempt(resendCount: number, url?: string): AttemptTrace;
  /** Runs `work` with this request as the active trace, so a reissue it starts joins it. */
  within<T>(work: () => T): T;
  end(error?: unknown): void;
}

export interface AttemptTrace {
  headers: Record<string, string>;
  end(status?: number, error?: unknown): void;
}

export interface ReissueTrace {
  within<T>(work: () => T): T;
  join(): void;
  /** `refused`: the 401 read as the route refusing a good token, and no reissue started. */
  end(outcome: ReissueOutcomeKind | 'refused', errorType?: string): void;
}

/** A tracer, or a function asked at request time (a tracer that loads later, or never). */
export type TracerOption = RequestTracer | (() => RequestTracer | undefined);

export function resolveTracer(option: TracerOption | undefined): () => RequestTracer | undefined {
  if (typeof option === 'function') return option;
  return () => option;
}
