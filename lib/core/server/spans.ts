/**
 * The server's spans (`reissue`, `coordinator.wait`, `coordinator.lock`) on `@opentelemetry/api`,
 * which costs next to nothing until the app registers an SDK (instrumentation.ts). Attributes
 * are low-cardinality and never carry a token, a user or a URL.
 */
import { SpanKind, SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';
import { TRACER_NAME } from '../telemetry/otel-tracer';

/** Runs `work` inside a span named `name`; the span ends when it settles. */
export function inSpan<T>(
  name: string,
  attributes: Attributes,
  work: (span: Span) => Promise<T>,
  kind: SpanKind = SpanKind.INTERNAL,
): Promise<T> {
  return trace.getTracer(TRACER_NAME).startActiveSpan(name, { attributes, kind }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      markFailed(span, error instanceof Error ? error.name : '_OTHER');
      throw error;
    } finally {
      span.end();
    }
  });
}

export function markFailed(span: Span, errorType: string): void {
  span.setAttribute('error.type', errorType);
  span.setStatus({ code: SpanStatusCode.ERROR });
}
