import 'server-only';
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { backend, type ReissueOutcome } from './backend';

/** The adapter's outcome, already in the machine's two failure kinds. */
export type ServerReissueResult = ReissueOutcome;

interface ReissueMemory {
  inFlight: LRUCache<string, Promise<ServerReissueResult>>;
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
    inFlight: new LRUCache({ max: 1_000, ttl: 5_000 }),
    rejected: new LRUCache({ max: 1_000, ttl: 15 * 60_000 }),
    rotated: new LRUCache({ max: 10_000, ttl: 60_000 }),
  };
  return holder[MEMORY];
}

function hash(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/**
 * Single flight per refresh token within this process: concurrent requests carrying the same
 * (possibly just rotated) refresh token share one call to the API, and requests that arrive
 * shortly after reuse its result instead of replaying the rotated token. Bounded in size and
 * time; across processes the API's reuse grace window does the same job.
 */
export function reissueOnce(refreshToken: string): Promise<ServerReissueResult> {
  const { inFlight } = memory();
  const key = hash(refreshToken);
  let pending = inFlight.get(key);
  if (!pending) {
    pending = backend.reissue(refreshToken);
    inFlight.set(key, pending);
    // Transient failures are not worth remembering: the next request may succeed.
    void pending.then((result) => {
      if (!result.ok && result.code === 'REISSUE_UNAVAILABLE') inFlight.delete(key);
      if (result.ok) memory().rotated.set(key, true);
    });
  }
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
