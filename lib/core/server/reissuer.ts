/**
 * The server's reissue entry point, shared by the reissue route, the proxy and `serverAuth`.
 * Everything it depends on is passed in: the API adapter (`backend`), how reissues are
 * coordinated (`coordinator`: in this process, or across processes through Redis) and where
 * rotated refresh tokens are remembered for the rollback guard (`rotations`: this process's
 * memory, or Redis). It also keeps one small bounded memory of its own: access tokens the API
 * rejected before their expiry (the proxy then treats the session as due, so the next page
 * load persists the successor a Server Component could not write). That one is a hint about
 * when to reissue, never a decision about who is signed in, so it stays per process.
 */
import { LRUCache } from 'lru-cache';
import type { BaseUser } from '../types';
import type { AuthBackend, ReissueBinding, ReissueOutcome } from './auth-backend';
import type { ReissueCall, ReissueCoordinator } from './coordinator/types';
import { memoryRotationLog, type RotationLog } from './rotations';
import { tokenHash } from './token-hash';

export type { ReissueCall, ReissueCoordinator };

export interface ServerReissuerOptions<U extends BaseUser> {
  backend: Pick<AuthBackend<U, unknown>, 'reissue'>;
  /** Builds the coordinator around the API call (see coordinator/). */
  coordinator: (call: ReissueCall<U>) => ReissueCoordinator<U>;
  /** Rotated refresh tokens, for the rollback guard; default: this process's memory. */
  rotations?: RotationLog;
  now?: () => number;
}

export interface ServerReissuer<U extends BaseUser = BaseUser> {
  /**
   * One rotation per refresh token, shared by every caller the coordinator reaches; `binding`
   * (DPoP) says which key the browser's new access token is for.
   */
  reissue(refreshToken: string, binding?: ReissueBinding): Promise<ReissueOutcome<U>>;
  /** The API rejected this access token before `expiresAt`; remembered until then. */
  noteRejectedAccessToken(accessToken: string, expiresAt: number): void;
  wasAccessTokenRejected(accessToken: string): boolean;
  /**
   * True when `refreshToken` has been rotated (by this process, or, with a shared log, by any),
   * or when a shared log cannot tell: a reissue ticket carrying it must be refused.
   */
  wasRotated(refreshToken: string): Promise<boolean>;
}

export function createServerReissuer<U extends BaseUser>({
  backend,
  coordinator,
  rotations = memoryRotationLog(),
  now = Date.now,
}: ServerReissuerOptions<U>): ServerReissuer<U> {
  const rejected = new LRUCache<string, true>({ max: 1_000, ttl: 15 * 60_000 });
  const shared = coordinator((refreshToken, binding) => backend.reissue(refreshToken, binding));

  return {
    async reissue(refreshToken, binding) {
      const outcome = await shared.reissue(refreshToken, binding);
      // Also when another process did the call: this process has seen the token rotated. A
      // provider that does not rotate hands the same token back; that one is still current.
      if (outcome.ok && outcome.tokens.refreshToken !== refreshToken) {
        rotations.noteRotated(refreshToken);
      }
      return outcome;
    },
    noteRejectedAccessToken(accessToken, expiresAt) {
      const ttl = Math.ceil(expiresAt - now());
      if (ttl > 0) rejected.set(tokenHash(accessToken), true, { ttl });
    },
    wasAccessTokenRejected: (accessToken) => rejected.has(tokenHash(accessToken)),
    wasRotated: (refreshToken) => rotations.wasRotated(refreshToken),
  };
}
