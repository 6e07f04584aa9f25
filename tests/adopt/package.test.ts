/**
 * The tarball `npm run package` wrote, read as an adopter's tools read it: its manifest, the
 * import graph of each entry's JavaScript, and the `./server` entry loaded by Node in a folder
 * whose node_modules has the peers but no ioredis.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { ROOT } from '../../scripts/stack';

let dir: string;
let pkg: string;
let manifest: {
  sideEffects: boolean;
  exports: Record<string, { types: string; default: string }>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
};

beforeAll(() => {
  // The tarball unpacked where an install puts it: node_modules/token-reissue of an app folder.
  dir = mkdtempSync(join(tmpdir(), 'token-reissue-tarball-'));
  pkg = join(dir, 'node_modules/token-reissue');
  mkdirSync(pkg, { recursive: true });
  execFileSync('tar', ['xzf', inject('tarball'), '-C', pkg, '--strip-components=1']);
  manifest = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as typeof manifest;
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every bare module an entry loads, statically or dynamically, following its own chunks. */
function importsOf(entry: string): { static: Set<string>; dynamic: Set<string> } {
  const found = { static: new Set<string>(), dynamic: new Set<string>() };
  const seen = new Set<string>();
  const visit = (file: string, dynamic: boolean) => {
    if (seen.has(`${file}:${dynamic}`)) return;
    seen.add(`${file}:${dynamic}`);
    const code = readFileSync(file, 'utf8');
    const specifiers = [
      ...[...code.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]/g)].map(
        (m) => [m[1]!, dynamic] as const,
      ),
      ...[...code.matchAll(/(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g)].map(
        (m) => [m[1]!, dynamic] as const,
      ),
      ...[...code.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)].map(
        (m) => [m[1]!, true] as const,
      ),
    ];
    for (const [specifier, lazy] of specifiers) {
      if (specifier.startsWith('.')) visit(join(dirname(file), specifier), lazy);
      else (lazy ? found.dynamic : found.static).add(specifier);
    }
  };
  visit(join(pkg, entry), false);
  return found;
}

const framework = (specifier: string) => /^(next|next-auth|@next)(\/|$)/.test(specifier);

test('the manifest has the three entries with types, declares its peers, ioredis and openid-client optional, and no side effects', () => {
  expect(Object.keys(manifest.exports)).toEqual(['.', './server', './next', './package.json']);
  for (const entry of ['.', './server', './next']) {
    expect(readFileSync(join(pkg, manifest.exports[entry]!.default), 'utf8')).not.toBe('');
    expect(readFileSync(join(pkg, manifest.exports[entry]!.types), 'utf8')).toContain('export');
  }
  expect(Object.keys(manifest.peerDependencies)).toEqual(
    expect.arrayContaining([
      'next',
      'next-auth',
      'axios',
      'xstate',
      'zod',
      'jose',
      'ioredis',
      'openid-client',
    ]),
  );
  expect(manifest.peerDependenciesMeta.ioredis?.optional).toBe(true);
  expect(manifest.peerDependenciesMeta['openid-client']?.optional).toBe(true);
  expect(manifest.sideEffects).toBe(false);
});

test('the JavaScript of . and ./server imports neither next nor next-auth; ./next does, and only it', () => {
  const browser = importsOf(manifest.exports['.']!.default);
  const server = importsOf(manifest.exports['./server']!.default);
  const glue = importsOf(manifest.exports['./next']!.default);
  console.log(
    `. imports ${[...browser.static].sort().join(', ')}\n./server imports ${[...server.static].sort().join(', ')}; lazily ${[...server.dynamic].join(', ')}\n./next imports ${[...glue.static].sort().join(', ')}`,
  );
  expect([...browser.static, ...browser.dynamic].filter(framework)).toEqual([]);
  expect([...server.static, ...server.dynamic].filter(framework)).toEqual([]);
  expect([...glue.static].filter(framework).sort()).toEqual([
    'next-auth/jwt',
    'next-auth/providers/credentials',
    'next/headers',
    'next/server',
  ]);
  // Browser-safe: no Node built-ins, no server-only packages.
  expect([...browser.static].filter((s) => /^(node:|crypto$|jose$|ioredis$)/.test(s))).toEqual([]);
  // ioredis and openid-client only behind a dynamic import, so ./server loads without them.
  for (const optional of ['ioredis', 'openid-client']) {
    expect(server.static.has(optional)).toBe(false);
    expect(server.dynamic.has(optional)).toBe(true);
    expect(glue.static.has(optional)).toBe(false);
  }
});

test('Node loads . and ./server where neither ioredis nor openid-client is installed, and a single flight works there', () => {
  mkdirSync(join(dir, 'node_modules', '@opentelemetry'), { recursive: true });
  for (const peer of [
    'axios',
    'xstate',
    'zod',
    'jose',
    'lru-cache',
    '@opentelemetry/api',
    'dpop',
  ]) {
    symlinkSync(join(ROOT, 'node_modules', peer), join(dir, 'node_modules', peer), 'dir');
  }
  const script = `
    const core = await import('token-reissue');
    const server = await import('token-reissue/server');
    let calls = 0;
    const coordinator = server.createInProcessCoordinator({
      outcomeTtlMs: 1000,
      reissue: async () => { calls++; await new Promise((r) => setTimeout(r, 20)); return { ok: false, code: 'SESSION_EXPIRED', reason: 'test' }; },
    });
    await Promise.all(Array.from({ length: 5 }, () => coordinator.reissue('r')));
    const ioredis = await import('ioredis').then(() => 'installed', () => 'absent');
    const connection = server.connectRedis({ kind: 'standalone', url: 'redis://127.0.0.1:1' });
    const lazy = (await connection.whenReady(500)) ? 'ready' : 'not connected';
    connection.disconnect();
    const oidc = server.createOidcBackend({ issuer: 'https://idp.invalid', clientId: 'a', clientSecret: 's', user: () => null, log: () => {} });
    const lazyOidc = (await oidc.reissue('r')).code;
    console.log(JSON.stringify({ calls, ioredis, lazy, lazyOidc, machine: core.authMachine.id }));
  `;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 60_000,
  });
  // One call for five concurrent reissues; ioredis is asked for only when a connection is made,
  // and its absence is then one error line, not a crash.
  expect(JSON.parse(run.stdout)).toEqual({
    calls: 1,
    ioredis: 'absent',
    lazy: 'not connected',
    // The OpenID adapter without openid-client: a transient failure, never a crash or a logout.
    lazyOidc: 'REISSUE_UNAVAILABLE',
    machine: 'auth',
  });
  expect(run.stderr).toContain('ioredis could not be loaded');
});
