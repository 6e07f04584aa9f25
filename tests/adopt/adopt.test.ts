import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { ROOT, startApp, startBackend, freePort, type Running } from '../../scripts/stack';
import { CookieJar, decodeSession, DEMO, launchChromium, reissueOutcomes } from '../e2e/harness';
import { eventually } from '../e2e/waits';
import { buildApp, createAdoptingApp, filesUnder, TEMPLATE, typecheckApp } from './adopt-app';

// docs/adopting.md, followed: a fresh Next 16 app that installs the tarball and writes only the
// files the guide shows, built with `next build`, served by `next start` against the reference
// API, driven in Chromium. Access tokens live 5 minutes, so nothing expires by the clock during
// the test: each "expiry" is the API revoking the current access token, and each burst after it
// must cost the API exactly one reissue.
let app: string;
let dataDir: string;
let api: Running | undefined;
let next: Running | undefined;
let browser: Browser | undefined;
const secret = randomBytes(32).toString('base64url');

beforeAll(async () => {
  app = createAdoptingApp(inject('tarball'));
  buildApp(app);
  dataDir = mkdtempSync(join(tmpdir(), 'adopt-api-'));
  const port = await freePort();
  api = await startBackend({
    dataDir,
    env: {
      CORS_ORIGINS: `http://localhost:${port},http://127.0.0.1:${port}`,
      ACCESS_TOKEN_TTL: '300',
      ENABLE_DEBUG_ROUTES: '1',
      LOGIN_RATE_LIMIT_PER_MINUTE: '1000',
    },
  });
  next = await startApp({ mode: 'start', port, backendUrl: api.url, secret, cwd: app });
  browser = await launchChromium();
}, 20 * 60_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all([next?.stop(), api?.stop()]);
  for (const dir of [app, dataDir]) if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The guide's code blocks, keyed by the file each one is headed with. */
function guideBlocks(): Map<string, string> {
  const guide = readFileSync(join(ROOT, 'docs/adopting.md'), 'utf8');
  const blocks = new Map<string, string>();
  for (const m of guide.matchAll(/`([\w./[\]-]+\.tsx?)`:?\s*\n+```tsx?\n([\s\S]*?)```/g)) {
    blocks.set(m[1]!, m[2]!);
  }
  return blocks;
}

describe('the guide', () => {
  test('shows the code of every file the adopting app writes, exactly as the test installs it', () => {
    const written = filesUnder(TEMPLATE).filter((f) => !f.endsWith('.json'));
    const blocks = guideBlocks();
    for (const file of written) {
      expect(blocks.get(file), `docs/adopting.md shows ${file}`).toBe(
        readFileSync(join(TEMPLATE, file), 'utf8'),
      );
    }
    expect([...blocks.keys()].sort()).toEqual(written);
    // The count the guide states is the count of what it shows.
    const lines = written.reduce(
      (sum, file) => sum + readFileSync(join(TEMPLATE, file), 'utf8').split('\n').length - 1,
      0,
    );
    console.log(`the adopter writes ${written.length} files, ${lines} lines`);
    expect(readFileSync(join(ROOT, 'docs/adopting.md'), 'utf8')).toContain(
      `That is all: ${lines} lines`,
    );
  });
});

describe('the package in a fresh Next 16 app', () => {
  test('token-reissue came from the tarball, and ioredis is not installed', () => {
    const manifest = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    expect(manifest.dependencies['token-reissue']).toMatch(/^file:.*token-reissue-[\d.]+\.tgz$/);
    expect(() => readFileSync(join(app, 'node_modules/ioredis/package.json'))).toThrow();
    expect(() => readFileSync(join(app, 'lib/core/index.ts'))).toThrow();
  });

  test("the package's .d.ts type-check in the app: tsc --noEmit passes, and checking every .d.ts reports nothing in the package or the app", () => {
    expect(typecheckApp(app)).toBe('');
    let report = '';
    try {
      typecheckApp(app, ['--skipLibCheck', 'false']);
    } catch (error) {
      report = String((error as { stdout?: string }).stdout ?? error);
    }
    const ours = report
      .split('\n')
      .filter((line) => /^\S+\(\d+,\d+\): error/.test(line))
      .filter((line) => !line.startsWith('node_modules/') || line.includes('token-reissue'));
    console.log(
      `tsc with skipLibCheck off: ${report.split('\n').filter((l) => l.includes('error TS')).length} errors in other packages' .d.ts, ${ours.length} in token-reissue or the app`,
    );
    expect(ours).toEqual([]);
  });
});

describe('in Chromium, after the access token expires', () => {
  let context: BrowserContext;
  let page: Page;

  async function currentSession() {
    const cookies = (await context.cookies()).filter((c) => c.name.startsWith('next-auth.session'));
    return decodeSession(new CookieJar(cookies.map((c) => [c.name, c.value])), secret);
  }

  /** The API rejects the session's access token from now on, as if it had expired. */
  async function expireAccessToken() {
    const { accessToken } = await currentSession();
    const response = await fetch(`${api!.url}/debug/expire-access-token`, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(response.status).toBe(204);
  }

  async function reissuesDuring(act: () => Promise<void>) {
    const before = await reissueOutcomes(api!.url);
    await act();
    const after = await reissueOutcomes(api!.url);
    expect(after.reuse_detected).toBe(before.reuse_detected);
    return after.rotated + after.grace - before.rotated - before.grace;
  }

  beforeAll(async () => {
    context = await browser!.newContext();
    page = await context.newPage();
    await page.goto(next!.url);
    await page.getByLabel('Email').fill(DEMO.email);
    await page.getByLabel('Password').fill(DEMO.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Fire 20 requests' }).waitFor({ timeout: 45_000 });
  });

  afterAll(async () => {
    await context?.close();
  });

  test('20 clientAuth requests from a client component cost 1 reissue', async () => {
    await expireAccessToken();
    const reissues = await reissuesDuring(async () => {
      await page.getByRole('button', { name: 'Fire 20 requests' }).click();
      await eventually(() => page.getByTestId('burst-result').textContent()).toBe(
        '20 of 20 succeeded',
      );
    });
    console.log(`adopting app: 20 clientAuth requests after expiry -> ${reissues} reissue(s)`);
    expect(reissues).toBe(1);
  });

  test('a Server Component calling serverAuth and serverFetch renders the data, for 1 reissue', async () => {
    await expireAccessToken();
    const reissues = await reissuesDuring(async () => {
      await page.reload();
      await eventually(() => page.getByTestId('server-rendered').textContent()).toMatch(
        new RegExp(`^${DEMO.email} has \\d+ posts$`),
      );
    });
    console.log(`adopting app: Server Component after expiry -> ${reissues} reissue(s)`);
    expect(reissues).toBe(1);
  });

  test('a server action calling serverAuth answers, for 1 reissue, and saves the new session cookie', async () => {
    // The Server Component could not set cookies; this navigation's proxy writes the new one.
    await page.reload();
    await expireAccessToken();
    const before = await currentSession();
    const reissues = await reissuesDuring(async () => {
      await page.getByRole('button', { name: 'Ask the server' }).click();
      await eventually(() => page.getByTestId('action-result').textContent()).toBe(DEMO.email);
    });
    console.log(`adopting app: server action after expiry -> ${reissues} reissue(s)`);
    expect(reissues).toBe(1);
    const after = await currentSession();
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(after.sid).toBe(before.sid);
  });
});
