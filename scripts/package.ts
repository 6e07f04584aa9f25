/**
 * `npm run package`: builds `machines/` + `lib/core/` into one installable tarball in `.dist/`,
 * the package `token-reissue` with three entries: `.` (browser-safe), `./server` and `./next`.
 * tsup (esbuild, with rollup-plugin-dts for the declarations) compiles each entry to ESM with
 * `.d.ts`; shared code lands in shared chunks, so `SessionExpiredError` from `.` and from
 * `./server` is one class. Every package is external: the peers come from the adopting app,
 * `lru-cache` and `dpop` are the package's own dependencies. Versions are taken from this repository's
 * package.json, so the manifest cannot drift from what the app is tested with.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'tsup';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DIST = join(ROOT, '.dist');

/** The package's name and version live beside its sources. */
const own = JSON.parse(readFileSync(join(ROOT, 'lib/core/package.json'), 'utf8')) as {
  name: string;
  version: string;
};
const app = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  engines: Record<string, string>;
  dependencies: Record<string, string>;
};

/** What the adopting app already has (or adds): one copy each, shared with the app. */
const PEERS = [
  'axios',
  'xstate',
  'zod',
  'jose',
  'next',
  'next-auth',
  'react',
  'ioredis',
  'openid-client',
];
/** Only with the Redis coordinator, or the OpenID adapter (each loaded on first use). */
const OPTIONAL_PEERS = ['ioredis', 'openid-client'];
/**
 * The package's own. `@opentelemetry/api` is the tracing API only (a no-op until the app
 * registers an SDK), as better-auth depends on it; no SDK and no metrics library. `dpop` signs
 * the DPoP proofs (browser and server).
 */
const DEPENDENCIES = ['lru-cache', '@opentelemetry/api', 'dpop'];

const ENTRIES = {
  index: 'lib/core/index.ts',
  server: 'lib/core/server/index.ts',
  next: 'lib/core/next/index.ts',
};

/** The app's range for `name`; an exact pin (next) widens to its caret range for adopters. */
function versionOf(name: string): string {
  const range = app.dependencies[name];
  if (!range) throw new Error(`package.json has no dependency ${name} to take its range from`);
  return /^\d/.test(range) ? `^${range}` : range;
}

function manifest() {
  const entry = (name: keyof typeof ENTRIES) => ({
    types: `./dist/${name}.d.ts`,
    default: `./dist/${name}.js`,
  });
  return {
    name: own.name,
    version: own.version,
    description: 'Access-token reissue for Next.js + next-auth 4 as an XState statechart',
    type: 'module',
    sideEffects: false,
    engines: app.engines,
    exports: {
      '.': entry('index'),
      './server': entry('server'),
      './next': entry('next'),
      './package.json': './package.json',
    },
    files: ['dist'],
    dependencies: Object.fromEntries(DEPENDENCIES.map((name) => [name, versionOf(name)])),
    peerDependencies: Object.fromEntries(PEERS.map((name) => [name, versionOf(name)])),
    peerDependenciesMeta: Object.fromEntries(
      OPTIONAL_PEERS.map((name) => [name, { optional: true }]),
    ),
  };
}

/**
 * tsup names declarations for ESM `.d.mts` (importing `./x.mjs`) when the building project is
 * not `"type": "module"`; the package is, so they become `.d.ts` importing `./x.js`.
 */
function plainDeclarationNames(dist: string) {
  for (const file of readdirSync(dist).filter((f) => f.endsWith('.d.mts'))) {
    const text = readFileSync(join(dist, file), 'utf8').replace(
      /(from '\.\/[\w-]+)\.mjs'/g,
      "$1.js'",
    );
    writeFileSync(join(dist, file.replace(/\.d\.mts$/, '.d.ts')), text);
    rmSync(join(dist, file));
  }
}

export async function buildPackage(): Promise<string> {
  const stage = mkdtempSync(join(tmpdir(), 'token-reissue-package-'));
  try {
    const external = [...PEERS, ...DEPENDENCIES].map(
      (name) => new RegExp(`^${name.replace('/', '\\/')}(/.*)?$`),
    );
    await build({
      entry: ENTRIES,
      outDir: join(stage, 'dist'),
      format: ['esm'],
      target: 'es2022',
      platform: 'neutral',
      splitting: true,
      treeshake: true,
      // The repository's compiler options, minus its incremental build info.
      dts: { compilerOptions: { incremental: false } },
      tsconfig: join(ROOT, 'tsconfig.json'),
      external: [...external, /^node:/],
      // The manifest says `"type": "module"`, so plain .js is ESM.
      outExtension: () => ({ js: '.js' }),
      silent: true,
    });
    plainDeclarationNames(join(stage, 'dist'));
    writeFileSync(join(stage, 'package.json'), `${JSON.stringify(manifest(), null, 2)}\n`);
    mkdirSync(DIST, { recursive: true });
    for (const old of readdirSync(DIST)) rmSync(join(DIST, old), { recursive: true, force: true });
    const [packed] = JSON.parse(
      execFileSync('npm', ['pack', '--json', '--pack-destination', DIST], {
        cwd: stage,
        encoding: 'utf8',
      }),
    ) as { filename: string; size: number; unpackedSize: number }[];
    return join(DIST, packed!.filename);
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

if (fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = performance.now();
  buildPackage().then(
    (tarball) => {
      const kB = (readFileSync(tarball).length / 1024).toFixed(1);
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      console.log(`${tarball} (${kB} kB) in ${seconds} s`);
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
