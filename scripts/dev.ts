/**
 * `npm run dev`: the reference API (with a seeded demo user) and the Next app together.
 * `npm start`: the same with `next start` (run `npm run build` first); refuses to run
 * without NEXTAUTH_SECRET, since production must never use a generated secret.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, ROOT, startApp, startBackend } from './stack';

const production = process.argv.includes('--prod');

function devSecret(): string {
  const file = join(ROOT, '.data', 'dev-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(join(ROOT, '.data'), { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  console.log(`Generated a development NEXTAUTH_SECRET in ${file}`);
  return secret;
}

async function main() {
  let secret = process.env.NEXTAUTH_SECRET;
  if (!secret && production) {
    console.error(
      'Refusing to start: NEXTAUTH_SECRET is not set.\n' +
        'Production needs a stable secret of 32+ random characters, e.g.\n' +
        '  NEXTAUTH_SECRET="$(openssl rand -base64 32)" npm start',
    );
    process.exit(1);
  }
  secret ??= devSecret();
  if (production && !existsSync(join(ROOT, '.next', 'BUILD_ID'))) {
    console.error('No production build found: run `npm run build` first.');
    process.exit(1);
  }

  const appPort = await freePort(Number(process.env.PORT ?? 3000));
  const backendUrlFromEnv = process.env.BACKEND_URL;
  const appOrigins = `http://localhost:${appPort},http://127.0.0.1:${appPort}`;
  const backend = backendUrlFromEnv
    ? undefined
    : await startBackend({
        port: await freePort(Number(process.env.BACKEND_PORT ?? 8080)),
        dataDir: process.env.BACKEND_DATA_DIR ?? join(ROOT, '.data', 'backend'),
        env: {
          CORS_ORIGINS: process.env.CORS_ORIGINS ?? appOrigins,
          ...(production ? {} : { ENABLE_DEBUG_ROUTES: process.env.ENABLE_DEBUG_ROUTES ?? '1' }),
        },
        echo: true,
      });
  const backendUrl = backendUrlFromEnv ?? backend!.url;
  const app = await startApp({
    mode: production ? 'start' : 'dev',
    port: appPort,
    backendUrl,
    secret,
    echo: true,
  });

  console.log(
    `\n  App:  ${app.url}\n  API:  ${backendUrl}\n  Demo: demo@example.com / demo-password\n`,
  );

  // One line when everything stops, whoever started it: Ctrl-C reaches this process and both
  // children at once (one process group), so their exits are part of the same stop.
  let stopping = false;
  const stop = async (line: string, code: number) => {
    if (stopping) return;
    stopping = true;
    console.log(line);
    await Promise.all([app.stop(), backend?.stop()]);
    process.exit(code);
  };
  const onSignal = () => void stop('\nStopping the app and the API.', 0);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const children = [
    ['The Next app', app.process],
    ['The API', backend?.process],
  ] as const;
  for (const [name, child] of children) {
    child?.on('exit', (code, signal) => {
      // A child that exits from the same Ctrl-C may be noticed before our own SIGINT handler.
      setTimeout(() => {
        const how = signal ?? `code ${code}`;
        void stop(`${name} stopped (${how}); stopping the rest.`, code === 0 ? 0 : 1);
      }, 250);
    });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
