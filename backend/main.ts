import { buildApp } from './app';
import { loadConfig } from './config';
import { loggingOptions } from './logging';

/** Entry point: `tsx backend/main.ts` (npm run backend). */
async function main(): Promise<void> {
  const config = loadConfig();
  const app = await buildApp(config, loggingOptions(config));
  await app.listen({ port: config.port, host: config.host });

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
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
