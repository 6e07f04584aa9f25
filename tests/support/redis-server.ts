import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { freePort } from '../../scripts/stack';
import { installDebianPackage } from './debian-package';

/**
 * A real `redis-server` for tests, on a free port, with no persistence, in a temp dir. Found
 * via REDIS_SERVER_PATH or the usual paths; as root on Debian the `redis-server` package is
 * installed with apt-get when missing (waiting for the dpkg lock rather than failing).
 */
const CANDIDATES = [
  '/usr/bin/redis-server',
  '/usr/local/bin/redis-server',
  '/opt/homebrew/bin/redis-server',
];

function found(): string | undefined {
  const fromEnv = process.env.REDIS_SERVER_PATH;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined;
  return CANDIDATES.find((path) => existsSync(path));
}

export function findRedisServer(): string {
  const existing = found();
  if (existing) return existing;
  if (installDebianPackage('redis-server')) {
    const installed = found();
    if (installed) return installed;
  }
  throw new Error(
    'No redis-server found for the tests. Install it (Debian/Ubuntu: `sudo apt-get install ' +
      'redis-server`; macOS: `brew install redis`) or set REDIS_SERVER_PATH.',
  );
}

export interface RunningRedis {
  url: string;
  port: number;
  process: ChildProcess;
  /** Kills the real process by PID (SIGKILL) and waits until it is gone. */
  kill: () => Promise<void>;
  stop: () => Promise<void>;
}

export async function startRedis(): Promise<RunningRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'token-reissue-redis-'));
  const child = spawn(
    findRedisServer(),
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
    ],
    { stdio: 'ignore' },
  );
  const url = `redis://127.0.0.1:${port}`;
  const probe = new Redis(url, {
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
  });
  probe.on('error', () => {});
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}`);
    const pong = await probe
      .connect()
      .then(() => probe.ping())
      .catch(() => null);
    if (pong === 'PONG') break;
    if (Date.now() > deadline) throw new Error('redis-server did not answer PING within 30 s');
    await sleep(100);
  }
  probe.disconnect();
  const exited = () =>
    child.exitCode !== null || child.signalCode !== null
      ? Promise.resolve()
      : new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const kill = async () => {
    if (child.pid && child.exitCode === null && child.signalCode === null) {
      const gone = exited();
      process.kill(child.pid, 'SIGKILL');
      await gone;
    }
  };
  return {
    url,
    port,
    process: child,
    kill,
    stop: async () => {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
