import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startApp, startBackend, type Running } from '../../scripts/stack';
import { startRedis, type RunningRedis } from './redis-server';
import { startRoundRobin, type Balancer } from './round-robin';

/**
 * Production's shape in miniature: N `next start` processes behind one round-robin origin,
 * optionally sharing a real Redis, in front of the real API. Used by the scale-out browser
 * tests and the scale-out benchmark. Processes start one after another (a 2-core box).
 */
export interface ScaleOutStack {
  origin: Balancer;
  api: Running;
  apps: Running[];
  redis?: RunningRedis;
  secret: string;
  stop: () => Promise<void>;
}

export async function startScaleOutStack(options: {
  apps: number;
  redis: boolean;
  apiEnv?: Record<string, string>;
  appEnv?: Record<string, string>;
}): Promise<ScaleOutStack> {
  const secret = randomBytes(32).toString('base64url');
  const dataDir = mkdtempSync(join(tmpdir(), 'token-reissue-scale-'));
  const running: { stop: () => Promise<void> }[] = [];
  try {
    const redis = options.redis ? await startRedis() : undefined;
    if (redis) running.push(redis);
    const ports = await Promise.all(Array.from({ length: options.apps }, () => freePort()));
    // The origin's port is known only once it listens; start it first with its targets filled in later.
    const targets: string[] = [];
    const origin = await startRoundRobin(targets);
    running.push(origin);
    const api = await startBackend({
      dataDir,
      env: {
        CORS_ORIGINS: [origin.url, origin.url.replace('localhost', '127.0.0.1')].join(','),
        ENABLE_DEBUG_ROUTES: '1',
        LOGIN_RATE_LIMIT_PER_MINUTE: '1000',
        ...options.apiEnv,
      },
    });
    running.push(api);
    const apps: Running[] = [];
    for (const port of ports) {
      const app = await startApp({
        mode: 'start',
        port,
        backendUrl: api.url,
        secret,
        env: {
          NEXTAUTH_URL: origin.url,
          ...(redis ? { REDIS_URL: redis.url } : {}),
          ...options.appEnv,
        },
      });
      apps.push(app);
      running.push(app);
      targets.push(app.url);
    }
    origin.counts.splice(0, origin.counts.length, ...targets.map(() => 0));
    return {
      origin,
      api,
      apps,
      redis,
      secret,
      stop: async () => {
        await Promise.all(running.map((r) => r.stop()));
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await Promise.all(running.map((r) => r.stop()));
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}
