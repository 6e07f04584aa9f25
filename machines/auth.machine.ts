import { assign, fromPromise, setup } from 'xstate';
import type { AuthError, BreakerTrip, ClientSession, ReissueResult } from './auth.types';
import {
  BREAKER_LIMIT,
  BREAKER_WINDOW_MS,
  MAX_TIMER_DELAY_MS,
  isDue,
  isExpiring,
  isReissueStorm,
  measureOffset,
  proactiveDelay as deadlineDelay,
  recentReissues,
  type TokenClock,
} from './auth.timing';

export interface AuthContext extends TokenClock {
  accessToken: string | null;
  user: ClientSession['user'] | null;
  /** Sealed ticket from the last reissue, consumed by `persistSession`. */
  ticket: string | null;
  /** The last failure; kept until a reissue succeeds or a new session arrives. */
  error: AuthError | null;
  /** Transient failures in a row; drives the backed-off proactive retry. */
  retryAttempt: number;
  /** This tab's own reissues, since start. */
  reissueCount: number;
  /** Sessions adopted from another tab (its reissue or sign-in), since start. */
  adoptedCount: number;
  coalescedCount: number;
  /** Local times of this tab's reissues inside the breaker's window. */
  recentReissues: number[];
  /** Set when proactive reissue stopped for this session, and why. */
  breaker: BreakerTrip | null;
}

export type AuthEvent =
  /** `fromOtherTab`: another tab of this browser sent it (its reissue or sign-in). */
  | { type: 'SESSION_UPDATE'; session: ClientSession | null; fromOtherTab?: boolean }
  | { type: 'TOKEN_REJECTED'; token: string }
  /** The tab became visible, came online or woke from sleep, or a request found its token expiring. */
  | { type: 'WAKE' }
  | { type: 'SIGN_OUT' }
  /** A person asked to try a failed reissue again now. */
  | { type: 'RETRY' };

export interface ReissueInput {
  accessToken: string | null;
}

export {
  BREAKER_LIMIT,
  BREAKER_WINDOW_MS,
  EXPIRY_SAFETY_MARGIN_MAX_MS,
  MAX_TIMER_DELAY_MS,
  PROACTIVE_MARGIN_MAX_MS,
  REISSUE_FLOOR_MS,
} from './auth.timing';
export const REISSUE_TIMEOUT_MS = 10_000;
export const RETRY_BASE_MS = 1_000;
export const RETRY_MAX_ATTEMPTS = 5;

const emptySession = {
  accessToken: null,
  accessTokenExpiresAt: null,
  accessTokenReceivedAt: null,
  user: null,
  ticket: null,
  recentReissues: [] as number[],
  breaker: null,
};

/**
 * Milliseconds from `now` until the proactive reissue, on the skew-corrected clock (see
 * `auth.timing.ts`: margin, jitter, floor). After transient failures it is an exponential
 * backoff instead. `random` is in [0, 1).
 */
