import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { freePort } from '../../scripts/stack';
import { dumpKeys, findRedisTool, startRedis, type RunningRedis } from './redis-server';

/**
 * A real 3-primary Redis Cluster for tests: three `redis-server` processes in cluster mode on
 * free ports (each with its own free cluster-bus port), joined by `redis-cli --cluster create`,
 * ready once every node says `cluster_state:ok`. Stopped by PID.
 */
export interface RedisClusterHandle {
  nodes: RunningRedis[];
  /** The app's environment: REDIS_CLUSTER_NODES. */
  env: Record<string, string>;
  /** Every key and value, from every primary. */
  dump: () => Promise<Record<string, string>>;
  stop: () => Promise<void>;
}

const READY_WITHIN_MS = 60_000;

export async function startRedisCluster(primaries = 3): Promise<RedisClusterHandle> {
  const nodes: RunningRedis[] = [];
  const stop = async () => {
    await Promise.all(nodes.map((node) => node.stop()));
  };
  try {
    for (let i = 0; i < primaries; i++) {
      const busPort = await freePort();
      nodes.push(
        await startRedis({
          args: [
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            'nodes.conf',
            '--cluster-port',
            String(busPort),
            '--cluster-node-timeout',
            '2000',
          ],
        }),
      );
    }
    await promisify(execFile)(
      findRedisTool('redis-cli'),
      [
        '--cluster',
        'create',
        ...nodes.map((node) => `127.0.0.1:${node.port}`),
        '--cluster-replicas',
        '0',
        '--cluster-yes',
      ],
      { timeout: READY_WITHIN_MS },
    );
    const deadline = Date.now() + READY_WITHIN_MS;
    for (const node of nodes) {
      const client = new Redis(node.url, { maxRetriesPerRequest: 1 });
      client.on('error', () => {});
      try {
        while (!String(await client.cluster('INFO')).includes('cluster_state:ok')) {
          if (Date.now() > deadline) throw new Error(`cluster node ${node.port} never got ready`);
          await sleep(100);
        }
      } finally {
        client.disconnect();
      }
    }
    return {
      nodes,
      env: { REDIS_CLUSTER_NODES: nodes.map((node) => `127.0.0.1:${node.port}`).join(',') },
      async dump() {
        const parts = await Promise.all(nodes.map((node) => dumpKeys(node.url)));
        return Object.assign({}, ...parts) as Record<string, string>;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
