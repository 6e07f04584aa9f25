import { LRUCache } from 'lru-cache';

/**
 * Reissue tickets are single use: the first `authorize()` that presents one claims its id, and
 * a replay while the ticket is still valid is refused. One small interface with two
 * implementations: this process's memory (one app process, the default) and Redis
 * (`redis/used-tickets.ts`, several processes), which the app picks from its configuration.
 */
export interface UsedTicketStore {
  /**
   * True the first time `id` is claimed; false on every later claim until `expiresAt` (epoch
   * ms), and false when the store cannot tell (a shared store that is unreachable): refusing a
   * ticket costs nothing, because the reissue that made it already wrote the session cookie.
   */
  claim(id: string, expiresAt: number): Promise<boolean>;
}

/** Entries live until their ticket expires; beyond this many, the oldest go first. */
export const USED_TICKET_CAPACITY = 50_000;

/**
 * In-process store, bounded in size and time. An evicted id belongs to a ticket that is at most
 * 60 s old and bound to its session, so eviction under a flood only reopens a replay window for
 * someone who already holds that session's cookie.
 */
export function memoryUsedTicketStore(capacity = USED_TICKET_CAPACITY): UsedTicketStore {
  const used = new LRUCache<string, true>({ max: capacity, ttlAutopurge: false });
  return {
    async claim(id, expiresAt) {
      const ttl = Math.ceil(expiresAt - Date.now());
      if (ttl <= 0) return false;
      if (used.has(id)) return false;
      used.set(id, true, { ttl });
      return true;
    },
  };
}