export function proactiveDelay(
  context: Pick<AuthContext, keyof TokenClock | 'error' | 'retryAttempt'>,
  now: number,
  random: number,
): number {
  if (context.error && context.retryAttempt > 0) {
    return Math.min(MAX_TIMER_DELAY_MS, RETRY_BASE_MS * 2 ** (context.retryAttempt - 1));
  }
  return deadlineDelay(context, now, random);
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
    adoptSession: assign(({ context, event }) => {
      if (event.type !== 'SESSION_UPDATE' || !event.session) return {};
      const now = Date.now();
      return {
        accessToken: event.session.accessToken,
        accessTokenExpiresAt: event.session.accessTokenExpiresAt,
        accessTokenReceivedAt: now,
        clockOffset: measureOffset(event.session.serverNow, now, context.clockOffset),
        user: event.session.user,
        ticket: null,
        error: null,
        retryAttempt: 0,
        adoptedCount: context.adoptedCount + (event.fromOtherTab ? 1 : 0),
      };
    }),
    adoptReissued: assign(({ context }, output: ReissueResult) => {
      const now = Date.now();
      return {
        accessToken: output.accessToken,
        accessTokenExpiresAt: output.accessTokenExpiresAt,
        accessTokenReceivedAt: now,
        clockOffset: measureOffset(output.serverNow, now, context.clockOffset),
        user: output.user,
        ticket: output.reissue,
        error: null,
        retryAttempt: 0,
        reissueCount: context.reissueCount + 1,
        recentReissues: recentReissues(context.recentReissues, now, true),
      };
    }),
    tripBreaker: assign(({ context }) => ({
      breaker: {
        reason: `${recentReissues(context.recentReissues, Date.now()).length} reissues within ${BREAKER_WINDOW_MS / 1000} s (limit ${BREAKER_LIMIT}): proactive reissue stopped`,
        at: Date.now(),
      },
    })),
    /** Says why proactive reissue stopped (the browser logs it); provided by lib/. */
    reportBreaker: () => {},
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
    /** The breaker is closed and transient failures have not used up the proactive retries. */
    mayReissueProactively: ({ context }) =>
      context.breaker === null && context.retryAttempt < RETRY_MAX_ATTEMPTS,
    isReissueStorm: ({ context }) =>
      context.breaker === null && isReissueStorm(context.recentReissues, Date.now()),
    /** On the corrected clock the token is (nearly) dead: the next request must wait for a new one. */
    mustReissueBeforeSending: ({ context }) =>
      context.breaker === null && isExpiring(context, Date.now()),
    isProactiveReissueDue: ({ context }) => context.breaker === null && isDue(context, Date.now()),
    hasTransientError: ({ context }) => context.error?.code === 'REISSUE_UNAVAILABLE',
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
    clockOffset: 0,
    error: null,
    retryAttempt: 0,
    reissueCount: 0,
    adoptedCount: 0,
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
        refreshDue: [
          { guard: 'isReissueStorm', actions: ['tripBreaker', 'reportBreaker'] },
          { guard: 'mayReissueProactively', target: 'refreshing.proactive' },
        ],
      },
      on: {
        TOKEN_REJECTED: { guard: 'isCurrentToken', target: 'refreshing.reactive' },
        RETRY: { target: 'refreshing.reactive' },
        // Timers may have slept: re-check the token against the corrected clock.
        WAKE: [
          { guard: 'mustReissueBeforeSending', target: 'refreshing.reactive' },
          { guard: 'isProactiveReissueDue', target: 'refreshing.proactive' },
          { guard: 'hasTransientError', target: 'refreshing.reactive' },
          { target: 'authenticated', reenter: true },
        ],
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
      initial: 'reactive',
      states: {
        /** Started by the timer: requests keep the current token until it is nearly expired. */
        proactive: {
          on: { TOKEN_REJECTED: { guard: 'isCurrentToken', target: 'reactive' } },
        },
        /** The token was rejected or is expiring: requests wait for the new one. */
        reactive: {
          on: { TOKEN_REJECTED: { actions: 'countCoalesced' } },
        },
      },
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

type MatchableSnapshot = {
  matches: (state: 'authenticated' | { refreshing: 'proactive' }) => boolean;
  context: AuthContext;
};

/**
 * The token a request may carry now: while authenticated, and during a proactive reissue as
 * long as the current token is not within its safety margin of expiry. Never while a reactive
 * reissue runs, nor in expired or signedOut.
 */
export function usableToken(snapshot: MatchableSnapshot, now = Date.now()): string | null {
  if (snapshot.matches('authenticated')) return snapshot.context.accessToken;
  if (snapshot.matches({ refreshing: 'proactive' }) && !isExpiring(snapshot.context, now)) {
    return snapshot.context.accessToken;
  }
  return null;
}

/** A request about to leave with an expiring token should first let the machine reissue (`WAKE`). */
export function shouldWakeBeforeSending(snapshot: MatchableSnapshot, now = Date.now()): boolean {
  return snapshot.matches('authenticated') && isExpiring(snapshot.context, now);
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
