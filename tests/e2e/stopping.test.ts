/**
 * Stopping `npm start` and `npm run dev` the way process managers and IDE stop buttons do: one
 * signal to the npm process alone, not to its group (a terminal's Ctrl-C signals the whole
 * group, which hides what a lone signal leaves behind). Within 10 s every process below npm
 * must be gone and both ports free.
 */
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, expect, test } from 'vitest';
import { startNpm, type NpmRun } from '../support/npm-run';
import { processTable, survivors } from '../support/process-tree';

const STOP_WITHIN_MS = 10_000;

/** The current test's npm, cleaned up by its recorded processes should the product fail to stop it. */
let run: NpmRun | undefined;

afterEach(() => {
  run?.kill();
  run = undefined;
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

const CASES = [
  { command: 'npm start', script: 'start', signal: 'SIGTERM', to: 'npm' },
  { command: 'npm start', script: 'start', signal: 'SIGINT', to: 'npm' },
  { command: 'npm run dev', script: 'dev', signal: 'SIGTERM', to: 'npm' },
  { command: 'npm run dev', script: 'dev', signal: 'SIGINT', to: 'npm' },
  // A closed terminal hangs up its foreground group: npm and the runner, not the servers,
  // which run in groups of their own.
  { command: 'npm start', script: 'start', signal: 'SIGHUP', to: 'group' },
] as const;

const TO = { npm: 'to the npm PID alone', group: "to npm's process group (a closed terminal)" };

for (const { command, script, signal, to } of CASES) {
  test(
    `${command}: ${signal} ${TO[to]} stops every process below it within 10 s and frees both ports`,
    { timeout: 420_000 },
    async () => {
      run = await startNpm(script);
      const { npm, appPort, apiPort, processes: recorded, output } = run;
      // The API and Next are both running, each below npm.
      expect(await listening(appPort)).toBe(true);
      expect(await listening(apiPort)).toBe(true);
      expect(recorded.map((entry) => entry.command).join('\n')).toMatch(/backend\/main\.ts/);
      expect(recorded.map((entry) => entry.command).join('\n')).toMatch(/next/);

      const sentAt = Date.now();
      process.kill(to === 'group' ? -npm.pid! : npm.pid!, signal);
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
