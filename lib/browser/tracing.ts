/**
 * The browser's tracing, imported only when the server says tracing is on (see load-runtime.ts):
 * OpenTelemetry's web SDK with the W3C trace-context propagator, exporting OTLP/HTTP JSON to
 * this app's own relay route (same origin, so the CSP stays as it is; the server passes the
 * spans on). Each `clientAuth` request becomes a trace whose `traceparent` the API, and, for
 * the reissue it starts, the Next server continue.
 */
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, WebTracerProvider } from '@opentelemetry/sdk-trace-web';
import { createOtelTracer, REISSUE_HEADER, type RequestTracer } from 'token-reissue';

export const TRACE_RELAY_PATH = '/api/telemetry/traces';

export function startBrowserTracing(): RequestTracer {
  const exporter = new OTLPTraceExporter({
    url: new URL(TRACE_RELAY_PATH, window.location.origin).toString(),
    // The relay accepts same-origin requests with the reissue route's custom header only.
    headers: { [REISSUE_HEADER]: '1' },
  });
  const provider = new WebTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'token-reissue-browser' }),
    spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 1_000 })],
  });
  provider.register();
  // A closing tab still sends what it has.
  window.addEventListener('pagehide', () => void provider.forceFlush());
  return createOtelTracer('token-reissue-browser');
}
