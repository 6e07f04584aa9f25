import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  resolve: {
    // The package's entries resolve to their sources, as tsconfig.json's `paths` say.
    alias: [
      { find: /^token-reissue$/, replacement: `${root}lib/core/index.ts` },
      { find: /^token-reissue\/server$/, replacement: `${root}lib/core/server/index.ts` },
      { find: /^token-reissue\/next$/, replacement: `${root}lib/core/next/index.ts` },
      { find: /^@\//, replacement: root },
      { find: 'server-only', replacement: `${root}tests/support/server-only.ts` },
    ],
  },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['tests/**/*.test.ts'],
          exclude: ['tests/e2e/**', 'tests/adopt/**', 'node_modules/**'],
          environment: 'node',
          testTimeout: 20_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          // One real Next server and API per file; files run one after another on 2 cores.
          fileParallelism: false,
          // Sized for a busy 2-core machine; tests/e2e/waits.ts holds the per-wait bound.
          testTimeout: 180_000,
          hookTimeout: 300_000,
          expect: { poll: { timeout: 45_000, interval: 200 } },
          globalSetup: ['tests/e2e/global-setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          // docs/adopting.md followed on a fresh app: one `next build` of a tiny app, then Chromium.
          name: 'adopt',
          include: ['tests/adopt/**/*.test.ts'],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 20 * 60_000,
          globalSetup: ['tests/adopt/global-setup.ts'],
        },
      },
    ],
  },
});
