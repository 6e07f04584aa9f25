import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ROOT, startApp, startBackend, freePort, type Running } from '../../scripts/stack';
import {
  CookieJar,
  decodeSession,
  DEMO,
  launchChromium,
  reissueOutcomes,
  sleepUntil,
} from '../e2e/harness';
import { buildApp, createAdoptingApp, filesUnder, TEMPLATE } from './adopt-app';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';

// docs/adopting.md, followed: a fresh Next 16 app that copies lib/core and writes only the
// files the guide names, built with `next build`, served by `next start` against the reference
// API, driven in Chromium.
let app: string;
let dataDir: string;
let api: Running | undefined;
let next: Running | undefined;
let browser: Browser | undefined;
const secret = randomBytes(32).toString('base64url');

beforeAll(async () => {
  app = createAdoptingApp();
  buildApp(app);
  dataDir = mkdtempSync(join(tmpdir(), 'adopt-api-'));
  const port = await freePort();
  api = await startBackend({
    dataDir,
    env: {
      CORS_ORIGINS: `http://localhost:${port},http://127.0.0.1:${port}`,
      ACCESS_TOKEN_TTL: '8',
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

test('the guide names every file the adopting app writes, and nothing else', () => {
  const guide = readFileSync(join(ROOT, 'docs/adopting.md'), 'utf8');
  const written = filesUnder(TEMPLATE).filter(
    (f) => !['package.json', 'tsconfig.json'].includes(f),
  );
  const named = [...guide.matchAll(/`([\w./[\]-]+\.(?:ts|tsx))`/g)].map((m) => m[1]!);
  for (const file of written) expect(named, `docs/adopting.md names ${file}`).toContain(file);
});

test('in the adopting app, a burst of 20 requests with an expired access token shares 1 reissue', async () => {
  const context = await browser!.newContext();
  const page = await context.newPage();
  // Timers run on a clock the test pauses, so no proactive reissue fires: the 401s start it.
  await page.clock.install();
  await page.goto(next!.url);
  await page.getByLabel('Email').fill(DEMO.email);
  await page.getByLabel('Password').fill(DEMO.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  const fire = page.getByRole('button', { name: 'Fire 20 requests' });
  await fire.waitFor({ timeout: 45_000 });
  await page.clock.pauseAt(Date.now() + 500);

  const cookies = (await context.cookies()).filter((c) => c.name.startsWith('next-auth.session'));
  const session = await decodeSession(new CookieJar(cookies.map((c) => [c.name, c.value])), secret);
  await sleepUntil(session.accessTokenExpiresAt, 500);
  const before = await reissueOutcomes(api!.url);

  await fire.click();
  await expect
    .poll(() => page.getByTestId('burst-result').textContent(), { timeout: 45_000 })
    .toBe('20 of 20 succeeded');

  const after = await reissueOutcomes(api!.url);
  const reissues = after.rotated + after.grace - before.rotated - before.grace;
  console.log(`adopting app: 20 requests after expiry -> ${reissues} reissue(s) at the API`);
  expect(reissues).toBe(1);
  expect(after.reuse_detected).toBe(before.reuse_detected);
  await context.close();
});
