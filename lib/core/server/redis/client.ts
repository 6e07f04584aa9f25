import type { Cluster, Redis } from 'ioredis';
import type { RedisCommands } from './commands';

/**
 * The one place that speaks ioredis: a connection to the Redis topology a deployment runs
 * (one server, a Sentinel-managed primary, or a Cluster), tuned to fail fast. ioredis is an
 * optional peer of the package, so it is loaded when a connection is made, never on import:
 * the server entry works in an app that runs one process without it. No offline
 * queue: a command while disconnected fails at once, and the caller decides whether to wait
 * (see link.ts). Reconnects run in the background, at most a second apart, and after a
 * Sentinel failover reach the promoted replica within a second of its promotion. Error events
 * are swallowed here because the link logs one line per outage.
 */
export interface RedisNode {
  host: string;
  port: number;
}

export type RedisTopology =
  | { kind: 'standalone'; url: string }
  | { kind: 'sentinel'; sentinels: RedisNode[]; name: string }
  | { kind: 'cluster'; nodes: RedisNode[] };

export interface RedisConnectOptions {
  /** Bound on one connection attempt. */
  connectTimeoutMs?: number;
  /** For the data nodes (a standalone URL carries its own). */
  username?: string;
  password?: string;
}

export interface RedisConnection {
  commands: RedisCommands;
  isReady(): boolean;
  /** True as soon as commands can be sent, false once `withinMs` passed without that. */
  whenReady(withinMs: number): Promise<boolean>;
  /**
   * Replicas attached to the primary, counted (ROLE) on every connection and every few
   * seconds; 0 for a Cluster, whose WAIT cannot be routed to the node that took a write.
   */
  replicas(): number;
  disconnect(): void;
}

const RECONNECT_MAX_MS = 1_000;
const REPLICA_RECOUNT_MS = 5_000;
const READY_POLL_MS = 50;

type IoRedis = typeof import('ioredis');

function createClient(
  { Redis, Cluster }: IoRedis,
  topology: RedisTopology,
  options: RedisConnectOptions,
): Redis | Cluster {
  const retry = (attempt: number) => Math.min(attempt * 100, RECONNECT_MAX_MS);
  const auth = {
    ...(options.username ? { username: options.username } : {}),
    ...(options.password ? { password: options.password } : {}),
  };
  const node = {
    connectTimeout: options.connectTimeoutMs ?? 3_000,
    maxRetriesPerRequest: 1,
  };
  switch (topology.kind) {
    case 'standalone':
      return new Redis(topology.url, { ...node, enableOfflineQueue: false, retryStrategy: retry });
    case 'sentinel':
      return new Redis({
        ...node,
        ...auth,
        sentinels: topology.sentinels,
        name: topology.name,
        enableOfflineQueue: false,
        retryStrategy: retry,
        sentinelRetryStrategy: retry,
        // Not ioredis's failoverDetector: its disconnect on +switch-master can land while the
        // client is asking the sentinels, which ends the client for good. Reconnecting at most a
        // second apart, each time asking the sentinels for the primary, follows a failover too.
      });
    case 'cluster':
      return new Cluster(topology.nodes, {
        enableOfflineQueue: false,
        clusterRetryStrategy: retry,
        redisOptions: { ...node, ...auth },
      });
  }
}

export function connectRedis(
  topology: RedisTopology,
  options: RedisConnectOptions = {},
): RedisConnection {
  let client: Redis | Cluster | undefined;
  let closing = false;
  let replicas = 0;

  const countReplicas = async () => {
    if (!client || client.status !== 'ready' || topology.kind === 'cluster') return;
    try {
      const [role, , attached] = (await (client as Redis).role()) as [string, unknown, unknown];
      replicas = role === 'master' && Array.isArray(attached) ? attached.length : 0;
    } catch {
      replicas = 0;
    }
  };
  const recount = setInterval(() => void countReplicas(), REPLICA_RECOUNT_MS);
  recount.unref();

  void import('ioredis').then(
    (ioredis) => {
      if (closing) return;
      const made = createClient(ioredis, topology, options);
      made.on('error', () => {});
      made.on('ready', () => void countReplicas());
      // A client that gave up ('end') would leave every later request waiting for nothing.
      made.on('end', () => {
        if (!closing) void made.connect().catch(() => {});
      });
      client = made;
    },
    (error: unknown) => {
      // Configured for Redis without the package installed: every reissue then waits in vain.
      console.error(`[auth] Redis is configured but ioredis could not be loaded: ${String(error)}`);
    },
  );

  /** Only called once `isReady()` said so (the link checks first), so the client exists. */
  const live = () => {
    if (!client) throw new Error('Redis is not connected yet');
    return client as unknown as RedisCommands;
  };
  const isReady = () => client?.status === 'ready';
  return {
    commands: {
      get: (key) => live().get(key),
      set: (key, value, px, ttlMs, nx) => live().set(key, value, px, ttlMs, nx),
      exists: (key) => live().exists(key),
      eval: (script, numKeys, ...args) => live().eval(script, numKeys, ...args),
      wait: (count, timeoutMs) => live().wait(count, timeoutMs),
    },
    isReady,
    async whenReady(withinMs) {
      const deadline = Date.now() + withinMs;
      while (!isReady()) {
        const left = deadline - Date.now();
        if (left <= 0) return false;
        await new Promise((resolve) => setTimeout(resolve, Math.min(READY_POLL_MS, left)));
      }
      return true;
    },
    replicas: () => replicas,
    disconnect() {
      closing = true;
      clearInterval(recount);
      client?.disconnect();
    },
  };
}
