import type { UsedTicketStore } from '../used-tickets';
import { RedisUnreachableError } from './commands';
import { DEFAULT_KEY_PREFIX, usedTicketKey } from './keys';
import type { RedisLink } from './link';

/**
 * Single-use reissue tickets across every app process: the first claim of a ticket id is a
 * `SET NX` that lives until the ticket expires, so a ticket claimed on one process is refused
 * on all the others. While Redis is unreachable no claim can be proven first, so the ticket is
 * refused at once (never waited for): the reissue that made it already wrote the cookie.
 */
export function createRedisUsedTicketStore({
  link,
  keyPrefix = DEFAULT_KEY_PREFIX,
}: {
  link: RedisLink;
  keyPrefix?: string;
}): UsedTicketStore {
  return {
    async claim(id, expiresAt) {
      const ttl = Math.ceil(expiresAt - Date.now());
      if (ttl <= 0) return false;
      try {
        const set = await link.run((redis) =>
          redis.set(usedTicketKey(keyPrefix, id), '1', 'PX', ttl, 'NX'),
        );
        return set === 'OK';
      } catch (error) {
        if (error instanceof RedisUnreachableError) return false;
        throw error;
      }
    },
  };
}
