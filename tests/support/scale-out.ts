import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startApp, startBackend, type Running } from '../../scripts/stack';
import { startRedisCluster, type RedisClusterHandle } from './redis-cluster';
import { startSentinelGroup, type SentinelGroup } from './redis-sentinel';
import { startStandaloneRedis, type StandaloneRedis } from './redis-server';
import { startRoundRobin, type Balancer } from './round-robin';

/**
 * Production's shape in miniature: N `next start` processes behind one round-robin origin,
 * optionally sharing a real Redis (one server, a Sentinel group or a 3-primary Cluster), in
 * front of the real API. Used by the scale-out browser tests and the scale-out benchmark.
 * Processes start one after another (a 2-core box).
 */
interface RedisDeployments {
  standalone: StandaloneRedis;
  sentinel: SentinelGroup;
  cluster: RedisClusterHandle;
}

export type RedisTopologyName = keyof RedisDeployments;

export interface ScaleOutStack<R = RedisDeployments[RedisTopologyName] | undefined> {
  origin: Balancer;
  api: Running;
  apps: Running[];
  redis: R;
  secret: string;
  stop: () => Promise<void>;
}

const START_REDIS: {
  [T in RedisTopologyName]: () => Promise<RedisDeployments[T]>;
} = {
  standalone: startStandaloneRedis,
  sentinel: () => startSentinelGroup(),
  cluster: () => startRedisCluster(3),
};

export async function startScaleOutStack<T extends RedisTopologyName | undefined>(options: {
  apps: number;
  /** Which Redis the processes share; none: each coordinates only itself. */
  redis: T;
  apiEnv?: Record<string, string>;
  appEnv?: Record<string, string>;
}): Promise<ScaleOutStack<T extends RedisTopologyName ? RedisDeployments[T] : undefined>> {
  type Deployment = T extends RedisTopologyName ? RedisDeployments[T] : undefined;
  const secret = randomBytes(32).toString('base64url');
  const dataDir = mkdtempSync(join(tmpdir(), 'token-reissue-scale-'));
  const running: { stop: () => Promise<void> }[] = [];
  try {
    const topology = options.redis as RedisTopologyName | undefined;
    const redis = (topology ? await START_REDIS[topology]() : undefined) as Deployment;
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
          ...redis?.env,
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
