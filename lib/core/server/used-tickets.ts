/**
 * Reissue tickets are single use: the first `authorize()` that presents one claims its id, and
 * a replay while the ticket is still valid is refused. One small interface, so a shared store
 * (Redis) can replace the in-process one when several app processes serve one site.
 */
import { LRUCache } from 'lru-cache';

export interface UsedTicketStore {
  /** True the first time `id` is claimed; false on every later claim until `expiresAt` (epoch ms). */
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
