/**
 * Byte counts for the size budget. Totals are the chunks Next lists per route in
 * `route-bundle-stats.json` (what the HTML loads before hydration), gzip -9 each, as a
 * browser fetches them. The baseline is a bare Next app (a layout and a page) built once with
 * this repository's node_modules into `.next-bare/`. The split per package comes from Next's
 * own analyzer (`next analyze --output`, into `.next-analyze/`, never the served build).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const NEXT_BIN = 'node_modules/next/dist/bin/next';

export interface Size {
  raw: number;
  gzip: number;
}

function chunkSizes(files: string[]): Size {
  let raw = 0;
  let gzip = 0;
  for (const file of files) {
    const bytes = readFileSync(file);
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
  }
  return { raw, gzip };
}

/** First-load JS per route of the build in `root/distDir`. */
export function firstLoadSizes(
  root: string,
  distDir: string,
): Map<string, Size & { files: string[] }> {
  const stats = JSON.parse(
    readFileSync(join(root, distDir, 'diagnostics', 'route-bundle-stats.json'), 'utf8'),
  ) as { route: string; firstLoadChunkPaths: string[] }[];
  return new Map(
    stats.map(({ route, firstLoadChunkPaths }) => {
      const files = firstLoadChunkPaths.map((path) => join(root, path));
      return [route, { ...chunkSizes(files), files }];
    }),
  );
}

const run = (args: string[], cwd: string, env: Record<string, string> = {}) =>
  execFileSync(process.execPath, args, {
    cwd,
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', ...env },
  });

/** `/` of a bare Next app with this repository's Next and React; built when missing or outdated. */
export function bareNextBaseline(root: string): Size {
  const dir = join(root, '.next-bare');
  const version = JSON.parse(readFileSync(join(root, 'node_modules/next/package.json'), 'utf8'))
    .version as string;
  const stamp = join(dir, '.next', 'built-with');
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== version) {
    mkdirSync(join(dir, 'app'), { recursive: true });
    // .jsx, so the repository's typecheck never sees these files.
    writeFileSync(
      join(dir, 'app', 'layout.jsx'),
      'export default function RootLayout({ children }) {\n  return <html lang="en"><body>{children}</body></html>;\n}\n',
    );
    writeFileSync(
      join(dir, 'app', 'page.jsx'),
      'export default function Page() {\n  return <main>Hello</main>;\n}\n',
    );
    // Turbopack resolves packages only inside its root; the repository's node_modules is one up.
    writeFileSync(
      join(dir, 'next.config.mjs'),
      `export default { turbopack: { root: ${JSON.stringify(root)} } };\n`,
    );
    run([join(root, NEXT_BIN), 'build', '.'], dir);
    writeFileSync(stamp, version);
  }
  return firstLoadSizes(dir, '.next').get('/')!;
}

interface Part {
  type: 'part';
  filename: string;
  source_path: string;
  size: number;
  compressed_size: number;
}
interface Group {
  type: 'group';
  kind: string;
  trigger_module_ident: string;
  outputs: string[];
}

/** Where a module comes from: its npm package, the statechart, or the repository's top-level folder. */
export function packageOf(sourcePath: string): string {
  const path = sourcePath.replace(/^\[project\]\//, '');
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (match) return match[1]!;
  if (path.startsWith('[')) return 'next';
  return `${path.split('/')[0]}/ (this app)`;
}

export interface RouteSplit {
  /** Raw and analyzer-compressed bytes per package in the chunks loaded before hydration. */
  firstLoad: Map<string, Size>;
  /** The same for chunks loaded on demand (next/dynamic, import()), by the module that loads them. */
  lazy: Map<string, Map<string, Size>>;
}

/** Runs Next's analyzer on the app (into `.next-analyze`) when it is older than the build. */
export function analyzeRoutes(
  root: string,
  builtAt: number,
  routes: string[],
): Map<string, RouteSplit> {
  const distDir = '.next-analyze';
  const marker = join(root, distDir, 'diagnostics', 'analyze', 'data', 'analyze.data');
  if (!existsSync(marker) || statSync(marker).mtimeMs < builtAt) {
    run([join(root, NEXT_BIN), 'analyze', '--output'], root, { NEXT_DIST_DIR: distDir });
  }
  const splits = new Map<string, RouteSplit>();
  for (const route of routes) {
    const records = run(
      [join(root, NEXT_BIN), 'analyze', 'export', '--dist-dir', distDir, '--route', route, '.'],
      root,
    )
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Part | Group | { type: string });
    const parts = records.filter((r): r is Part => r.type === 'part');
    const groups = records.filter((r): r is Group => r.type === 'group');
    const sum = (outputs: Set<string>) => {
      const sizes = new Map<string, Size>();
      for (const part of parts) {
        if (!outputs.has(part.filename) || !part.filename.endsWith('.js')) continue;
        const name = packageOf(part.source_path);
        const size = sizes.get(name) ?? { raw: 0, gzip: 0 };
        size.raw += part.size;
        size.gzip += part.compressed_size;
        sizes.set(name, size);
      }
      return sizes;
    };
    const clientOutputs = (group: Group) =>
      group.outputs.filter((output) => output.startsWith('[client-fs]'));
    const eager = new Set(groups.filter((g) => g.kind !== 'async').flatMap(clientOutputs));
    const lazy = new Map<string, Map<string, Size>>();
    for (const group of groups.filter((g) => g.kind === 'async')) {
      const outputs = clientOutputs(group).filter((output) => !eager.has(output));
      if (outputs.length === 0) continue;
      lazy.set(
        group.trigger_module_ident.split(' ')[0]!.replace('[project]/', ''),
        sum(new Set(outputs)),
      );
    }
    splits.set(route, { firstLoad: sum(eager), lazy });
  }
  return splits;
}

export const kB = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;
