/**
 * Tracing on, for the benchmark's "tracing on" row: the SDK the browser registers (the web
 * tracer provider's synchronous stack context manager and W3C trace context, batching,
 * OTLP/HTTP JSON), since the client measured here is the tab's stack run in Node. Spans go to a
 * sink on this machine that answers and discards; their export runs in this process, as it
 * would in the tab.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { BatchSpanProcessor, WebTracerProvider } from '@opentelemetry/sdk-trace-web';

export interface BenchTracing {
  /** Export requests the sink received. */
  exports(): number;
  stop(): Promise<void>;
}

export async function startBenchTracing(): Promise<BenchTracing> {
  let exports = 0;
  const sink: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      exports++;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/v1/traces`;
  const provider = new WebTracerProvider({
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url }))],
  });
  provider.register();
  return {
    exports: () => exports,
    async stop() {
      await provider.shutdown();
      sink.closeAllConnections();
      await new Promise<void>((resolve) => sink.close(() => resolve()));
    },
  };
}
