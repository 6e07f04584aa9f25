/**
 * Starts the test provider (`main.ts`) as a child process on a free port and stops it by its
 * PID. `kill()` stops it for real (SIGKILL, as a crash); `restart()` brings it back on the same
 * port with the same data directory, so its grants, refresh tokens and keys survive, as a
 * provider with a database does. Counts and the admin revocation go over its test-only routes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, ROOT } from '../../../scripts/stack';
import type { ProviderSettings, TestClient } from './configuration';
import type { ProviderCounts } from './events';

export type { ProviderCounts, TestClient };

export interface RunningProvider {
  issuer: string;
  origin: string;
  port: number;
  dataDir: string;
  counts(): Promise<ProviderCounts>;
  /** Revokes every grant and session of `accountId`, as an administrator would. */
  revokeAccount(accountId: string): Promise<number>;
  /** SIGKILL by PID: the provider is gone at once, nothing closed cleanly. */
  kill(): Promise<void>;
  /** Starts it again on the same port and data directory. */
  restart(): Promise<void>;
  output(): string;
  /** SIGTERM by PID (SIGKILL after 5 s), then removes the data directory. */
  stop(): Promise<void>;
}

const MAIN = join(ROOT, 'tests/support/oidc-provider/main.ts');
const READY = /^OIDC provider listening on (\S+)$/m;

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function startOidcProvider(
  settings: ProviderSettings & { port?: number },
): Promise<RunningProvider> {
  const port = settings.port ?? (await freePort());
  const dataDir = mkdtempSync(join(tmpdir(), 'token-reissue-oidc-'));
  let child: ChildProcess;
  let log = '';
  let issuer = '';

  async function launch() {
    log = '';
    child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
      cwd: ROOT,
      env: {
        ...process.env,
        OIDC_TEST_PROVIDER: JSON.stringify({ ...settings, port, dataDir }),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const capture = (chunk: Buffer) => {
      log = (log + chunk.toString()).slice(-50_000);
    };
    child.stdout?.on('data', capture);
    child.stderr?.on('data', capture);
    const deadline = Date.now() + 120_000;
    while (!READY.test(log)) {
      if (child.exitCode !== null) throw new Error(`The OIDC provider exited:\n${log}`);
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`The OIDC provider did not start within 120 s:\n${log}`);
      }
      await sleep(50);
    }
    issuer = READY.exec(log)![1]!;
  }

  await launch();
  const origin = new URL(issuer).origin;
  const call = async <T>(path: string, init?: RequestInit): Promise<T> => {
    const response = await fetch(`${origin}${path}`, {
      ...init,
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) throw new Error(`${path} answered HTTP ${response.status}`);
    return (await response.json()) as T;
  };

  return {
    issuer,
    origin,
    port,
    dataDir,
    counts: () => call<ProviderCounts>('/test/counts'),
    revokeAccount: async (accountId) =>
      (
        await call<{ grants: number }>('/test/revoke-account', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ accountId }),
        })
      ).grants,
    async kill() {
      const gone = exited(child);
      if (child.pid && child.exitCode === null && child.signalCode === null) {
        process.kill(child.pid, 'SIGKILL');
      }
      await gone;
    },
    restart: launch,
    output: () => log,
    async stop() {
      const gone = exited(child);
      if (child.pid && child.exitCode === null && child.signalCode === null) {
        process.kill(child.pid, 'SIGTERM');
        const closed = await Promise.race([gone.then(() => true), sleep(5_000).then(() => false)]);
        if (!closed) process.kill(child.pid, 'SIGKILL');
        await gone;
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
