import 'server-only';
import { LRUCache } from 'lru-cache';
import { backend } from './backend';
import { tokenHash as hash } from './coordinator/in-process';
import { serverCoordinator } from './coordinator/server';
import type { ReissueCall, ServerReissueResult } from './coordinator/types';

export type { ServerReissueResult } from './coordinator/types';

interface RejectedMemory {
  rejected: LRUCache<string, true>;
}

const MEMORY = Symbol.for('token-reissue.server-reissue-memory');

/**
 * Next bundles this module separately into the proxy, each page and each route handler, so a
 * module-level map would exist once per bundle. The memory lives on `globalThis` instead: one
 * per process, shared by all of them.
 */
function memory(): RejectedMemory {
  const holder = globalThis as typeof globalThis & { [MEMORY]?: RejectedMemory };
  holder[MEMORY] ??= { rejected: new LRUCache({ max: 1_000, ttl: 15 * 60_000 }) };
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
  return serverCoordinator(callApi).reissue(refreshToken);
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
