import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { REFRESH_SECRET_FILE, SIGNING_KEY_FILE } from '@/backend/keys';

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'backend-main-'));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

it('starts with BACKEND_PORT=0, prints one start line, "API listening on http://127.0.0.1:PORT", and exits 0 on SIGTERM', async () => {
  const child = spawn(path.resolve('node_modules/.bin/tsx'), ['backend/main.ts'], {
    env: {
      ...process.env,
      BACKEND_PORT: '0',
      BACKEND_HOST: '127.0.0.1',
      BACKEND_DATA_DIR: dataDir,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /^API listening on (http:\/\/127\.0\.0\.1:(\d+))$/m.exec(output);
      if (match?.[1]) resolve(match[1]);
    });
    child.on('exit', () => reject(new Error(`exited before listening:\n${output}`)));
  });
  const health = await fetch(`${url}/healthz`);
  child.kill('SIGTERM');

  expect(url).not.toMatch(/:0$/);
  expect(await health.json()).toEqual({ status: 'ok' });
  expect(await exited).toBe(0);
  // Fastify's own JSON "Server listening at" line would say the same again.
  expect(output.match(/listening/gi)).toHaveLength(1);
  expect((await stat(path.join(dataDir, SIGNING_KEY_FILE))).mode & 0o777).toBe(0o600);
  expect((await stat(path.join(dataDir, REFRESH_SECRET_FILE))).mode & 0o777).toBe(0o600);
});
