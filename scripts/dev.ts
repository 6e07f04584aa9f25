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

  const stop = async () => {
    await Promise.all([app.stop(), backend?.stop()]);
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  for (const child of [app.process, backend?.process]) {
    child?.on('exit', (code) => {
      console.error(`A child process exited (${code}); stopping.`);
      void stop();
    });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
