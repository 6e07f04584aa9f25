import { randomUUID } from 'node:crypto';
import type { BaseUser } from '../../types';
import { emit, type CoordinatorWaitOutcome, type TelemetryHook } from '../../telemetry/events';
import type { ReissueBinding, ReissueOutcome } from '../auth-backend';
import { RedisUnreachableError } from '../redis/commands';
import { DEFAULT_KEY_PREFIX, reissueKeys, type ReissueKeys } from '../redis/keys';
import type { RedisLink } from '../redis/link';
import { ROTATED_TTL_MS } from '../rotations';
import { inSpan } from '../spans';
import { openOutcome, sealOutcome, type TokenPairSchema } from './outcome-seal';
import { ACQUIRE_LOCK, SETTLE_LOCK } from './redis-scripts';
import { unavailable, type ReissueCall, type ReissueCoordinator } from './types';

export interface RedisCoordinatorOptions<U extends BaseUser> {
  link: RedisLink;
  reissue: ReissueCall<U>;
  /**
   * Set only for an API with a reuse grace window (REISSUE_FALLBACK=in-process): while Redis is
   * unreachable, reissue through this per-process call at once. Unset: wait for Redis.
   */
  fallback?: ReissueCall<U>;
  /** Without a fallback: how long a request waits for an unreachable Redis before "unavailable". */
  outageWaitMs: number;
  secret: string;
  /** Validates the token pairs read back from Redis (the app's schema, with its user). */
  tokenPairSchema: TokenPairSchema<U>;
  outcomeTtlMs: number;
  /** How long the "rotated" mark for the rollback guard lives: at least a ticket's lifetime. */
  rotatedTtlMs?: number;
  /** The longest a holder's API call (with its quick retry) may take. */
  callBudgetMs: number;
  /**
   * How long a holder keeps trying to store its outcome through an outage or a failover. Its
   * lock lives `callBudgetMs` + this, so nobody else calls the API with that token meanwhile.
   */
  publishWindowMs?: number;
  /** How long a request waits for another process's reissue; default `callBudgetMs` + 1 s. */
  waitMs?: number;
  pollMs?: number;
  keyPrefix?: string;
  /** Told how long each lock wait took and how it ended, and of every in-process fallback. */
  telemetry?: TelemetryHook;
}

/** Between two tries against a Redis that answers with errors (LOADING, READONLY, CLUSTERDOWN). */
const RETRY_PAUSE_MS = 100;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/**
 * Cross-process single flight on Redis. Per refresh-token hash one process takes a lock and
 * calls the API; it stores the outcome (successor pair or dead-token verdict, encrypted) for
 * `outcomeTtlMs`, marks the token rotated and releases the lock in one script; every other
 * process polling meanwhile gets that outcome without calling the API. Waits are bounded; a
 * dead holder's lock expires and a waiter takes over.
 *
 * A Redis outage or failover never makes two processes call the API with one token: a new lock
 * is acknowledged by a replica (when there is one) before the API is called, and a holder that
 * cannot store its outcome keeps trying, in the background, for as long as its lock lives.
 * Meanwhile requests wait for Redis, up to `outageWaitMs`, and then answer "unavailable" (the
 * caller retries; the session is kept), unless a per-process `fallback` was chosen.
 */
