import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '@/backend/app';
import { loadConfig } from '@/backend/config';
import { loggingOptions } from '@/backend/logging';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** The API as `npm run backend` builds it, with its log lines captured instead of printed. */
async function apiLoggingAt(logLevel?: string) {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'backend-logging-'));
  const config = loadConfig({ BACKEND_DATA_DIR: dataDir, LOG_LEVEL: logLevel });
  const lines: Array<{ level: number; msg: string }> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const { logger, logController } = loggingOptions(config);
  const app = await buildApp(config, { logger: { ...logger, stream }, logController });
  cleanups.push(async () => {
    await app.close();
    await rm(dataDir, { recursive: true, force: true });
  });
  return { app, lines };
}

describe('API request logs', () => {
  it('by default, answered requests, 401s and unknown routes print nothing', async () => {
    const { app, lines } = await apiLoggingAt();

    await app.inject({ method: 'GET', url: '/healthz' });
    await app.inject({ method: 'GET', url: '/users/me' });
    await app.inject({ method: 'GET', url: '/no-such-route' });

    expect(lines).toEqual([]);
  });

  it('LOG_LEVEL=debug prints an incoming and a completed line per request', async () => {
    const { app, lines } = await apiLoggingAt('debug');

    await app.inject({ method: 'GET', url: '/healthz' });

    expect(lines.map(({ level, msg }) => ({ level, msg }))).toEqual([
      { level: 20, msg: 'incoming request' },
      { level: 20, msg: 'request completed' },
    ]);
  });

  it('refuses an unknown LOG_LEVEL', () => {
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
  });
});
