import { assign, fromPromise, setup } from 'xstate';
import type { AuthError, ClientSession, ReissueResult } from './auth.types';

export interface AuthContext {
  accessToken: string | null;
  /** Epoch milliseconds. */
  accessTokenExpiresAt: number | null;
  /** When this client received the current token; the proactive margin is a share of its lifetime. */
  accessTokenReceivedAt: number | null;
  user: ClientSession['user'] | null;
  /** Sealed ticket from the last reissue, consumed by `persistSession`. */
  ticket: string | null;
  /** The last failure; kept until a reissue succeeds or a new session arrives. */
  error: AuthError | null;
  /** Transient failures in a row; picks the next retry's delay (`retryDelay`). */
  retryAttempt: number;
  reissueCount: number;
  coalescedCount: number;
}

export type AuthEvent =
  | { type: 'SESSION_UPDATE'; session: ClientSession | null }
  | { type: 'TOKEN_REJECTED'; token: string }
  | { type: 'SIGN_OUT' }
  /** A person asked to try a failed reissue again now. */
  | { type: 'RETRY' };

export interface ReissueInput {
  accessToken: string | null;
}

export const PROACTIVE_MARGIN_MAX_MS = 60_000;
export const REISSUE_TIMEOUT_MS = 10_000;
/**
 * Retries after transient failures. A reissue whose answer was lost may already have rotated
 * the refresh token; the API then accepts the old one again only inside its grace window
 * (10 s is a common default, 30 s Okta's and ours). So the first retries come fast and all
 * land within 10 s of the first failure; after that a capped backoff, forever while signed in.
 */
export const RETRY_FAST_MS = [250, 1_000, 2_500, 5_000] as const;
export const RETRY_BACKOFF_BASE_MS = 10_000;
export const RETRY_BACKOFF_MAX_MS = 30_000;
/** setTimeout fires at once for longer delays (a 32-bit overflow), which would reissue in a loop. */
export const MAX_TIMER_DELAY_MS = 2_147_483_647;

const emptySession = {
  accessToken: null,
  accessTokenExpiresAt: null,
  accessTokenReceivedAt: null,
  user: null,
  ticket: null,
} as const;

/**
 * Delay before retry number `attempt` (1-based): the fast steps, then doubling from 10 s up to
 * the 30 s cap, shortened by up to 20 % jitter (never lengthened past the cap) so tabs that
 * failed together do not retry together. Never zero: the machine cannot loop without a delay.
 */
export function retryDelay(attempt: number, random: number): number {
  const fast = RETRY_FAST_MS[attempt - 1];
  if (fast !== undefined) return fast;
  const step = attempt - RETRY_FAST_MS.length - 1;
  const backoff = Math.min(RETRY_BACKOFF_MAX_MS, RETRY_BACKOFF_BASE_MS * 2 ** step);
  return Math.round(backoff * (1 - 0.2 * random));
}

/**
 * Milliseconds from `now` until the proactive reissue: the margin is min(60 s, lifetime / 4),
 * widened by up to 10 % jitter so tabs do not reissue in the same instant. After transient
 * failures it is the retry schedule (`retryDelay`) instead. `random` is in [0, 1).
 */
export function proactiveDelay(
  context: Pick<
    AuthContext,
    'accessTokenExpiresAt' | 'accessTokenReceivedAt' | 'error' | 'retryAttempt'
  >,
  now: number,
  random: number,
): number {
  if (context.error && context.retryAttempt > 0) return retryDelay(context.retryAttempt, random);
  const expiresAt = context.accessTokenExpiresAt ?? now;
  const lifetime = Math.max(0, expiresAt - (context.accessTokenReceivedAt ?? now));
  const margin = Math.min(PROACTIVE_MARGIN_MAX_MS, lifetime / 4);
  const jitter = margin * 0.1 * random;
  return Math.min(MAX_TIMER_DELAY_MS, Math.max(0, Math.round(expiresAt - now - margin - jitter)));
}