export function createRedisCoordinator<U extends BaseUser>(
  options: RedisCoordinatorOptions<U>,
): ReissueCoordinator<U> {
  const { link, reissue, fallback, secret, outcomeTtlMs, callBudgetMs, outageWaitMs } = options;
  const rotatedTtlMs = options.rotatedTtlMs ?? ROTATED_TTL_MS;
  const lockTtlMs = callBudgetMs + (options.publishWindowMs ?? 60_000);
  const waitMs = options.waitMs ?? callBudgetMs + 1_000;
  const pollMs = options.pollMs ?? 50;
  const prefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;

  async function stored(refreshToken: string, keys: ReissueKeys) {
    const sealed = await link.run((redis) => redis.get(keys.outcome));
    return sealed ? openOutcome(secret, refreshToken, sealed, options.tokenPairSchema) : null;
  }

  /**
   * Stores what the holder learned (nothing for a transient failure) and releases its lock.
   * If Redis cannot take it now, keeps trying in the background until the lock would expire:
   * the waiters on other processes must get this outcome, never call the API themselves.
   */
  async function settle(
    refreshToken: string,
    keys: ReissueKeys,
    owner: string,
    result: ReissueOutcome<U> | null,
    until: number,
  ): Promise<void> {
    const shared = result !== null && (result.ok || result.code === 'SESSION_EXPIRED');
    const sealed = shared ? await sealOutcome(secret, refreshToken, result) : '';
    const rotated = result?.ok ? rotatedTtlMs : 0;
    const once = async () => {
      await link.run((redis) =>
        redis.eval(
          SETTLE_LOCK,
          3,
          keys.outcome,
          keys.rotated,
          keys.lock,
          sealed,
          outcomeTtlMs,
          rotated,
          owner,
        ),
      );
      // The outcome must survive a failover right after, or a waiter would replay the token.
      await link.replicate();
    };
    try {
      return await once();
    } catch (error) {
      if (!(error instanceof RedisUnreachableError)) throw error;
    }
    void (async () => {
      while (Date.now() < until) {
        if (!(await link.reachable(until - Date.now()))) return;
        try {
          return await once();
        } catch {
          await sleep(RETRY_PAUSE_MS);
        }
      }
    })();
  }

  /** Redis is unreachable and this deployment chose to reissue in this process meanwhile. */
  function fallBack(refreshToken: string, call: ReissueCall<U>, binding?: ReissueBinding) {
    emit(options.telemetry, { type: 'redis_fallback' });
    return callApi(refreshToken, call, binding);
  }

  async function callApi(refreshToken: string, call: ReissueCall<U>, binding?: ReissueBinding) {
    try {
      return await call(refreshToken, binding);
    } catch (error) {
      return unavailable(error instanceof Error ? error.message : String(error));
    }
  }

  /** Holds the lock: makes sure it would survive a failover, then calls the API once. */
  async function hold(
    refreshToken: string,
    keys: ReissueKeys,
    owner: string,
    binding: ReissueBinding | undefined,
  ) {
    const until = Date.now() + lockTtlMs;
    try {
      // Only a lock a replica has survives a failover; otherwise another process could call too.
      await link.replicate();
      // The previous holder may have stored its outcome between our read and our lock.
      const late = await stored(refreshToken, keys);
      if (late) {
        await settle(refreshToken, keys, owner, null, until);
        return late;
      }
    } catch (error) {
      // Waiting: retry from the top once Redis is back (our lock, if it survived, is renewed).
      if (!(error instanceof RedisUnreachableError) || !fallback) throw error;
      const result = await fallBack(refreshToken, fallback, binding);
      await settle(refreshToken, keys, owner, result, until);
      return result;
    }
    const result = await callApi(refreshToken, reissue, binding);
    await settle(refreshToken, keys, owner, result, until);
    return result;
  }

  /**
   * Polls until this process holds the lock or another's outcome is stored: the lock wait,
   * measured and traced. Throws `RedisUnreachableError` as the calls inside it do.
   */
  async function awaitTurn(
    refreshToken: string,
    keys: ReissueKeys,
    owner: string,
    pollUntil: number,
  ): Promise<{ outcome: CoordinatorWaitOutcome; known?: ReissueOutcome<U> }> {
    for (;;) {
      const known = await stored(refreshToken, keys);
      if (known) return { outcome: 'received', known };
      const held = await link.run((redis) =>
        redis.eval(ACQUIRE_LOCK, 1, keys.lock, owner, lockTtlMs),
      );
      if (held === 1) return { outcome: 'held' };
      if (Date.now() >= pollUntil) return { outcome: 'timed_out' };
      await sleep(pollMs);
    }
  }

  async function coordinated(
    refreshToken: string,
    keys: ReissueKeys,
    owner: string,
    pollUntil: number,
    binding: ReissueBinding | undefined,
  ) {
    const started = performance.now();
    const turn = await inSpan('coordinator.wait', { 'coordinator.kind': 'redis' }, async (span) => {
      const result = await awaitTurn(refreshToken, keys, owner, pollUntil);
      span.setAttribute('coordinator.outcome', result.outcome);
      return result;
    });
    const seconds = (performance.now() - started) / 1000;
    emit(options.telemetry, {
      type: 'coordinator_wait',
      coordinator: 'redis',
      outcome: turn.outcome,
      seconds,
    });
    if (turn.known) return turn.known;
    if (turn.outcome === 'timed_out') {
      return unavailable(`another server's reissue did not finish within ${waitMs} ms`);
    }
    return inSpan('coordinator.lock', { 'coordinator.kind': 'redis' }, () =>
      hold(refreshToken, keys, owner, binding),
    );
  }

  return {
    async reissue(refreshToken, binding) {
      const keys = reissueKeys(prefix, refreshToken);
      const owner = randomUUID();
      const started = Date.now();
      for (;;) {
        try {
          return await coordinated(refreshToken, keys, owner, started + waitMs, binding);
        } catch (error) {
          if (!(error instanceof RedisUnreachableError)) throw error;
          if (fallback) return fallBack(refreshToken, fallback, binding);
          const left = started + outageWaitMs - Date.now();
          if (left <= 0 || !(await link.reachable(left))) {
            return unavailable(`Redis unreachable for ${outageWaitMs} ms`);
          }
          await sleep(Math.min(RETRY_PAUSE_MS, started + outageWaitMs - Date.now()));
        }
      }
    },
  };
}
