import { randomUUID } from 'node:crypto';
import { tokenHash } from './in-process';
import { openOutcome, sealOutcome } from './outcome-seal';
import { unavailable, type ReissueCall, type ReissueCoordinator } from './types';

/** The few Redis commands the coordinator needs (ioredis's signatures), so fakes can stand in. */
export interface RedisCommands {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, px: 'PX', ttl: number, nx: 'NX'): Promise<'OK' | null>;
  set(key: string, value: string, px: 'PX', ttl: number): Promise<'OK'>;
  eval(script: string, keys: number, ...args: string[]): Promise<unknown>;
}

export interface RedisCoordinatorOptions {
  redis: RedisCommands;
  /** True when commands can be sent now (may wait briefly for the first connection). */
  ready: () => Promise<boolean>;
  reissue: ReissueCall;
  /** Used instead when Redis cannot be reached: in-process coordination only. */
  fallback: ReissueCall;
  secret: string;
  outcomeTtlMs: number;
  /** Longer than the slowest reissue call; a dead holder's lock expires after this. */
  lockTtlMs: number;
  /** How long a request waits for another process's reissue before answering "unavailable". */
  waitMs: number;
  pollMs?: number;
  commandTimeoutMs?: number;
  keyPrefix?: string;
  log?: (line: string) => void;
}

class RedisUnreachable extends Error {
  readonly code = 'REDIS_UNREACHABLE';
}

/** Deletes the lock only while it is still ours (it may have expired and been retaken). */
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0`;

/**
 * Cross-process single flight on Redis. Per refresh-token hash: one process takes a lock
 * (`SET NX PX`) and calls the API; it stores the outcome (successor pair or dead-token verdict,
 * encrypted) for `outcomeTtlMs`; every other process polling in that time gets it without
 * calling the API. Waits are bounded; a dead holder's lock expires and a waiter takes over. If
 * Redis is unreachable, requests fall back to `fallback` and one line is logged per outage.
 */
export function createRedisCoordinator(options: RedisCoordinatorOptions): ReissueCoordinator {
  const { redis, reissue, fallback, secret, outcomeTtlMs, lockTtlMs, waitMs } = options;
  const pollMs = options.pollMs ?? 50;
  const commandTimeoutMs = options.commandTimeoutMs ?? 1_000;
  const prefix = options.keyPrefix ?? 'token-reissue:';
  const log = options.log ?? ((line: string) => console.warn(line));
  let down = false;

  const noteDown = (error: unknown) => {
    if (down) return;
    down = true;
    const why = error instanceof Error ? error.message : String(error);
    log(
      `[auth] Redis unreachable (${why}): reissues are coordinated in this process only until it is back`,
    );
  };
  const noteUp = () => {
    if (!down) return;
    down = false;
    log('[auth] Redis reachable again: reissues are coordinated across processes');
  };

  async function command<T>(run: () => Promise<T>): Promise<T> {
    if (!(await options.ready())) throw new RedisUnreachable('not connected');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new RedisUnreachable(`no answer within ${commandTimeoutMs} ms`)),
        commandTimeoutMs,
      );
    });
    try {
      const answer = await Promise.race([run(), timeout]);
      noteUp();
      return answer;
    } catch (error) {
      throw error instanceof RedisUnreachable ? error : new RedisUnreachable(String(error));
    } finally {
      clearTimeout(timer);
    }
  }

  async function stored(refreshToken: string, outcomeKey: string) {
    const sealed = await command(() => redis.get(outcomeKey));
    return sealed ? openOutcome(secret, refreshToken, sealed) : null;
  }

  /** Holds the lock: calls the API once, publishes the outcome, releases the lock. */
  async function hold(refreshToken: string, outcomeKey: string, lockKey: string, owner: string) {
    const result = await reissue(refreshToken);
    try {
      // Transient failures are not stored: the next request may succeed.
      if (result.ok || result.code === 'SESSION_EXPIRED') {
        const sealed = await sealOutcome(secret, refreshToken, result);
        await command(() => redis.set(outcomeKey, sealed, 'PX', outcomeTtlMs));
      }
      await command(() => redis.eval(RELEASE, 1, lockKey, owner));
    } catch (error) {
      // The outcome is in hand; only sharing it failed. The lock expires by itself.
      noteDown(error);
    }
    return result;
  }

  async function coordinated(refreshToken: string) {
    const id = tokenHash(refreshToken);
    const outcomeKey = `${prefix}${id}:outcome`;
    const lockKey = `${prefix}${id}:lock`;
    const deadline = Date.now() + waitMs;
    for (;;) {
      const known = await stored(refreshToken, outcomeKey);
      if (known) return known;
      const owner = randomUUID();
      const locked = await command(() => redis.set(lockKey, owner, 'PX', lockTtlMs, 'NX'));
      if (locked === 'OK') {
        // The previous holder may have stored its outcome between our read and our lock.
        const late = await stored(refreshToken, outcomeKey);
        if (late) {
          await command(() => redis.eval(RELEASE, 1, lockKey, owner));
          return late;
        }
        return hold(refreshToken, outcomeKey, lockKey, owner);
      }
      if (Date.now() >= deadline) {
        return unavailable(`another server's reissue did not finish within ${waitMs} ms`);
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  return {
    async reissue(refreshToken) {
      try {
        return await coordinated(refreshToken);
      } catch (error) {
        if (!(error instanceof RedisUnreachable)) throw error;
        noteDown(error);
        return fallback(refreshToken);
      }
    },
  };
}
