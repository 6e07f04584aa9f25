/**
 * Follows docs/adopting.md on a fresh Next app in a temporary folder: copies the core folder
 * (step 2) and the files the guide tells an adopter to write (steps 3 to 9, kept in
 * `template/`), links this repository's node_modules (step 1's packages), and builds it.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ROOT } from '../../scripts/stack';

export const TEMPLATE = join(ROOT, 'tests/adopt/template');

/** Every file under `dir`, relative to it, sorted. */
export function filesUnder(dir: string): string[] {
  const walk = (path: string): string[] =>
    statSync(path).isDirectory()
      ? readdirSync(path).flatMap((entry) => walk(join(path, entry)))
      : [relative(dir, path)];
  return walk(dir).sort();
}

export function createAdoptingApp(): string {
  const app = mkdtempSync(join(tmpdir(), 'adopt-next-app-'));
  symlinkSync(join(ROOT, 'node_modules'), join(app, 'node_modules'), 'dir');
  cpSync(join(ROOT, 'lib/core'), join(app, 'lib/core'), { recursive: true });
  cpSync(join(ROOT, 'machines'), join(app, 'machines'), { recursive: true });
  cpSync(TEMPLATE, app, { recursive: true });
  return app;
}

export function buildApp(app: string): void {
  execFileSync(process.execPath, [join(ROOT, 'node_modules/next/dist/bin/next'), 'build'], {
    cwd: app,
    stdio: 'inherit',
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' },
    timeout: 15 * 60_000,
  });
}
