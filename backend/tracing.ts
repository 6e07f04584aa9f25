/**
 * The API's traces, loaded by main.ts only when an OTLP endpoint is configured: an SDK for this
 * process (async context, W3C trace context) exporting OTLP/HTTP JSON, and `@fastify/otel`'s
 * plugin, which makes each request a span that continues the trace its caller sent in
 * `traceparent` (the browser's clientAuth, the Next server). Health checks and scrapes are left
 * out; the request's path (`url.path`, which holds its query) is not exported.
 */
import { FastifyOtelInstrumentation } from '@fastify/otel';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { FastifyPluginCallback } from 'fastify';
import type { BackendConfig } from './config';

const UNTRACED = new Set(['/healthz', '/metrics']);
const DROPPED_KEYS = new Set(['url.path', 'url.full', 'url.query', 'http.target', 'http.url']);

function withoutUrls(exporter: SpanExporter): SpanExporter {
  const redact = (span: ReadableSpan): ReadableSpan =>
    Object.create(span, {
      attributes: {
        value: Object.fromEntries(
          Object.entries(span.attributes).filter(([key]) => !DROPPED_KEYS.has(key)),
        ),
      },
    }) as ReadableSpan;
  return {
    export: (spans, done) => exporter.export(spans.map(redact), done),
    shutdown: () => exporter.shutdown(),
    forceFlush: () => exporter.forceFlush?.() ?? Promise.resolve(),
  };
}

export interface ApiTracing {
  plugin: FastifyPluginCallback;
  /** Exports what is left and stops. */
  shutdown(): Promise<void>;
}

export function startTracing(settings: NonNullable<BackendConfig['tracing']>): ApiTracing {
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': settings.serviceName }),
    spanProcessors: [
      new BatchSpanProcessor(withoutUrls(new OTLPTraceExporter({ url: settings.tracesUrl })), {
        scheduledDelayMillis: 1_000,
      }),
    ],
  });
  provider.register();
  const instrumentation = new FastifyOtelInstrumentation({
    // CORS preflights carry no trace context: each would be a trace of its own.
    ignorePaths: ({ url, method }) => UNTRACED.has(url) || method === 'OPTIONS',
  });
  return {
    plugin: instrumentation.plugin() as FastifyPluginCallback,
    shutdown: () => provider.shutdown(),
  };
}
