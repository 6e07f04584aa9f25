/**
 * A real OpenTelemetry SDK for unit and integration tests: Node's tracer provider (async
 * context, W3C trace context), registered globally, keeping finished spans in memory.
 * `@opentelemetry/api` is a no-op until this runs, as it is in the app until instrumentation.ts
 * registers an SDK.
 */
import { context, propagation, trace } from '@opentelemetry/api';
import {
  InMemorySpanExporter,
  NodeTracerProvider,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-node';

export interface InMemoryTracing {
  spans(): ReadableSpan[];
  reset(): void;
  stop(): Promise<void>;
}

export function startInMemoryTracing(): InMemoryTracing {
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  provider.register();
  return {
    spans: () => exporter.getFinishedSpans(),
    reset: () => exporter.reset(),
    async stop() {
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}

/** The span id in a `traceparent` header (version-traceid-spanid-flags). */
export function parentIdOf(traceparent: string | null | undefined): string | undefined {
  return traceparent?.split('-')[2];
}
