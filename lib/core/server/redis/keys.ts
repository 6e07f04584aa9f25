import { tokenHash } from '../token-hash';

/**
 * Where the shared stores keep their state. Keys carry hashes, never tokens. One refresh
 * token's lock, outcome and "rotated" mark share a hash tag (`{…}`), so a Redis Cluster keeps
 * them in one slot and one script can write them together: the coordinator stores the outcome,
 * marks the token rotated for the rollback guard and releases its lock in one step.
 */
export const DEFAULT_KEY_PREFIX = 'token-reissue:';

export interface ReissueKeys {
  lock: string;
  outcome: string;
  rotated: string;
}

export function reissueKeys(prefix: string, refreshToken: string): ReissueKeys {
  const tag = `{${tokenHash(refreshToken)}}`;
  return {
    lock: `${prefix}${tag}:lock`,
    outcome: `${prefix}${tag}:outcome`,
    rotated: `${prefix}${tag}:rotated`,
  };
}

/** A claimed reissue ticket, by its id (`jti`, a random UUID: no secret in it). */
export function usedTicketKey(prefix: string, ticketId: string): string {
  return `${prefix}ticket:{${ticketId}}`;
}
