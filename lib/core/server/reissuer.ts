/**
 * The server's reissue entry point, shared by the reissue route, the proxy and `serverAuth`.
 * Everything it depends on is passed in: the API adapter (`backend`), how reissues are
 * coordinated (`coordinator`: in this process, or across processes through Redis) and where
 * rotated refresh tokens are remembered for the rollback guard (`rotations`: this process's
 * memory, or Redis). It also keeps one small bounded memory of its own: access tokens the API
 * rejected before their expiry (the proxy then treats the session as due, so the next page
 * load persists the successor a Server Component could not write). That one is a hint about
 * when to reissue, never a decision about who is signed in, so it stays per process.
 *
 * Each reissue is one `reissue` span (path, outcome, joined callers, `error.type`) and one
 * telemetry event. Whether a caller rotated the token itself or received another caller's
 * outcome is known without asking the coordinator: the API call runs in the async context of
 * the caller that made it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { LRUCache } from 'lru-cache';
import type { BaseUser } from '../types';
import type { AuthBackend, ReissueBinding, ReissueOutcome } from './auth-backend';
import type { ReissueCall, ReissueCoordinator } from './coordinator/types';
import {
  emit,
  type ReissueOutcomeKind,
  type ReissuePath,
  type TelemetryHook,
} from '../telemetry/events';
import { memoryRotationLog, type RotationLog } from './rotations';
import { inSpan, markFailed } from './spans';
import { tokenHash } from './token-hash';

export type { ReissueCall, ReissueCoordinator };

export interface ServerReissuerOptions<U extends BaseUser> {
  backend: Pick<AuthBackend<U, unknown>, 'reissue'>;
  /** Builds the coordinator around the API call (see coordinator/). */
  coordinator: (call: ReissueCall<U>) => ReissueCoordinator<U>;
  /** Rotated refresh tokens, for the rollback guard; default: this process's memory. */
  rotations?: RotationLog;
  /** Told about every reissue (path, outcome, duration); none by default. */
  telemetry?: TelemetryHook;
  now?: () => number;
}

export interface ServerReissuer<U extends BaseUser = BaseUser> {
  /**
   * One rotation per refresh token, shared by every caller the coordinator reaches. `path`
   * (default `server-auth`) says who asked, for the span and the metrics; `binding` (DPoP) says
   * which key the browser's new access token is for.
   */
  reissue(
    refreshToken: string,
    path?: ReissuePath,
    binding?: ReissueBinding,
  ): Promise<ReissueOutcome<U>>;
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
  telemetry,
  now = Date.now,
}: ServerReissuerOptions<U>): ServerReissuer<U> {
  const rejected = new LRUCache<string, true>({ max: 1_000, ttl: 15 * 60_000 });
  /** Set when the API call runs in this caller's async context: it rotated, others joined. */
  const caller = new AsyncLocalStorage<{ calledApi: boolean }>();
  /** Reissues in flight in this process, by token hash: how many callers joined each. */
  const inFlight = new Map<string, { joined: number }>();
  const shared = coordinator((refreshToken, binding) => {
    const current = caller.getStore();
    if (current) current.calledApi = true;
    return backend.reissue(refreshToken, binding);
  });

  async function reissue(
    refreshToken: string,
    path: ReissuePath = 'server-auth',
    binding?: ReissueBinding,
  ) {
    const started = performance.now();
    const key = tokenHash(refreshToken);
    const joining = inFlight.get(key);
    const flight = joining ?? { joined: 0 };
    if (joining) joining.joined++;
    else inFlight.set(key, flight);
    const state = { calledApi: false };
    return inSpan('reissue', { 'reissue.path': path }, async (span) => {
      try {
        const outcome = await caller.run(state, () => shared.reissue(refreshToken, binding));
        // Also when another process did the call: this process has seen the token rotated. A
        // provider that does not rotate hands the same token back; that one is still current.
        if (outcome.ok && outcome.tokens.refreshToken !== refreshToken) {
          rotations.noteRotated(refreshToken);
        }
        const kind = outcomeKind(outcome, state.calledApi);
        const errorType = outcome.ok ? undefined : outcome.code;
        span.setAttributes({
          'reissue.outcome': kind,
          'reissue.joined': joining ? 0 : flight.joined,
        });
        if (errorType) markFailed(span, errorType);
        emit(telemetry, {
          type: 'reissue',
          path,
          outcome: kind,
          seconds: (performance.now() - started) / 1000,
          errorType,
        });
        return outcome;
      } finally {
        if (!joining && inFlight.get(key) === flight) inFlight.delete(key);
      }
    });
  }

  return {
    reissue,
    noteRejectedAccessToken(accessToken, expiresAt) {
      const ttl = Math.ceil(expiresAt - now());
      if (ttl > 0) rejected.set(tokenHash(accessToken), true, { ttl });
    },
    wasAccessTokenRejected: (accessToken) => rejected.has(tokenHash(accessToken)),
    wasRotated: (refreshToken) => rotations.wasRotated(refreshToken),
  };
}

function outcomeKind(outcome: ReissueOutcome<BaseUser>, calledApi: boolean): ReissueOutcomeKind {
  if (!outcome.ok) return outcome.code === 'SESSION_EXPIRED' ? 'expired' : 'unavailable';
  return calledApi ? 'rotated' : 'joined';
}
