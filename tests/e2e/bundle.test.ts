import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { analyzeRoutes, bareNextBaseline, firstLoadSizes, kB, type Size } from './bundle-sizes';

// The production build global-setup made (or found up to date).
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DIST_DIR = process.env.NEXT_DIST_DIR || '.next';
const DIST = join(ROOT, DIST_DIR);
const chunksDir = join(DIST, 'static', 'chunks');

function clientChunks(): { file: string; text: string }[] {
  return readdirSync(chunksDir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.js'))
    .map((file) => ({ file, text: readFileSync(join(chunksDir, file), 'utf8') }));
}

test('production client bundles contain neither the Stately inspector nor any refresh-token field', () => {
  const chunks = clientChunks();
  expect(chunks.length).toBeGreaterThan(0);
  // Positive control: the auth machine itself does ship to the browser.
  expect(chunks.some(({ text }) => text.includes('TOKEN_REJECTED'))).toBe(true);
  for (const { file, text } of chunks) {
    expect(text.includes('createBrowserInspector'), file).toBe(false);
    // A field or key named refreshToken / refresh_token (the guard `isRefreshTokenDead` is fine).
    expect(/(?<![A-Za-z])refresh_?token/i.test(text), file).toBe(false);
  }
});

test('first-load JavaScript per route (printed, not asserted)', () => {
  const stats = JSON.parse(
    readFileSync(join(DIST, 'diagnostics', 'route-bundle-stats.json'), 'utf8'),
  ) as { route: string; firstLoadUncompressedJsBytes: number }[];
  expect(stats.map((s) => s.route)).toContain('/');
  for (const { route, firstLoadUncompressedJsBytes } of stats) {
    console.log(`first-load JS ${route}: ${(firstLoadUncompressedJsBytes / 1024).toFixed(0)} KiB`);
  }
});

/** Bytes a route may add to a bare Next app's first load (gzip -9). */
const BUDGET_OVER_BARE_GZIP = 40_000;
/** The auth runtime a signed-out page must not load: packages per the analyzer, markers per chunk. */
const AUTH_RUNTIME_PACKAGES = ['xstate', 'axios', 'machines/ (this app)'];
const AUTH_RUNTIME_MARKERS = { xstate: 'xstate.init', axios: 'AxiosError', machine: 'refreshDue' };

function packageTable(sizes: Map<string, Size>): string {
  return [...sizes]
    .sort(([, a], [, b]) => b.raw - a.raw)
    .map(
      ([name, size]) =>
        `    ${name.padEnd(32)} ${kB(size.raw).padStart(9)} raw ${kB(size.gzip).padStart(9)} gzip`,
    )
    .join('\n');
}

test('/signin and /signup load no xstate, axios or machine; / stays within bare Next + 40 kB gzip', () => {
  const routes = firstLoadSizes(ROOT, DIST_DIR);
  const bare = bareNextBaseline(ROOT);
  const splits = analyzeRoutes(ROOT, statSync(join(DIST, 'BUILD_ID')).mtimeMs, [
    '/',
    '/signin',
    '/signup',
  ]);

  console.log(`first-load JS, gzip -9 (raw); bare Next 16 app: ${kB(bare.gzip)} (${kB(bare.raw)})`);
  for (const [route, size] of routes) {
    console.log(
      `  ${route.padEnd(12)} ${kB(size.gzip).padStart(9)} (${kB(size.raw)})  +${kB(size.gzip - bare.gzip)} over bare`,
    );
  }
  for (const [route, split] of splits) {
    console.log(`${route}: first load by package (analyzer; gzip is per module, so it overstates)`);
    console.log(packageTable(split.firstLoad));
    // The on-demand chunks hang off the shared layout: the same for every route.
    if (route !== '/') continue;
    for (const [trigger, sizes] of split.lazy) {
      console.log(`  ${route}: loaded on demand by ${trigger}`);
      console.log(packageTable(sizes));
    }
  }

  // Positive controls: the markers do identify the runtime, and the runtime is still built (lazily).
  const debugText = routes
    .get('/debug')!
    .files.map((file) => readFileSync(file, 'utf8'))
    .join('');
  for (const marker of Object.values(AUTH_RUNTIME_MARKERS)) expect(debugText).toContain(marker);
  const runtime = splits.get('/')!.lazy.get('lib/browser/runtime.ts');
  expect([...(runtime?.keys() ?? [])]).toEqual(expect.arrayContaining(AUTH_RUNTIME_PACKAGES));

  for (const route of ['/signin', '/signup']) {
    const text = routes
      .get(route)!
      .files.map((file) => readFileSync(file, 'utf8'))
      .join('');
    for (const [name, marker] of Object.entries(AUTH_RUNTIME_MARKERS)) {
      expect(text.includes(marker), `${route} first load contains ${name}`).toBe(false);
    }
    const packages = [...splits.get(route)!.firstLoad.keys()];
    for (const name of AUTH_RUNTIME_PACKAGES) expect(packages, route).not.toContain(name);
    // Response validation (zod) comes with the runtime; a shared header must not pull it in.
    expect(packages, route).not.toContain('zod');
  }
  expect(routes.get('/')!.gzip).toBeLessThanOrEqual(bare.gzip + BUDGET_OVER_BARE_GZIP);
});
