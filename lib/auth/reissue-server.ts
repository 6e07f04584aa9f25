import 'server-only';
import { LRUCache } from 'lru-cache';
import { backend } from './backend';
import { tokenHash as hash } from './coordinator/in-process';
import { serverCoordinator } from './coordinator/server';
import type { ReissueCall, ServerReissueResult } from './coordinator/types';

export type { ServerReissueResult } from './coordinator/types';

interface ReissueMemory {
  rejected: LRUCache<string, true>;
  /** Refresh tokens this process has rotated, for as long as a reissue ticket lives. */
  rotated: LRUCache<string, true>;
}

const MEMORY = Symbol.for('token-reissue.server-reissue-memory');

/**
 * Next bundles this module separately into the proxy, each page and each route handler, so a
 * module-level map would exist once per bundle. The memory lives on `globalThis` instead: one
 * per process, shared by all of them.
 */
function memory(): ReissueMemory {
  const holder = globalThis as typeof globalThis & { [MEMORY]?: ReissueMemory };
  holder[MEMORY] ??= {
    rejected: new LRUCache({ max: 1_000, ttl: 15 * 60_000 }),
    rotated: new LRUCache({ max: 10_000, ttl: 60_000 }),
  };
  return holder[MEMORY];
}

/** The API call the coordinator makes: whichever adapter is selected, already in the shared vocabulary. */
const callApi: ReissueCall = (refreshToken) => backend.reissue(refreshToken);

/**
 * Reissues through the process's coordinator: requests presenting the same (possibly just
 * rotated) refresh token share one API call and its outcome, in this process and, with
 * `REDIS_URL`, across every process. Used by the reissue route, the proxy and `serverAuth`.
 */
export function reissueOnce(refreshToken: string): Promise<ServerReissueResult> {
  const pending = serverCoordinator(callApi).reissue(refreshToken);
  void pending.then((result) => {
    if (result.ok) memory().rotated.set(hash(refreshToken), true);
  });
  return pending;
}

/**
 * Remembers, until it expires, an access token the API rejected before its expiry (revoked, or
 * the clocks disagree). A Server Component that reissued after such a 401 could not write the
 * cookie; the proxy treats a session carrying this token as due, so the next request persists
 * the successor while the single-flight memory or the API's grace window still hands it out.
 */
export function noteRejectedAccessToken(accessToken: string, expiresAt: number): void {
  const ttl = Math.ceil(expiresAt - Date.now());
  if (ttl > 0) memory().rejected.set(hash(accessToken), true, { ttl });
}

export function wasAccessTokenRejected(accessToken: string): boolean {
  return memory().rejected.has(hash(accessToken));
}

/**
 * True when this process has already rotated `refreshToken`. A reissue ticket carrying it is
 * older than the session cookie the reissue route wrote since; a delayed `signIn` presenting it
 * (with the cookie it was sent with) must not roll the cookie back to a rotated-out token.
 */
export function wasRotated(refreshToken: string): boolean {
  return memory().rotated.has(hash(refreshToken));
}
