import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { inject } from 'vitest';
import { freePort, startApp, startBackend, type Running } from '../../scripts/stack';

export const DEMO = {
  email: 'demo@example.com',
  password: 'demo-password',
  penName: 'Demo Writer',
};

export interface Stack {
  api: Running;
  apps: Running[];
  app: Running;
  secret: string;
  stop: () => Promise<void>;
}

/** A real API server (fresh data dir) and `next start` processes on free ports. */
export async function startStack(
  options: { apps?: number; apiEnv?: Record<string, string>; appEnv?: Record<string, string> } = {},
): Promise<Stack> {
  const secret = randomBytes(32).toString('base64url');
  const dataDir = mkdtempSync(join(tmpdir(), 'token-reissue-e2e-'));
  const ports = await Promise.all(Array.from({ length: options.apps ?? 1 }, () => freePort()));
  const origins = ports.flatMap((p) => [`http://localhost:${p}`, `http://127.0.0.1:${p}`]);
  const api = await startBackend({
    dataDir,
    env: {
      CORS_ORIGINS: origins.join(','),
      ENABLE_DEBUG_ROUTES: '1',
      LOGIN_RATE_LIMIT_PER_MINUTE: '1000',
      ...options.apiEnv,
    },
  });
  const apps: Running[] = [];
  try {
    for (const port of ports) {
      apps.push(
        await startApp({ mode: 'start', port, backendUrl: api.url, secret, env: options.appEnv }),
      );
    }
  } catch (error) {
    await Promise.all([api.stop(), ...apps.map((a) => a.stop())]);
    throw error;
  }
  return {
    api,
    apps,
    app: apps[0]!,
    secret,
    stop: async () => {
      await Promise.all([...apps.map((a) => a.stop()), api.stop()]);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: inject('chromiumPath'),
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Reissues the API has performed: new rotations plus grace-window replays. */
export async function reissueCount(apiUrl: string): Promise<number> {
  const text = await (await fetch(`${apiUrl}/metrics`)).text();
  let total = 0;
  for (const match of text.matchAll(/^auth_reissue_total\{outcome="(rotated|grace)"\} (\d+)/gm)) {
    total += Number(match[2]);
  }
  return total;
}

export async function metric(apiUrl: string, outcome: string): Promise<number> {
  const text = await (await fetch(`${apiUrl}/metrics`)).text();
  const match = text.match(new RegExp(`^auth_reissue_total\\{outcome="${outcome}"\\} (\\d+)`, 'm'));
  return match ? Number(match[1]) : 0;
}

export async function signInThroughForm(
  page: Page,
  appUrl: string,
  email = DEMO.email,
  password = DEMO.password,
) {
  await page.goto(`${appUrl}/signin`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}
