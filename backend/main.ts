import { buildApp } from './app';
import { loadConfig } from './config';
import { loggingOptions } from './logging';

/** Entry point: `tsx backend/main.ts` (npm run backend). */
async function main(): Promise<void> {
  const config = loadConfig();
  // Loaded only when an OTLP endpoint is configured: with tracing off, no SDK is imported.
  const tracing = config.tracing
    ? await (await import('./tracing')).startTracing(config.tracing)
    : undefined;
  const app = await buildApp(config, { ...loggingOptions(config), tracing: tracing?.plugin });
  // Fastify logs its own "Server listening at" line; the plain one below is the only start line.
  // A failure to listen rejects, and main() prints it.
  const level = app.log.level;
  app.log.level = 'silent';
  try {
    await app.listen({ port: config.port, host: config.host });
  } finally {
    app.log.level = level;
  }

  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  // The app's test harness parses this exact line (BACKEND_PORT=0 picks a free port).
  console.log(`API listening on http://${host}:${port}`);

  let closing = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    // Quiet: `npm run dev` prints the one line that says everything is stopping.
    app.log.debug({ signal }, 'closing');
    await app.close();
    await tracing?.shutdown();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
