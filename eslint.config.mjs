import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';

/**
 * The reissue core (lib/core) is the folder another app copies: it may import packages and its
 * own files, nothing of Next, next-auth or this demo app. These two rules are that boundary.
 */
const CORE_BANS = [
  {
    group: ['next', 'next/*', 'next-*', 'next-auth', 'next-auth/*', '@next/*'],
    message:
      'lib/core is framework-free: pass what it needs from Next or next-auth in as a parameter.',
  },
  {
    group: ['@/*'],
    message:
      'lib/core imports only its own files, by relative path: no @/app, no @/lib/config, no demo code.',
  },
];

/** The statechart stays pure on top of that: no HTTP client, no React, no browser wiring. */
const MACHINE_BANS = [
  ...CORE_BANS,
  {
    group: [
      'axios',
      'react',
      'react-dom',
      '@xstate/react',
      '../http/*',
      '../browser/*',
      '../server/*',
    ],
    message:
      'lib/core/machine is the statechart only: side effects are named there and provided elsewhere.',
  },
];

const config = [
  ...nextVitals,
  ...nextTs,
  {
    // The adoption template is type-checked by its own `next build` in the adopting app.
    ignores: [
      '.next*/**',
      'node_modules/**',
      '.data/**',
      'next-env.d.ts',
      'docs/**',
      'tests/adopt/template/**',
    ],
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['lib/core/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', { patterns: CORE_BANS }],
      // Catches relative paths that climb out of the folder, which no name pattern can.
      'import/no-restricted-paths': [
        'error',
        {
          zones: [
            {
              target: './lib/core',
              from: './',
              except: ['./lib/core', './node_modules'],
              message: 'lib/core must not import from outside lib/core.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['lib/core/machine/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: MACHINE_BANS }] },
  },
];

export default config;
