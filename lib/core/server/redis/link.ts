import { RedisUnreachableError, type RedisCommands } from './commands';
import type { RedisConnection } from './client';
import { emit, type TelemetryHook } from '../../telemetry/events';

/**
 * One process's use of its Redis connection, shared by every store that keeps cluster-wide
 * state there (coordinator, used tickets, rotated tokens). It never waits for a connection
 * unless asked: `run` fails at once with `RedisUnreachableError` while Redis is down, so a
 * request that only reads (a ticket check) is never held up by an outage, and the coordinator
 * alone decides to wait (`reachable`). Every command is bounded, and the process logs one line
 * when Redis becomes unreachable and one when it is back.
 */
export interface RedisLinkOptions {
  connection: Pick<RedisConnection, 'commands' | 'isReady' | 'whenReady' | 'replicas'>;
  /** What this deployment does while Redis is unreachable, said once per outage. */
  duringOutage: string;
  /** Bound on one command (or script) from sending to answer. */
  commandTimeoutMs?: number;
  /** A process just started: for this long its first commands wait for the first connection. */
  firstConnectMs?: number;
  /** How long a write waits for a replica's acknowledgement before going on without it. */
  replicaAckMs?: number;
  log?: (line: string) => void;
  /** Told when Redis becomes unreachable (once per outage) and when it is back. */
  telemetry?: TelemetryHook;
}

export interface RedisLink {
  /** Runs `work` now, bounded; throws `RedisUnreachableError` at once when Redis is down. */
  run<T>(work: (redis: RedisCommands) => Promise<T>): Promise<T>;
  /**
   * When the primary has replicas, waits (bounded) until one acknowledged this connection's
   * writes so far, so a failover right after cannot lose them. Resolves with the replicas that
   * acknowledged (0 when none is attached or none answered in time); throws when the
   * connection dropped meanwhile, because then nobody knows whether the writes survived.
   */
  replicate(): Promise<number>;
  /** True as soon as Redis can be reached again, false once `withinMs` passed without that. */
  reachable(withinMs: number): Promise<boolean>;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function createRedisLink(options: RedisLinkOptions): RedisLink {
  const { connection, duringOutage } = options;
  const commandTimeoutMs = options.commandTimeoutMs ?? 1_000;
  const replicaAckMs = options.replicaAckMs ?? 250;
  const log = options.log ?? ((line: string) => console.warn(line));
  const firstConnectBy = Date.now() + (options.firstConnectMs ?? 3_000);
  let everConnected = false;
  let down = false;

  const noteDown = (error: RedisUnreachableError) => {
    if (!down) {
      down = true;
      log(`[auth] Redis unreachable (${error.message}): ${duringOutage}`);
      emit(options.telemetry, { type: 'redis_unreachable' });
    }
    return error;
  };
  const noteUp = () => {
    if (!down) return;
    down = false;
    log('[auth] Redis reachable again: reissues are coordinated across processes');
    emit(options.telemetry, { type: 'redis_reachable' });
  };

  async function connected(): Promise<boolean> {
    if (connection.isReady()) return (everConnected = true);
    // Only a process that never connected yet waits (briefly) for its first connection.
    const left = firstConnectBy - Date.now();
    if (everConnected || left <= 0) return false;
    return (everConnected = await connection.whenReady(left));
  }

  async function run<T>(work: (redis: RedisCommands) => Promise<T>): Promise<T> {
    if (!(await connected())) throw noteDown(new RedisUnreachableError('not connected'));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new RedisUnreachableError(`no answer within ${commandTimeoutMs} ms`)),
        commandTimeoutMs,
      );
    });
    try {
      const answer = await Promise.race([work(connection.commands), late]);
      noteUp();
      return answer;
    } catch (error) {
      throw noteDown(
        error instanceof RedisUnreachableError ? error : new RedisUnreachableError(describe(error)),
      );
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    run,
    async replicate() {
      if (connection.replicas() === 0) return 0;
      return run((redis) => redis.wait(1, replicaAckMs));
    },
    async reachable(withinMs) {
      return connection.isReady() || connection.whenReady(withinMs);
    },
  };
}
