import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';

/**
 * The package (`npm run package`) is built from `machines/` and `lib/core/`: they may import
 * packages and each other, nothing of Next, next-auth or this demo app. These rules are that
 * boundary; `lib/core/next/` (the package's `./next` entry) is the one place for the framework glue.
 */
const FRAMEWORK_BAN = {
  group: ['next', 'next/*', 'next-*', 'next-auth', 'next-auth/*', '@next/*'],
  message:
    'machines/ and lib/core are framework-free: pass what they need from Next or next-auth in as a parameter (the glue lives in lib/core/next).',
};
const APP_BAN = {
  group: ['@/*'],
  message:
    'The package imports only its own files, by relative path: no @/app, no @/lib/config, no demo code.',
};

/** The statechart stays pure on top of that: no HTTP client, no React, no browser wiring. */
const MACHINE_BANS = [
  FRAMEWORK_BAN,
  APP_BAN,
  {
    regex: '^(axios|react|react-dom|@xstate/react)(/.*)?$',
    message: 'machines/ is the statechart only: side effects are named there and provided by lib/.',
  },
];

/** Relative paths that climb out of the package, which no name pattern can catch. */
const stayInside = (target, except) => ({
  target,
  from: './',
  except: [...except, './node_modules'],
  message: `${target} imports only from ${except.join(' and ')}.`,
});

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
    ignores: ['lib/core/next/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [FRAMEWORK_BAN, APP_BAN] }],
      'import/no-restricted-paths': [
        'error',
        { zones: [stayInside('./lib/core', ['./lib/core', './machines'])] },
      ],
    },
  },
  {
    files: ['lib/core/next/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [APP_BAN] }],
      'import/no-restricted-paths': [
        'error',
        { zones: [stayInside('./lib/core', ['./lib/core', './machines'])] },
      ],
    },
  },
  {
    files: ['machines/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: MACHINE_BANS }],
      'import/no-restricted-paths': [
        'error',
        { zones: [stayInside('./machines', ['./machines'])] },
      ],
    },
  },
];

export default config;
