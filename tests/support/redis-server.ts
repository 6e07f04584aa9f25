import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { freePort } from '../../scripts/stack';
import { installDebianPackage } from './debian-package';

/**
 * Real Redis processes for tests: `redis-server` (standalone, a replica, a Cluster node) and
 * `redis-sentinel`, on free ports, without persistence, in temp dirs, stopped by PID. The
 * binaries are found via REDIS_SERVER_PATH (the others beside it) or the usual paths; as root
 * on Debian the package that holds a missing one is installed with apt-get (waiting for the
 * dpkg lock rather than failing): `redis-server`, `redis-sentinel`, `redis-tools` (redis-cli).
 */
const PACKAGES = {
  'redis-server': 'redis-server',
  'redis-sentinel': 'redis-sentinel',
  'redis-cli': 'redis-tools',
} as const;

export type RedisTool = keyof typeof PACKAGES;

function found(tool: RedisTool): string | undefined {
  const serverPath = process.env.REDIS_SERVER_PATH;
  if (serverPath) {
    const path = tool === 'redis-server' ? serverPath : join(dirname(serverPath), tool);
    if (existsSync(path)) return path;
  }
  return ['/usr/bin', '/usr/local/bin', '/opt/homebrew/bin']
    .map((dir) => join(dir, tool))
    .find((path) => existsSync(path));
}

export function findRedisTool(tool: RedisTool): string {
  const existing = found(tool);
  if (existing) return existing;
  if (installDebianPackage(PACKAGES[tool])) {
    const installed = found(tool);
    if (installed) return installed;
  }
  throw new Error(
    `No ${tool} found for the tests. Install it (Debian/Ubuntu: \`sudo apt-get install ` +
      `${PACKAGES[tool]}\`; macOS: \`brew install redis\`) or set REDIS_SERVER_PATH.`,
  );
}

export function findRedisServer(): string {
  return findRedisTool('redis-server');
}

export interface RunningRedis {
  url: string;
  port: number;
  pid: number;
  process: ChildProcess;
  /** What the process printed (its log), for failure messages. */
  output: () => string;
  /** Kills the real process by PID (SIGKILL) and waits until it is gone. */
  kill: () => Promise<void>;
  stop: () => Promise<void>;
}

/** Answers PING within 30 s, or throws with what the process printed. */
async function answersPing(port: number, child: ChildProcess, output: () => string) {
  const probe = new Redis(port, '127.0.0.1', {
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
  });
  probe.on('error', () => {});
  const deadline = Date.now() + 30_000;
  try {
    for (;;) {
      if (child.exitCode !== null) {
        throw new Error(`Redis on port ${port} exited with code ${child.exitCode}:\n${output()}`);
      }
      const pong = await probe
        .connect()
        .then(() => probe.ping())
        .catch(() => null);
      if (pong === 'PONG') return;
      if (Date.now() > deadline) throw new Error(`Redis on port ${port} gave no PONG in 30 s`);
      await sleep(100);
    }
  } finally {
    probe.disconnect();
  }
}

/** Starts `tool` with `args` (which must make it listen on `port`) in `dir`, removed on stop. */
export async function spawnRedisTool(
  tool: 'redis-server' | 'redis-sentinel',
  args: string[],
  port: number,
  dir: string,
): Promise<RunningRedis> {
  const child = spawn(findRedisTool(tool), args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const capture = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', capture);
  child.stderr?.on('data', capture);
  const output = () => log;
  const gone = () =>
    child.exitCode !== null || child.signalCode !== null
      ? Promise.resolve()
      : new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const kill = async () => {
    if (child.pid && child.exitCode === null && child.signalCode === null) {
      const exited = gone();
      process.kill(child.pid, 'SIGKILL');
      await exited;
    }
  };
  const stop = async () => {
    await kill();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await answersPing(port, child, output);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid: child.pid!,
    process: child,
    output,
    kill,
    stop,
  };
}

/** A standalone `redis-server` (or, with `args`, a replica or a Cluster node). */
export async function startRedis(options: { port?: number; args?: string[] } = {}) {
  const port = options.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'token-reissue-redis-'));
  return spawnRedisTool(
    'redis-server',
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
      ...(options.args ?? []),
    ],
    port,
    dir,
  );
}

/** Every key and its value on one server, read raw (every key the app writes is a string). */
export async function dumpKeys(url: string): Promise<Record<string, string>> {
  const raw = new Redis(url, { maxRetriesPerRequest: 1 });
  raw.on('error', () => {});
  try {
    const keys = await raw.keys('*');
    const values = await Promise.all(keys.map((key) => raw.get(key)));
    return Object.fromEntries(keys.map((key, i) => [key, values[i] ?? '']));
  } finally {
    raw.disconnect();
  }
}

/** A standalone server as the app sees it (REDIS_URL), which a test may kill and bring back. */
export interface StandaloneRedis {
  url: string;
  /** The app's environment: REDIS_URL. */
  env: Record<string, string>;
  /** The running process (a new one after `restart`). */
  server: () => RunningRedis;
  /** SIGKILL by PID; the data is gone (no persistence), as after a crash. */
  kill: () => Promise<void>;
  /** A fresh, empty server on the same port. */
  restart: () => Promise<void>;
  dump: () => Promise<Record<string, string>>;
  stop: () => Promise<void>;
}

export async function startStandaloneRedis(): Promise<StandaloneRedis> {
  let server = await startRedis();
  const { url, port } = server;
  return {
    url,
    env: { REDIS_URL: url },
    server: () => server,
    kill: () => server.kill(),
    async restart() {
      await server.stop();
      server = await startRedis({ port });
    },
    dump: () => dumpKeys(url),
    stop: () => server.stop(),
  };
}
