/**
 * The server's reissue entry point, shared by the reissue route, the proxy and `serverAuth`.
 * Everything it depends on is passed in: the API adapter (`backend`) and how reissues are
 * coordinated (`coordinator`: in this process, or across processes through Redis). It also
 * keeps two small bounded memories the server paths need:
 * - access tokens the API rejected before their expiry (the proxy then treats the session as
 *   due, so the next page load persists the successor a Server Component could not write);
 * - refresh tokens this process rotated (a reissue ticket still carrying one is older than the
 *   cookie and must not roll it back).
 */
import { LRUCache } from 'lru-cache';
import type { BaseUser } from '../types';
import type { AuthBackend, ReissueOutcome } from './auth-backend';
import { tokenHash } from './coordinator/in-process';
import type { ReissueCall, ReissueCoordinator } from './coordinator/types';

export type { ReissueCall, ReissueCoordinator };

export interface ServerReissuerOptions<U extends BaseUser> {
  backend: Pick<AuthBackend<U, unknown>, 'reissue'>;
  /** Builds the coordinator around the API call (see coordinator/). */
  coordinator: (call: ReissueCall<U>) => ReissueCoordinator<U>;
  /** How long a rotated refresh token is remembered: at least a reissue ticket's lifetime. */
  rotatedTtlMs?: number;
  now?: () => number;
}

export interface ServerReissuer<U extends BaseUser = BaseUser> {
  /** One rotation per refresh token, shared by every caller the coordinator reaches. */
  reissue(refreshToken: string): Promise<ReissueOutcome<U>>;
  /** The API rejected this access token before `expiresAt`; remembered until then. */
  noteRejectedAccessToken(accessToken: string, expiresAt: number): void;
  wasAccessTokenRejected(accessToken: string): boolean;
  /** True when this process has already rotated `refreshToken`. */
  wasRotated(refreshToken: string): boolean;
}

export function createServerReissuer<U extends BaseUser>({
  backend,
  coordinator,
  rotatedTtlMs = 60_000,
  now = Date.now,
}: ServerReissuerOptions<U>): ServerReissuer<U> {
  const rejected = new LRUCache<string, true>({ max: 1_000, ttl: 15 * 60_000 });
  const rotated = new LRUCache<string, true>({ max: 10_000, ttl: rotatedTtlMs });
  const shared = coordinator((refreshToken) => backend.reissue(refreshToken));

  return {
    async reissue(refreshToken) {
      const outcome = await shared.reissue(refreshToken);
      // Also when another process did the call: this process has seen the token rotated. A
      // provider that does not rotate hands the same token back; that one is still current.
      if (outcome.ok && outcome.tokens.refreshToken !== refreshToken) {
        rotated.set(tokenHash(refreshToken), true);
      }
      return outcome;
    },
    noteRejectedAccessToken(accessToken, expiresAt) {
      const ttl = Math.ceil(expiresAt - now());
      if (ttl > 0) rejected.set(tokenHash(accessToken), true, { ttl });
    },
    wasAccessTokenRejected: (accessToken) => rejected.has(tokenHash(accessToken)),
    wasRotated: (refreshToken) => rotated.has(tokenHash(refreshToken)),
  };
}
