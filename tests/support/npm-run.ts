/**
 * `npm start` or `npm run dev` exactly as a person runs them (npm, its script shell, the runner,
 * the API and Next), on free ports with a fresh API data dir. Tests stop it by PID; `kill`
 * cleans up by the process groups of what it started, should the product fail to stop.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, ROOT } from '../../scripts/stack';
import { eventually } from '../e2e/waits';
import { descendantsOf, killRecorded, type ProcessEntry } from './process-tree';

export interface NpmRun {
  npm: ChildProcess;
  appUrl: string;
  appPort: number;
  apiPort: number;
  /** npm and every process below it, as listed once both servers answered. */
  processes: ProcessEntry[];
  output: () => string;
  /** SIGKILL to everything recorded (by PID and by the groups they lead) and the data dir removed. */
  kill: () => void;
}

export async function startNpm(
  script: 'start' | 'dev',
  env: Record<string, string> = {},
): Promise<NpmRun> {
  const [appPort, apiPort] = [await freePort(), await freePort()];
  const dataDir = mkdtempSync(join(tmpdir(), 'token-reissue-npm-'));
  // Its own process group, so the cleanup reaches everything left in that group.
  const npm = spawn('npm', ['run', script], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      PORT: String(appPort),
      BACKEND_PORT: String(apiPort),
      BACKEND_DATA_DIR: dataDir,
      NEXTAUTH_SECRET: 'a-test-secret-of-at-least-32-characters!',
      NEXT_TELEMETRY_DISABLED: '1',
      ...env,
    },
  });
  let output = '';
  npm.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  npm.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const run: NpmRun = {
    npm,
    appUrl: `http://localhost:${appPort}`,
    appPort,
    apiPort,
    processes: [{ pid: npm.pid!, ppid: process.pid, pgid: npm.pid!, command: `npm run ${script}` }],
    output: () => output,
    kill: () => {
      killRecorded(run.processes);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  try {
    // The runner prints the demo login once the API and the app both answer.
    await eventually(
      () => {
        if (npm.exitCode !== null) throw new Error(`npm run ${script} exited:\n${output}`);
        return output.includes('Demo: demo@example.com');
      },
      { timeoutMs: script === 'dev' ? 300_000 : 120_000, message: `npm run ${script} ready` },
    ).toBe(true);
  } catch (error) {
    run.processes.push(...descendantsOf(npm.pid!));
    run.kill();
    throw error;
  }
  run.processes.push(...descendantsOf(npm.pid!));
  return run;
}
