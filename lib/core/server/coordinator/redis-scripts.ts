/**
 * The coordinator's two Lua scripts. Each touches keys of one refresh token only, which share a
 * hash tag (../redis/keys.ts), so each runs atomically on one node, in a Cluster too.
 */

/**
 * Takes the lock, or renews it when it is already ours (a holder that lost its connection
 * retries with the same owner id, and must not wait on its own lock). 1 = held, 0 = taken.
 * KEYS: lock. ARGV: owner, ttl ms.
 */
export const ACQUIRE_LOCK = `
local holder = redis.call('get', KEYS[1])
if holder == ARGV[1] then
  redis.call('pexpire', KEYS[1], ARGV[2])
  return 1
end
if holder then return 0 end
redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1`;

/**
 * Ends a holder's turn in one step: stores the sealed outcome (if any), marks the presented
 * token rotated for the rollback guard (if it was), and releases the lock if it is still ours.
 * Running it twice is harmless, so a holder may repeat it after an outage.
 * KEYS: outcome, rotated, lock. ARGV: sealed outcome ('' = none), outcome ttl ms,
 * rotated ttl ms ('0' = not rotated), owner.
 */
export const SETTLE_LOCK = `
if ARGV[1] ~= '' then redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2]) end
if ARGV[3] ~= '0' then redis.call('set', KEYS[2], '1', 'PX', ARGV[3]) end
if redis.call('get', KEYS[3]) == ARGV[4] then redis.call('del', KEYS[3]) end
return 1`;
