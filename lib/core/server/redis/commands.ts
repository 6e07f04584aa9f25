/**
 * The few Redis commands the shared stores need, with ioredis's signatures, so that a standalone
 * server, a Sentinel-managed primary and a Cluster all stand behind one shape (and tests can
 * count calls). `RedisUnreachableError` is what every store sees when Redis cannot answer:
 * not connected, no answer in time, or an error reply such as CLUSTERDOWN or READONLY.
 */
export interface RedisCommands {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, px: 'PX', ttlMs: number, nx: 'NX'): Promise<'OK' | null>;
  exists(key: string): Promise<number>;
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
  /** Blocks this connection until `replicas` acknowledged its writes so far, or `timeoutMs`. */
  wait(replicas: number, timeoutMs: number): Promise<number>;
}

export class RedisUnreachableError extends Error {
  readonly code = 'REDIS_UNREACHABLE' as const;
  override readonly name = 'RedisUnreachableError';
}
