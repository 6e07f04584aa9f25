/**
 * Starts the reference API and the Next app as child processes on free ports. Used by
 * `npm run dev`, `npm start` and the browser tests, so all three run the stack the same way.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
const resolveFromRoot = createRequire(join(ROOT, 'package.json')).resolve;

export interface Running {
  url: string;
  process: ChildProcess;
  /** Everything the process printed, for test failure messages. */
  output: () => string;
  stop: () => Promise<void>;
}

/** A port nobody listens on: `preferred` when free, otherwise one the OS picks. */
export async function freePort(preferred = 0): Promise<number> {
  const tryPort = (port: number) =>
    new Promise<number | null>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(null));
      server.listen(port, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address ? address.port : null));
      });
    });
  return (preferred && (await tryPort(preferred))) || (await tryPort(0)) || 0;
}

function run(
  command: string,
  args: string[],
  env: Record<string, string | undefined>,
  echo: boolean,
  cwd = ROOT,
): Omit<Running, 'url'> {
  // Its own process group (POSIX), so a stop also reaches what the server spawned: `next dev`'s
  // server process, tsx's esbuild. The runner forwards Ctrl-C, which no longer reaches it directly.
  const grouped = process.platform !== 'win32';
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: grouped,
  });
  let log = '';
  const capture = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-50_000);
    if (echo) process.stdout.write(chunk);
  };
  child.stdout?.on('data', capture);
  child.stderr?.on('data', capture);
  /** False when nothing was left to signal. */
  const signal = (name: NodeJS.Signals): boolean => {
    try {
      if (grouped) process.kill(-child.pid!, name);
      else child.kill(name);
      return true;
    } catch {
      return false;
    }
  };
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  const stop = async () => {
    if (child.pid === undefined || !signal('SIGTERM')) return;
    await Promise.race([exited, sleep(5_000)]);
    // The process if it took too long, and anything it left behind in its group.
    if (signal('SIGKILL')) await Promise.race([exited, sleep(2_000)]);
  };
  return { process: child, output: () => log, stop };
}

async function waitUntil(
  check: () => Promise<boolean>,
  what: string,
  proc: Omit<Running, 'url'>,
  timeoutMs: number,
  abort?: AbortSignal,
) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    // A stop asked for while this server starts: the caller holds no handle to it yet.
    if (abort?.aborted) {
      await proc.stop();
      throw new Error(`${what} was stopped while it started`);
    }
    if (proc.process.exitCode !== null) {
      throw new Error(`${what} exited with code ${proc.process.exitCode}:\n${proc.output()}`);
    }
    if (await check().catch(() => false)) return;
    await sleep(100);
  }
  await proc.stop();
  throw new Error(`${what} was not ready within ${timeoutMs} ms:\n${proc.output()}`);
}

export interface BackendOptions {
  port?: number;
  dataDir: string;
  env?: Record<string, string>;
  echo?: boolean;
  /** Aborting stops the server, also while it is still starting. */
  abort?: AbortSignal;
}

export async function startBackend({
  port,
  dataDir,
  env = {},
  echo = false,
  abort,
}: BackendOptions): Promise<Running> {
  const backendPort = port ?? (await freePort());
  const proc = run(
    process.execPath,
    // tsx as a loader (resolved from ROOT, the cwd), not its CLI: one process to signal and
    // stop instead of a relay and its child.
    ['--import', 'tsx', 'backend/main.ts'],
    {
      BACKEND_PORT: String(backendPort),
      BACKEND_HOST: '127.0.0.1',
      BACKEND_DATA_DIR: dataDir,
      ...env,
    },
    echo,
  );
  const url = `http://127.0.0.1:${backendPort}`;
  // Generous: on a busy machine, starting tsx and opening the database can take a while.
  await waitUntil(
    async () => (await fetch(`${url}/healthz`)).ok,
    'The API server',
    proc,
    120_000,
    abort,
  );
  return { ...proc, url };
}

export interface AppOptions {
  mode: 'dev' | 'start';
  port?: number;
  backendUrl: string;
  secret: string;
  env?: Record<string, string>;
  echo?: boolean;
  /** Another Next app's folder (the adoption test's); defaults to this repository. */
  cwd?: string;
  /** Aborting stops the server, also while it is still starting. */
  abort?: AbortSignal;
}

export async function startApp({
  mode,
  port,
  backendUrl,
  secret,
  env = {},
  echo = false,
  cwd,
  abort,
}: AppOptions): Promise<Running> {
  const appPort = port ?? (await freePort());
  const url = `http://localhost:${appPort}`;
  const proc = run(
    process.execPath,
    // An app in another folder runs the Next it installed, never a second copy from here.
    [
      (cwd ? createRequire(join(cwd, 'package.json')).resolve : resolveFromRoot)(
        'next/dist/bin/next',
      ),
      mode,
      '-p',
      String(appPort),
    ],
    {
      // Next sets it from the command (development for `next dev`); a test runner's `test`
      // would reach the app's config and, for one, leave `next dev` pages without 'unsafe-eval'.
      NODE_ENV: undefined,
      NEXTAUTH_SECRET: secret,
      NEXTAUTH_URL: url,
      BACKEND_URL: backendUrl,
      NEXT_TELEMETRY_DISABLED: '1',
      ...env,
    },
    echo,
    cwd,
  );
  // `next dev` compiles each route on its first request, which a busy machine makes slow.
  await waitUntil(
    async () => (await fetch(`${url}/api/auth/csrf`)).ok,
    `The Next app (next ${mode})`,
    proc,
    mode === 'dev' ? 300_000 : 120_000,
    abort,
  );
  return { ...proc, url };
}
