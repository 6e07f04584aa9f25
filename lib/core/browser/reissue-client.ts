/**
 * The `reissue` actor's body in the browser: one reissue through the Next app's reissue route,
 * at most one per browser at a time (a Web Lock with a timeout, then a re-check whether the tab
 * that held it already reissued). Never goes through axios, so the auth interceptors cannot
 * recurse into it. Paths, lock name and timeouts are options; the user schema is the app's.
 */
import { ReissueUnavailableError, reissueError, SessionExpiredError } from '../errors';
import type { ReissueInput } from '../../../machines/auth.machine';
import type { BaseUser, ClientSession, ReissueResult } from '../types';
import type { BrowserDpop } from './dpop';
import {
  clientSessionSchema,
  reissueResponseSchema,
  reissueSessionExpiredSchema,
  type UserSchema,
} from './schemas';

/** The header a cross-site form cannot send; the reissue route refuses requests without it. */
export const REISSUE_HEADER = 'x-auth-reissue';
export const REISSUE_PATH = '/api/auth/reissue';
export const SESSION_PATH = '/api/auth/session';
export const LOCK_NAME = 'token-reissue';
/** Shorter than the machine's reissue timeout, so a tab that gives up on the lock still has time to reissue. */
export const LOCK_TIMEOUT_MS = 5_000;
/** Another tab's session is adopted only if its token outlives this; otherwise reissue anyway. */
export const FRESH_TOKEN_MIN_MS = 10_000;

export interface ReissueClientOptions<U extends BaseUser> {
  /** Validates the user in the answers (the app's schema). */
  user: UserSchema<U>;
  /** Origin of the Next app; empty in the browser (same origin), absolute in Node tests. */
  baseUrl?: string;
  /** The reissue route; default `/api/auth/reissue`. */
  reissuePath?: string;
  /** Where the current session is read after waiting for the lock; default next-auth's. */
  sessionPath?: string;
  /** The Web Lock every tab of this app takes around a reissue. */
  lockName?: string;
  /** Cross-tab lock; defaults to `navigator.locks` when present. `null` turns it off. */
  locks?: Pick<LockManager, 'request'> | null;
  lockTimeoutMs?: number;
  /**
   * Trace headers for the reissue request (`traceparent`), read when the reissue starts, so the
   * route continues the trace of the request that was rejected. None by default.
   */
  traceHeaders?: () => Record<string, string>;
  /**
   * DPoP: the reissue carries a proof of this tab's key for the API's reissue endpoint (header
   * `DPoP`), which the Next server forwards, so the new access token is bound to this key.
   */
  dpop?: Pick<BrowserDpop, 'signer' | 'reissueUrl'>;
}

export const DPOP_HEADER = 'dpop';

/** The proof for the API's reissue endpoint, or no header while DPoP is off or the key fails. */
async function reissueProof(
  dpop: ReissueClientOptions<BaseUser>['dpop'],
): Promise<Record<string, string>> {
  const signer = dpop?.signer();
  const url = dpop?.reissueUrl();
  if (!signer || !url) return {};
  try {
    return { [DPOP_HEADER]: await signer.proof('POST', url) };
  } catch (error) {
    // No key (storage blocked): the server binds the token to the session's key, or its own.
    console.warn('[auth] no DPoP proof for the reissue', error);
    return {};
  }
}

/** Rejects with `SessionExpiredError` or `ReissueUnavailableError`: the machine reads `code`. */
export async function requestReissue<U extends BaseUser>(
  input: ReissueInput,
  signal: AbortSignal,
  options: ReissueClientOptions<U>,
): Promise<ReissueResult<U>> {
  // Read now: the trace that started this reissue is active only while the event is sent.
  const traceHeaders = options.traceHeaders?.() ?? {};
  const post = () => postReissue(options, signal, traceHeaders);
  const locks = options.locks === undefined ? browserLocks() : options.locks;
  // Without AbortSignal.any the lock wait could not be bounded; an unbounded lock can deadlock tabs.
  if (!locks || typeof AbortSignal.any !== 'function') return post();

  const lockSignal = AbortSignal.any([
    signal,
    AbortSignal.timeout(options.lockTimeoutMs ?? LOCK_TIMEOUT_MS),
  ]);
  let acquired = false;
  try {
    return await locks.request(options.lockName ?? LOCK_NAME, { signal: lockSignal }, async () => {
      acquired = true;
      const adopted = await sessionFromAnotherTab(input, options, signal);
      return adopted ? { ...adopted, ticket: null } : post();
    });
  } catch (error) {
    if (acquired || signal.aborted) throw asReissueError(error);
    // The lock timed out: reissue without it; the API's reuse grace window absorbs a duplicate.
    return post();
  }
}

