import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, it } from 'vitest';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

it('scripts/under-load.ts keeps one `yes` per core running during the command, stops them after, and keeps its exit code', async () => {
  // The command checks its burners are running, then fails with a code of its own.
  const run = spawnSync(
    'node_modules/.bin/tsx',
    [
      'scripts/under-load.ts',
      process.execPath,
      '-e',
      'const { execSync } = require("node:child_process"); console.log("burning:" + execSync("ps -o comm= --ppid " + process.ppid).toString().split("\\n").filter((c) => c === "yes").length); process.exit(3)',
    ],
    { encoding: 'utf8', timeout: 30_000 },
  );
  const pids = (/PIDs ([\d, ]+)\)/.exec(run.stdout)?.[1] ?? '').split(', ').map(Number);

  expect(run.status).toBe(3);
  expect(run.stdout).toContain(`burning:${availableParallelism()}`);
  expect(pids).toHaveLength(availableParallelism());
  // SIGTERM is delivered at once but acted on by the kernel a moment later.
  for (let waited = 0; pids.some(alive) && waited < 5_000; waited += 100) await sleep(100);
  for (const pid of pids) expect(alive(pid), `yes ${pid}`).toBe(false);
}, 60_000);
