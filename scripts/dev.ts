/**
 * `npm run dev`: the reference API (with a seeded demo user) and the Next app together.
 * `npm start`: the same with `next start` (run `npm run build` first); refuses to run
 * without NEXTAUTH_SECRET, since production must never use a generated secret.
 * Either stops both servers on SIGINT or SIGTERM, and when whatever started it goes away.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { watchParent } from './lifeline';
import { freePort, ROOT, startApp, startBackend, type Running } from './stack';

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

// Stopping is set up before anything starts: a signal during start-up must stop what has
// started so far, including a server still waiting to answer its first request.
const started: Running[] = [];
const starting = new AbortController();

async function stop(line: string, code: number) {
  if (starting.signal.aborted) return;
  starting.abort();
  console.log(line);
  await Promise.all(started.map((server) => server.stop()));
  process.exit(code);
}

// The servers run in process groups of their own (scripts/stack.ts), so a terminal's Ctrl-C
// or hang-up reaches this process only, which stops them. A process manager signals npm
// alone, which forwards SIGINT and SIGTERM to its script shell: to this process, which the
// shell execs; should a shell die of it instead, watchParent notices.
const onSignal = () => void stop('\nStopping the app and the API.', 0);
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
process.on('SIGHUP', onSignal);
watchParent(
  () => void stop('\nThe command that started this one ended; stopping the app and the API.', 0),
);

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
          // The /debug panel's demo (Expire) needs them in both modes; this API is the local
          // demo's stand-in and listens on 127.0.0.1 only. ENABLE_DEBUG_ROUTES=0 turns them off.
          ENABLE_DEBUG_ROUTES: process.env.ENABLE_DEBUG_ROUTES ?? '1',
        },
        echo: true,
        abort: starting.signal,
      });
  if (backend) started.push(backend);
  const backendUrl = backendUrlFromEnv ?? backend!.url;
  const app = await startApp({
    mode: production ? 'start' : 'dev',
    port: appPort,
    backendUrl,
    secret,
    echo: true,
    abort: starting.signal,
  });
  started.push(app);

  console.log(
    `\n  App:  ${app.url}\n  API:  ${backendUrl}\n  Demo: demo@example.com / demo-password\n`,
  );

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
  // Start-up cut short by a stop: that stop prints its line and exits.
  if (starting.signal.aborted) return;
  console.error(error instanceof Error ? error.message : error);
  void stop('Stopping what had started.', 1);
});
