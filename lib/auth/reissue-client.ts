import {
  clientSessionSchema,
  reissueResponseSchema,
  reissueSessionExpiredSchema,
} from '@/lib/validations/session';
import type { ReissueInput } from '@/machines/auth.machine';
import type { ClientSession, ReissueFailureCode, ReissueResult } from '@/machines/auth.types';

export const REISSUE_PATH = '/api/auth/reissue';
export const SESSION_PATH = '/api/auth/session';
export const LOCK_NAME = 'token-reissue';
/** Shorter than the machine's reissue timeout, so a tab that gives up on the lock still has time to reissue. */
export const LOCK_TIMEOUT_MS = 5_000;
/** Another tab's session is adopted only if its token outlives this; otherwise reissue anyway. */
export const FRESH_TOKEN_MIN_MS = 10_000;

/** How the auth machine learns why a reissue failed: it reads `code` (see `toAuthError`). */
export class ReissueError extends Error {
  override readonly name = 'ReissueError';
  constructor(
    readonly code: ReissueFailureCode,
    message: string,
  ) {
    super(message);
  }
}

export interface ReissueClientOptions {
  /** Origin of the Next app; empty in the browser (same origin), absolute in Node tests. */
  baseUrl?: string;
  /** Cross-tab lock; defaults to `navigator.locks` when present. `null` turns it off. */
  locks?: Pick<LockManager, 'request'> | null;
  lockTimeoutMs?: number;
}

/**
 * The `reissue` actor's body: one reissue through the Next route, at most one per browser at a
 * time. Never goes through axios, so the auth interceptors cannot recurse into it.
 */
export async function requestReissue(
  input: ReissueInput,
  signal: AbortSignal,
  options: ReissueClientOptions = {},
): Promise<ReissueResult> {
  const baseUrl = options.baseUrl ?? '';
  const locks = options.locks === undefined ? browserLocks() : options.locks;
  // Without AbortSignal.any the lock wait could not be bounded; an unbounded lock can deadlock tabs.
  if (!locks || typeof AbortSignal.any !== 'function') return postReissue(baseUrl, signal);

  const lockSignal = AbortSignal.any([
    signal,
    AbortSignal.timeout(options.lockTimeoutMs ?? LOCK_TIMEOUT_MS),
  ]);
  let acquired = false;
  try {
    return await locks.request(LOCK_NAME, { signal: lockSignal }, async () => {
      acquired = true;
      const adopted = await sessionFromAnotherTab(input, baseUrl, signal);
      return adopted ? { ...adopted, reissue: null } : postReissue(baseUrl, signal);
    });
  } catch (error) {
    if (acquired || signal.aborted) throw asReissueError(error);
    // The lock timed out: reissue without it; the API's reuse grace window absorbs a duplicate.
    return postReissue(baseUrl, signal);
  }
}

async function postReissue(baseUrl: string, signal: AbortSignal): Promise<ReissueResult> {
  let response: Response;
  try {
    response = await fetch(`${baseUrl}${REISSUE_PATH}`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'X-Auth-Reissue': '1', Accept: 'application/json' },
      signal,
    });
  } catch (error) {
    throw asReissueError(error);
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (response.status === 401 && reissueSessionExpiredSchema.safeParse(body).success) {
    throw new ReissueError('SESSION_EXPIRED', 'The refresh token is no longer valid');
  }
  if (!response.ok) {
    throw new ReissueError('REISSUE_UNAVAILABLE', `Reissue failed with HTTP ${response.status}`);
  }
  const parsed = reissueResponseSchema.safeParse(body);
  if (!parsed.success) {
    throw new ReissueError('REISSUE_UNAVAILABLE', 'Reissue response was not a session');
  }
  return parsed.data;
}

/** After waiting for the lock: did the tab that held it already reissue? */
async function sessionFromAnotherTab(
  input: ReissueInput,
  baseUrl: string,
  signal: AbortSignal,
): Promise<ClientSession | null> {
  try {
    const response = await fetch(`${baseUrl}${SESSION_PATH}`, {
      credentials: 'same-origin',
      headers: { Accept: 'application/json' },
      signal,
    });
    if (!response.ok) return null;
    const parsed = clientSessionSchema.safeParse(await response.json());
    if (!parsed.success) return null;
    const session = parsed.data;
    // Against the server's clock: the browser's may be hours off.
    const fresh =
      session.accessTokenExpiresAt - (session.serverNow ?? Date.now()) > FRESH_TOKEN_MIN_MS;
    return session.accessToken !== input.accessToken && fresh ? session : null;
  } catch {
    // No answer is no evidence; the reissue itself decides (and fails fast if aborted).
    return null;
  }
}

function browserLocks(): LockManager | null {
  return typeof navigator !== 'undefined' && navigator.locks ? navigator.locks : null;
}

function asReissueError(error: unknown): ReissueError {
  if (error instanceof ReissueError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new ReissueError('REISSUE_UNAVAILABLE', `Reissue request failed: ${reason}`);
}
