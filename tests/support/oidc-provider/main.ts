/**
 * The test provider as a process of its own (`node --import tsx main.ts`), so browser tests can
 * stop it for real by its PID and start it again on the same port and data directory. Options
 * come as JSON in `OIDC_TEST_PROVIDER`; it prints one line that `process.ts` waits for, and
 * closes cleanly on SIGTERM/SIGINT.
 */
import { startTestProvider, type TestProviderOptions } from './server';

async function main(): Promise<void> {
  const options = JSON.parse(process.env.OIDC_TEST_PROVIDER ?? '') as TestProviderOptions;
  const provider = await startTestProvider(options);
  console.log(`OIDC provider listening on ${provider.issuer}`);
  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    await provider.close();
    process.exit(0);
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
