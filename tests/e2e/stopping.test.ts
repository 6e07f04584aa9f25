/**
 * Stopping `npm start` and `npm run dev` the way process managers and IDE stop buttons do: one
 * signal to the npm process alone, not to its group (a terminal's Ctrl-C signals the whole
 * group, which hides what a lone signal leaves behind). Within 10 s every process below npm
 * must be gone and both ports free.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, expect, test } from 'vitest';
import { freePort, ROOT } from '../../scripts/stack';
import {
  descendantsOf,
  killRecorded,
  processTable,
  survivors,
  type ProcessEntry,
} from '../support/process-tree';
import { eventually } from './waits';

const STOP_WITHIN_MS = 10_000;

/** What the current test started, for cleanup should the product fail to stop it. */
let recorded: ProcessEntry[] = [];
let dataDir: string | undefined;

afterEach(() => {
  killRecorded(recorded);
  recorded = [];
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  dataDir = undefined;
});

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function startNpm(script: 'start' | 'dev') {
  const [appPort, apiPort] = [await freePort(), await freePort()];
  dataDir = mkdtempSync(join(tmpdir(), 'token-reissue-stopping-'));
  // Its own process group, so the cleanup can reach everything it left in that group.
  const npm: ChildProcess = spawn('npm', ['run', script], {
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
    },
  });
  let output = '';
  npm.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  npm.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  recorded = [{ pid: npm.pid!, ppid: process.pid, pgid: npm.pid!, command: `npm run ${script}` }];
  // The runner prints the demo login once the API and the app both answer.
  await eventually(
    () => {
      if (npm.exitCode !== null) throw new Error(`npm run ${script} exited:\n${output}`);
      return output.includes('Demo: demo@example.com');
    },
    { timeoutMs: script === 'dev' ? 300_000 : 120_000, message: `npm run ${script} ready` },
  ).toBe(true);
  recorded = [recorded[0]!, ...descendantsOf(npm.pid!)];
  return { npm, appPort, apiPort, output: () => output };
}

const CASES = [
  { command: 'npm start', script: 'start', signal: 'SIGTERM' },
  { command: 'npm start', script: 'start', signal: 'SIGINT' },
  { command: 'npm run dev', script: 'dev', signal: 'SIGTERM' },
  { command: 'npm run dev', script: 'dev', signal: 'SIGINT' },
] as const;

for (const { command, script, signal } of CASES) {
  test(
    `${command}: ${signal} to the npm PID alone stops every process below it within 10 s and frees both ports`,
    { timeout: 420_000 },
    async () => {
      const { npm, appPort, apiPort, output } = await startNpm(script);
      // The API and Next are both running, each below npm.
      expect(await listening(appPort)).toBe(true);
      expect(await listening(apiPort)).toBe(true);
      expect(recorded.map((entry) => entry.command).join('\n')).toMatch(/backend\/main\.ts/);
      expect(recorded.map((entry) => entry.command).join('\n')).toMatch(/next/);

      const sentAt = Date.now();
      process.kill(npm.pid!, signal);
      let left = survivors(recorded, processTable());
      let portsHeld = [true, true];
      while (Date.now() - sentAt < STOP_WITHIN_MS) {
        left = survivors(recorded, processTable());
        portsHeld = [await listening(appPort), await listening(apiPort)];
        if (left.length === 0 && !portsHeld.some(Boolean)) break;
        await sleep(200);
      }
      console.log(
        `${command}, ${signal}: ${recorded.length} processes, ` +
          `${left.length} left after ${Date.now() - sentAt} ms`,
      );
      expect(
        left.map((entry) => `${entry.pid} ${entry.command}`),
        `still running ${STOP_WITHIN_MS / 1000} s after ${signal}:\n${output()}`,
      ).toEqual([]);
      expect(portsHeld).toEqual([false, false]);
    },
  );
}
