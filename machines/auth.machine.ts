/**
 * The auth statechart: states, events, guards, delays and named side effects, with no
 * implementation imports. Clock arithmetic lives in `auth.timing.ts`, snapshot readers in
 * `auth.tokens.ts`; lib/ provides `reissue`, `persistSession`, `signOut` and `reportBreaker`.
 */
import { assign, fromPromise, setup } from 'xstate';
import type {
  AuthContext,
  AuthError,
  AuthEvent,
  BaseUser,
  ReissueInput,
  ReissueResult,
} from './auth.types';
import {
  BREAKER_LIMIT,
  BREAKER_WINDOW_MS,
  isDue,
  isExpiring,
  isReissueStorm,
  measureOffset,
  proactiveDelay as deadlineDelay,
  readsAsRefusal,
  recentReissues,
  type TokenClock,
} from './auth.timing';
import { toAuthError } from './auth.tokens';

export type { AuthContext, AuthEvent, ReissueInput } from './auth.types';
export { shouldWakeBeforeSending, toAuthError, usableToken } from './auth.tokens';
export {
  BREAKER_LIMIT,
  BREAKER_WINDOW_MS,
  EXPIRY_SAFETY_MARGIN_MAX_MS,
  JUST_ISSUED_MS,
  MAX_TIMER_DELAY_MS,
  PROACTIVE_MARGIN_MAX_MS,
  readsAsRefusal,
  REFUSAL_MEMORY_MS,
  REISSUE_FLOOR_MS,
  usableUntil,
} from './auth.timing';
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

const emptySession = {
  accessToken: null,
  accessTokenExpiresAt: null,
  accessTokenReceivedAt: null,
  user: null,
  ticket: null,
  recentReissues: [] as number[],
  breaker: null,
  reissuedAt: null,
  refusal: null,
  signedOutElsewhere: false,
};

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
 * Milliseconds from `now` until the proactive reissue, on the skew-corrected clock (see
 * `auth.timing.ts`: margin, jitter, floor). After transient failures it is the retry schedule
 * (`retryDelay`) instead. `random` is in [0, 1).
 */
export function proactiveDelay(
  context: Pick<AuthContext, keyof TokenClock | 'error' | 'retryAttempt'>,
  now: number,
  random: number,
): number {
  if (context.error && context.retryAttempt > 0) return retryDelay(context.retryAttempt, random);
  return deadlineDelay(context, now, random);
}

/**
 * The machine for an app's user type. The chart reads only `user.id`; the type flows to the
 * context, the events and the `reissue` actor's result.
 */
export function createAuthMachine<U extends BaseUser = BaseUser>() {
  return setup({
    types: {
      context: {} as AuthContext<U>,
      events: {} as AuthEvent<U>,
    },
    actors: {
      reissue: fromPromise<ReissueResult<U>, ReissueInput>(async () => {
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
          reissuedAt: null,
          refusal: null,
          signedOutElsewhere: false,
        };
      }),
      adoptReissued: assign(({ context }, output: ReissueResult<U>) => {
        const now = Date.now();
        return {
          accessToken: output.accessToken,
          accessTokenExpiresAt: output.accessTokenExpiresAt,
          accessTokenReceivedAt: now,
          clockOffset: measureOffset(output.serverNow, now, context.clockOffset),
          user: output.user,
          ticket: output.ticket,
          error: null,
          retryAttempt: 0,
          reissueCount: context.reissueCount + 1,
          recentReissues: recentReissues(context.recentReissues, now, true),
          reissuedAt: now,
          refusal: null,
        };
      }),
      /** The route refused a good token: remember it (from its first refusal) and count. */
      recordRefusal: assign(({ context, event }) => {
        if (event.type !== 'TOKEN_REJECTED') return {};
        const known = context.refusal?.token === event.token;
        return {
          refusal: known ? context.refusal : { token: event.token, at: Date.now() },
          refusedCount: context.refusedCount + 1,
        };
      }),
      /** Why this tab is signed out: the page offers to sign in again in place. */
      markSignedOutElsewhere: assign({ signedOutElsewhere: true }),
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
      /**
       * The route refuses the request, the token is fine (see `readsAsRefusal`): a token issued
       * moments ago and rejected again, or one a route already refused. No reissue.
       */
      isRefusal: ({ context, event }) =>
        event.type === 'TOKEN_REJECTED' && readsAsRefusal(context, event, Date.now()),
      isRefreshTokenDead: (_, error: AuthError) => error.code === 'SESSION_EXPIRED',
      /**
       * The breaker is closed, or a transient failure is being retried (failures do not count
       * towards the breaker, and retries go on while signed in).
       */
      mayReissueProactively: ({ context }) =>
        context.breaker === null || context.error?.code === 'REISSUE_UNAVAILABLE',
      isReissueStorm: ({ context }) =>
        context.breaker === null &&
        context.error === null &&
        isReissueStorm(context.recentReissues, Date.now()),
      /** On the corrected clock the token is (nearly) dead: the next request must wait for a new one. */
      mustReissueBeforeSending: ({ context }) =>
        context.breaker === null && isExpiring(context, Date.now()),
      isProactiveReissueDue: ({ context }) =>
        context.breaker === null && isDue(context, Date.now()),
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
      refusedCount: 0,
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
          TOKEN_REJECTED: [
            { guard: 'isRefusal', actions: 'recordRefusal' },
            { guard: 'isCurrentToken', target: 'refreshing.reactive' },
          ],
          RETRY: { target: 'refreshing.reactive' },
          // Timers may have slept: re-check the token against the corrected clock.
          WAKE: [
            { guard: 'mustReissueBeforeSending', target: 'refreshing.reactive' },
            { guard: 'isProactiveReissueDue', target: 'refreshing.proactive' },
            { guard: 'hasTransientError', target: 'refreshing.reactive' },
            { target: 'authenticated', reenter: true },
          ],
          SESSION_UPDATE: [
            {
              guard: 'hasNoSession',
              target: 'signedOut',
              actions: ['clearSession', 'markSignedOutElsewhere'],
            },
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
              guard: {
                type: 'isRefreshTokenDead',
                params: ({ event }) => toAuthError(event.error),
              },
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
          SESSION_UPDATE: {
            guard: 'hasNoSession',
            target: 'signedOut',
            actions: ['clearSession', 'markSignedOutElsewhere'],
          },
        },
      },
      expired: {
        on: {
          SESSION_UPDATE: [
            {
              guard: 'hasNoSession',
              target: 'signedOut',
              actions: ['clearSession', 'markSignedOutElsewhere'],
            },
            { guard: 'isNewerSession', target: 'authenticated', actions: 'adoptSession' },
          ],
        },
      },
    },
  });
}

/** The machine with the core's user type; an app with its own user calls `createAuthMachine<User>()`. */
export const authMachine = createAuthMachine();
