import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { expect, test } from 'vitest';

const tsx = createRequire(import.meta.url).resolve('tsx/cli');

test('a production start without NEXTAUTH_SECRET refuses to run and says what to set', () => {
  const env = { ...process.env };
  delete env.NEXTAUTH_SECRET;
  const run = spawnSync(process.execPath, [tsx, 'scripts/dev.ts', '--prod'], {
    env,
    encoding: 'utf8',
    timeout: 30_000,
  });
  expect(run.status).toBe(1);
  expect(run.stderr).toContain('Refusing to start: NEXTAUTH_SECRET is not set');
  expect(run.stderr).toContain('openssl rand -base64 32');
});