async function postReissue<U extends BaseUser>(
  options: ReissueClientOptions<U>,
  signal: AbortSignal,
  traceHeaders: Record<string, string>,
): Promise<ReissueResult<U>> {
  const send = async () => {
    try {
      return await fetch(`${options.baseUrl ?? ''}${options.reissuePath ?? REISSUE_PATH}`, {
        method: 'POST',
        credentials: 'same-origin',
        headers: {
          ...traceHeaders,
          [REISSUE_HEADER]: '1',
          Accept: 'application/json',
          ...(await reissueProof(options.dpop)),
        },
        signal,
      });
    } catch (error) {
      throw asReissueError(error);
    }
  };
  let response = await send();
  let body: unknown = await response.json().catch(() => undefined);
  // The token endpoint wants its nonce in our proof (DPoP §8): nothing rotated; sign again once.
  const nonce = response.headers.get('dpop-nonce');
  const reissueUrl = options.dpop?.reissueUrl();
  if (response.status === 400 && nonce && reissueUrl && isNonceDemand(body)) {
    options.dpop?.signer()?.noteNonce(reissueUrl, nonce);
    response = await send();
    body = await response.json().catch(() => undefined);
  }
  if (response.status === 401 && reissueSessionExpiredSchema.safeParse(body).success) {
    throw reissueError('SESSION_EXPIRED', 'The refresh token is no longer valid');
  }
  if (!response.ok) {
    throw reissueError('REISSUE_UNAVAILABLE', `Reissue failed with HTTP ${response.status}`);
  }
  const parsed = reissueResponseSchema(options.user).safeParse(body);
  if (!parsed.success) {
    throw reissueError('REISSUE_UNAVAILABLE', 'Reissue response was not a session');
  }
  return parsed.data as ReissueResult<U>;
}

/** After waiting for the lock: did the tab that held it already reissue? */
async function sessionFromAnotherTab<U extends BaseUser>(
  input: ReissueInput,
  options: ReissueClientOptions<U>,
  signal: AbortSignal,
): Promise<ClientSession<U> | null> {
  try {
    const response = await fetch(`${options.baseUrl ?? ''}${options.sessionPath ?? SESSION_PATH}`, {
      credentials: 'same-origin',
      headers: { Accept: 'application/json' },
      signal,
    });
    if (!response.ok) return null;
    const parsed = clientSessionSchema(options.user).safeParse(await response.json());
    if (!parsed.success) return null;
    const session = parsed.data as ClientSession<U>;
    // Against the server's clock when it says: the browser's may be hours off.
    const now = session.serverNow ?? Date.now();
    const fresh = session.accessTokenExpiresAt - now > FRESH_TOKEN_MIN_MS;
    return session.accessToken !== input.accessToken && fresh ? session : null;
  } catch {
    // No answer is no evidence; the reissue itself decides (and fails fast if aborted).
    return null;
  }
}

function isNonceDemand(body: unknown): boolean {
  return (body as { error?: unknown } | undefined)?.error === 'USE_DPOP_NONCE';
}

function browserLocks(): LockManager | null {
  return typeof navigator !== 'undefined' && navigator.locks ? navigator.locks : null;
}

function asReissueError(error: unknown): SessionExpiredError | ReissueUnavailableError {
  if (error instanceof SessionExpiredError || error instanceof ReissueUnavailableError)
    return error;
  const reason = error instanceof Error ? error.message : String(error);
  return reissueError('REISSUE_UNAVAILABLE', `Reissue request failed: ${reason}`);
}
