/**
 * Tracing for the Next server, loaded by instrumentation.ts only when an OTLP endpoint is
 * configured: `@vercel/otel` registers the SDK, and from then on Next's own spans (requests,
 * route handlers, renders), the package's (`reissue`, `coordinator.*`, the interceptors' request
 * and attempt spans) and the adapter's API calls are exported, through a redacting exporter.
 * Next continues the trace a request brings in `traceparent` (the browser's); the interceptors
 * and the adapter inject it into API calls, so `@vercel/otel`'s own fetch instrumentation is
 * left out (it would add a second client span per call). Prometheus scrapes and the relayed
 * browser spans are not traced.
 */
import 'server-only';
import { OTLPHttpJsonTraceExporter, OTLPHttpProtoTraceExporter, registerOTel } from '@vercel/otel';
import {
  BatchSpanProcessor,
  ParentBasedSampler,
  SamplingDecision,
  type Sampler,
} from '@opentelemetry/sdk-trace-base';
import type { TracingSettings } from '@/lib/config';
import { redactingExporter } from './redacting-exporter';

const UNTRACED_PATHS = ['/api/metrics', '/api/telemetry/'];

/** Roots of requests to the telemetry routes themselves are dropped, with their children. */
const skipTelemetryRoutes: Sampler = {
  shouldSample(_context, _traceId, _name, _kind, attributes) {
    const target = attributes['http.target'] ?? attributes['url.path'];
    const own = typeof target === 'string' && UNTRACED_PATHS.some((p) => target.startsWith(p));
    return { decision: own ? SamplingDecision.NOT_RECORD : SamplingDecision.RECORD_AND_SAMPLED };
  },
  toString: () => 'SkipTelemetryRoutes',
};

export function registerTracing(settings: TracingSettings): void {
  const Exporter =
    settings.protocol === 'http/json' ? OTLPHttpJsonTraceExporter : OTLPHttpProtoTraceExporter;
  registerOTel({
    serviceName: settings.serviceName,
    instrumentations: [],
    traceSampler: new ParentBasedSampler({ root: skipTelemetryRoutes }),
    spanProcessors: [
      new BatchSpanProcessor(redactingExporter(new Exporter({ url: settings.tracesUrl })), {
        scheduledDelayMillis: 1_000,
      }),
    ],
  });
}
