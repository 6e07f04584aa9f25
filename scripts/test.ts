/**
 * `npm test`: every suite — unit, machine, model-based, integration, API server, then the
 * browser tests (which build the app if needed and find or install Chromium), then the adoption
 * test (docs/adopting.md followed on a fresh app: one tiny `next build`) — and one final
 * line `N passed, N failed` summing them all.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './stack';

const suites = process.argv.slice(2).length ? process.argv.slice(2) : ['unit', 'e2e', 'adopt'];
const vitest = join(ROOT, 'node_modules/vitest/vitest.mjs');
mkdirSync(join(ROOT, '.data'), { recursive: true });

let passed = 0;
let failed = 0;
let crashed = false;

for (const project of suites) {
  const report = join(ROOT, '.data', `vitest-${project}.json`);
  rmSync(report, { force: true });
  console.log(`\n── ${project} tests ──`);
  const run = spawnSync(
    process.execPath,
    [
      vitest,
      'run',
      '--project',
      project,
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${report}`,
    ],
    { cwd: ROOT, stdio: 'inherit' },
  );
  if (!existsSync(report)) {
    console.error(`The ${project} suite did not produce a report (exit ${run.status}).`);
    crashed = true;
    continue;
  }
  const result = JSON.parse(readFileSync(report, 'utf8')) as {
    numPassedTests: number;
    numFailedTests: number;
    numTotalTests: number;
  };
  passed += result.numPassedTests;
  failed += result.numFailedTests;
  if (run.status !== 0 && result.numFailedTests === 0) crashed = true;
  if (result.numTotalTests === 0) {
    console.error(`The ${project} suite ran no tests.`);
    crashed = true;
  }
}

console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed > 0 || crashed ? 1 : 0);
