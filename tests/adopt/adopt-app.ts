/**
 * docs/adopting.md, followed on a fresh Next 16 app in a temporary folder: the packages an app
 * on next-auth already has, the tarball `npm run package` wrote installed with `npm install`,
 * and the files the guide shows (kept in `template/`). To stay fast the app starts from a copy
 * of this repository's node_modules (npm then prunes what the app does not list, ioredis
 * included), but `token-reissue` itself comes only from the tarball: nothing of lib/core or
 * machines/ is copied.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ROOT } from '../../scripts/stack';

export const TEMPLATE = join(ROOT, 'tests/adopt/template');

/** What a Next 16 app on next-auth 4 already lists, at the versions this repository runs. */
const APP_DEPENDENCIES = ['next', 'react', 'react-dom', 'next-auth', 'axios', 'xstate', 'zod'];
/** What the guide's install step adds beside the tarball. */
const GUIDE_ADDS = ['jose', 'server-only'];
const DEV_DEPENDENCIES = ['typescript', '@types/node', '@types/react', '@types/react-dom'];

/** Every file under `dir`, relative to it, sorted. */
export function filesUnder(dir: string): string[] {
  const walk = (path: string): string[] =>
    statSync(path).isDirectory()
      ? readdirSync(path).flatMap((entry) => walk(join(path, entry)))
      : [relative(dir, path)];
  return walk(dir).sort();
}

function installedVersion(name: string): string {
  const manifest = join(ROOT, 'node_modules', name, 'package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

const pinned = (names: string[]) => Object.fromEntries(names.map((n) => [n, installedVersion(n)]));

function run(
  cwd: string,
  command: string,
  args: string[],
  timeoutMs: number,
  env: Record<string, string> = {},
): string {
  return execFileSync(command, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', ...env },
    timeout: timeoutMs,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

/** A fresh app with the template's files and the tarball installed; returns its folder. */
export function createAdoptingApp(tarball: string): string {
  const app = mkdtempSync(join(tmpdir(), 'adopt-next-app-'));
  cpSync(TEMPLATE, app, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')) as object;
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({
      ...manifest,
      dependencies: pinned([...APP_DEPENDENCIES, ...GUIDE_ADDS]),
      devDependencies: pinned(DEV_DEPENDENCIES),
    }),
  );
  // Timestamps kept, so npm trusts node_modules/.package-lock.json and reads no registry tarball.
  execFileSync('cp', ['-a', join(ROOT, 'node_modules'), join(app, 'node_modules')]);
  // NODE_ENV is unset here: with `production` npm would leave out the devDependencies (tsc).
  const env = { ...process.env };
  delete (env as Record<string, string | undefined>).NODE_ENV;
  execFileSync(
    'npm',
    ['install', tarball, '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund'],
    { cwd: app, env, timeout: 5 * 60_000, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return app;
}

/** `next build` with the app's own Next. */
export function buildApp(app: string): void {
  run(app, process.execPath, ['node_modules/next/dist/bin/next', 'build'], 15 * 60_000, {
    NODE_ENV: 'production',
  });
}

/** The app's type check; throws with tsc's report when it fails. */
export function typecheckApp(app: string, extraArgs: string[] = []): string {
  return run(
    app,
    process.execPath,
    ['node_modules/typescript/bin/tsc', '--noEmit', '-p', '.', ...extraArgs],
    5 * 60_000,
  );
}