export const authMachine = setup({
  types: {
    context: {} as AuthContext,
    events: {} as AuthEvent,
  },
  actors: {
    reissue: fromPromise<ReissueResult, ReissueInput>(async () => {
      throw new Error('authMachine: provide the `reissue` actor');
    }),
  },
  actions: {
    /** signIn('credentials', { reissue: ticket, redirect: false }); provided by lib/. */
    persistSession: () => {},
    /** Ends the session on the server and the API; provided by lib/. */
    signOut: () => {},
    adoptSession: assign(({ event }) => {
      if (event.type !== 'SESSION_UPDATE' || !event.session) return {};
      return {
        accessToken: event.session.accessToken,
        accessTokenExpiresAt: event.session.accessTokenExpiresAt,
        accessTokenReceivedAt: Date.now(),
        user: event.session.user,
        ticket: null,
        error: null,
        retryAttempt: 0,
      };
    }),
    adoptReissued: assign(({ context }, output: ReissueResult) => ({
      accessToken: output.accessToken,
      accessTokenExpiresAt: output.accessTokenExpiresAt,
      accessTokenReceivedAt: Date.now(),
      user: output.user,
      ticket: output.reissue,
      error: null,
      retryAttempt: 0,
      reissueCount: context.reissueCount + 1,
    })),
    recordTransientError: assign(({ context }, error: AuthError) => ({
      error,
      retryAttempt: context.retryAttempt + 1,
    })),
    /** Keeps the dead token so a stale SESSION_UPDATE carrying it cannot revive the session. */
    recordExpired: assign((_, error: AuthError) => ({ ticket: null, error })),
    countCoalesced: assign(({ context }) => ({ coalescedCount: context.coalescedCount + 1 })),
    clearSession: assign({ ...emptySession, error: null, retryAttempt: 0 }),
  },
  guards: {
    hasSession: ({ event }) => event.type === 'SESSION_UPDATE' && event.session !== null,
    hasNoSession: ({ event }) => event.type === 'SESSION_UPDATE' && event.session === null,
    isNewerSession: ({ context, event }) =>
      event.type === 'SESSION_UPDATE' &&
      event.session !== null &&
      event.session.accessToken !== context.accessToken &&
      (event.session.user.id !== context.user?.id ||
        event.session.accessTokenExpiresAt >= (context.accessTokenExpiresAt ?? 0)),
    isCurrentToken: ({ context, event }) =>
      event.type === 'TOKEN_REJECTED' && event.token === context.accessToken,
    isRefreshTokenDead: (_, error: AuthError) => error.code === 'SESSION_EXPIRED',
  },
  delays: {
    refreshDue: ({ context }) => proactiveDelay(context, Date.now(), Math.random()),
    reissueTimeout: REISSUE_TIMEOUT_MS,
  },
}).createMachine({
  id: 'auth',
  initial: 'signedOut',
  context: {
    ...emptySession,
    error: null,
    retryAttempt: 0,
    reissueCount: 0,
    coalescedCount: 0,
  },
  on: {
    SIGN_OUT: { target: '.signedOut', actions: ['signOut', 'clearSession'] },
  },
  states: {
    signedOut: {
      on: {
        SESSION_UPDATE: { guard: 'hasSession', target: 'authenticated', actions: 'adoptSession' },
      },
    },
    authenticated: {
      initial: 'active',
      states: {
        active: {},
        refreshed: { entry: 'persistSession' },
      },
      after: {
        refreshDue: { target: 'refreshing' },
      },
      on: {
        TOKEN_REJECTED: { guard: 'isCurrentToken', target: 'refreshing' },
        RETRY: { target: 'refreshing' },
        SESSION_UPDATE: [
          { guard: 'hasNoSession', target: 'signedOut', actions: 'clearSession' },
          {
            guard: 'isNewerSession',
            target: 'authenticated',
            reenter: true,
            actions: 'adoptSession',
          },
        ],
      },
    },
    refreshing: {
      invoke: {
        id: 'reissue',
        src: 'reissue',
        input: ({ context }) => ({ accessToken: context.accessToken }),
        onDone: {
          target: 'authenticated.refreshed',
          actions: { type: 'adoptReissued', params: ({ event }) => event.output },
        },
        onError: [
          {
            guard: { type: 'isRefreshTokenDead', params: ({ event }) => toAuthError(event.error) },
            target: 'expired',
            actions: { type: 'recordExpired', params: ({ event }) => toAuthError(event.error) },
          },
          {
            target: 'authenticated',
            actions: {
              type: 'recordTransientError',
              params: ({ event }) => toAuthError(event.error),
            },
          },
        ],
      },
      after: {
        reissueTimeout: {
          target: 'authenticated',
          actions: {
            type: 'recordTransientError',
            params: { code: 'REISSUE_UNAVAILABLE', message: 'Reissue timed out' },
          },
        },
      },
      on: {
        TOKEN_REJECTED: { actions: 'countCoalesced' },
        SESSION_UPDATE: { guard: 'hasNoSession', target: 'signedOut', actions: 'clearSession' },
      },
    },
    expired: {
      on: {
        SESSION_UPDATE: [
          { guard: 'hasNoSession', target: 'signedOut', actions: 'clearSession' },
          { guard: 'isNewerSession', target: 'authenticated', actions: 'adoptSession' },
        ],
      },
    },
  },
});

/** The token a request may carry now: only while authenticated, never while refreshing or expired. */
export function usableToken(snapshot: {
  matches: (state: 'authenticated') => boolean;
  context: AuthContext;
}): string | null {
  return snapshot.matches('authenticated') ? snapshot.context.accessToken : null;
}

/** Errors from the `reissue` actor carry a `code`; anything else is treated as transient. */
export function toAuthError(error: unknown): AuthError {
  const fields =
    typeof error === 'object' && error !== null ? (error as Record<string, unknown>) : {};
  const message =
    error instanceof Error
      ? error.message
      : typeof fields.message === 'string'
        ? fields.message
        : String(error);
  const code = fields.code;
  return code === 'SESSION_EXPIRED' ? { code, message } : { code: 'REISSUE_UNAVAILABLE', message };
}
