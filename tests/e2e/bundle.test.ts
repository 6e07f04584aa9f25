import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

// The production build global-setup made (or found up to date).
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DIST = join(ROOT, process.env.NEXT_DIST_DIR || '.next');
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
