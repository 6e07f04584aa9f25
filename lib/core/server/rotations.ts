import { LRUCache } from 'lru-cache';
import { tokenHash } from './token-hash';

/**
 * The rollback guard's memory: refresh tokens that have been rotated. A reissue ticket still
 * carrying one is older than the session cookie, and `authorize()` must not let it roll the
 * cookie back to a token the API already retired (the next reissue would replay it). With one
 * process this memory is the process's own; with several it must be shared (Redis,
 * `redis/rotations.ts`), or a ticket sealed on one process and presented on another slips by.
 */
export interface RotationLog {
  /** This process saw `refreshToken` rotated (it made the call, or received the outcome). */
  noteRotated(refreshToken: string): void;
  /** True when `refreshToken` was rotated, or when a shared log cannot tell (fail closed). */
  wasRotated(refreshToken: string): Promise<boolean>;
}

/** A rotated token is remembered this long by default: a reissue ticket's lifetime. */
export const ROTATED_TTL_MS = 60_000;

export function memoryRotationLog(ttlMs = ROTATED_TTL_MS, max = 10_000): RotationLog {
  const rotated = new LRUCache<string, true>({ max, ttl: ttlMs });
  return {
    noteRotated: (refreshToken) => void rotated.set(tokenHash(refreshToken), true),
    wasRotated: async (refreshToken) => rotated.has(tokenHash(refreshToken)),
  };
}
