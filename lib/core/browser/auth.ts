/**
 * The browser half of the core: the machine with the browser's implementations
 * (reissue through the Next route with a cross-tab lock; persist and sign out through what the
 * app passes in, e.g. next-auth's `signIn`/`signOut`), one actor per tab created on first use,
 * and the axios instances that share it. The app keeps only what is its own: its user schema,
 * next-auth, the inspector.
 */
import { createActor, fromPromise, type Actor, type InspectionEvent, type Observer } from 'xstate';
import { createApiInstance } from '../http/instance';
import { actorTokenSource, type AuthMachineActor } from '../http/actor-token-source';
import { attachAuthInterceptors } from '../http/interceptors';
import { createAuthMachine } from '../../../machines/auth.machine';
import type { BaseUser } from '../types';
import { createBrowserDpop, tieKeyToSession, type BrowserDpop } from './dpop';
import { emit, type TelemetryHook } from '../telemetry/events';
import { resolveTracer, type TracerOption } from '../telemetry/tracer';
import { requestReissue, type ReissueClientOptions } from './reissue-client';
import type { UserSchema } from './schemas';
import { connectTabs } from './tab-sync';
import { watchWakeUps } from './wake';

export interface BrowserAuthOptions<U extends BaseUser> {
  /** Validates the user in every session the browser receives (reissue answers, other tabs). */
  user: UserSchema<U>;
  /** Tells the session layer about a reissue: `signIn('credentials', { reissue: ticket })`. */
  persistSession(ticket: string): Promise<unknown> | void;
  signOut(): void;
  /** Paths, lock name and lock timeout of the reissue client; the defaults fit next-auth. */
  reissue?: Omit<ReissueClientOptions<U>, 'user'>;
  /** An inspection observer (the Stately inspector), asked for when the actor is created. */
  inspect?: () => Observer<InspectionEvent> | undefined;
  /** Shares sessions and sign-outs with the other tabs over a BroadcastChannel (default on). */
  tabs?: boolean;
  /** Told when the breaker trips and when the session ends (e.g. to report them to the server). */
  telemetry?: TelemetryHook;
  /** Carries the trace of the request that started a reissue into the reissue request. */
  tracer?: TracerOption;
  /**
   * At most this many `clientAuth` requests on the wire at once (default
   * `BROWSER_MAX_IN_FLIGHT`, a browser's HTTP/1.1 connections per host). The rest wait in the
   * page and take their token as they leave, so a burst longer than a token's life never sends
   * an expired one. Raise it for an API served over HTTP/2.
   */
  maxInFlight?: number;
  /**
   * DPoP (RFC 9449) for this tab: the signer over the profile's key, on once `configure` is given
   * the API's reissue endpoint. Default: one made here (`createBrowserDpop`), off until configured.
   */
  dpop?: BrowserDpop;
}

/** Browsers open at most 6 HTTP/1.1 connections per host and queue further requests unseen. */
export const BROWSER_MAX_IN_FLIGHT = 6;

export type BrowserAuthActor<U extends BaseUser> = Actor<ReturnType<typeof createAuthMachine<U>>>;

/** The machine provided for the browser, and one actor per tab created on first use. */
export function createTabActor<U extends BaseUser>(options: BrowserAuthOptions<U>) {
  const dpop = options.dpop ?? createBrowserDpop();
  const tracer = resolveTracer(options.tracer);
  const traceHeaders = () => tracer()?.headers() ?? {};
  const machine = createAuthMachine<U>().provide({
    actors: {
      reissue: fromPromise(({ input, signal }) =>
        requestReissue(input, signal, {
          traceHeaders,
          ...options.reissue,
          user: options.user,
          dpop,
        }),
      ),
    },
    actions: {
      persistSession: ({ context }) => {
        // No ticket: another tab's session was adopted, already persisted.
        if (context.ticket) void options.persistSession(context.ticket);
      },
      signOut: () => options.signOut(),
      reportBreaker: ({ context }) => {
        console.warn(`[auth] ${context.breaker?.reason ?? 'proactive reissue stopped'}`);
        emit(options.telemetry, { type: 'browser_report', report: 'breaker_tripped' });
      },
    },
  });

  let actor: BrowserAuthActor<U> | undefined;
  /** Shared by every instance; never on the server, where there is no tab. */
  function getActor(): BrowserAuthActor<U> {
    if (typeof window === 'undefined') {
      throw new Error('The auth actor is browser-only; on the server use a session token source');
    }
    if (!actor) {
      const created = createActor(machine, { inspect: options.inspect?.() });
      created.start();
      // For the tab's lifetime: hear the other tabs, and re-check the token on wake-ups.
      if (options.tabs !== false) connectTabs(created, options.user);
      watchWakeUps(() => created.send({ type: 'WAKE' }));
      tieKeyToSession(created, dpop);
      if (options.telemetry) reportToHook(created, options.telemetry);
      actor = created;
    }
    return actor;
  }

  return { machine, actor: getActor, dpop };
}

/** Each entry into `expired` (the refresh token died) and each refusal: one report. */
function reportToHook<U extends BaseUser>(actor: BrowserAuthActor<U>, hook: TelemetryHook) {
  let last = actor.getSnapshot();
  actor.subscribe((snapshot) => {
    if (snapshot.matches('expired') && !last.matches('expired')) {
      emit(hook, { type: 'browser_report', report: 'session_ended' });
    }
    for (let n = last.context.refusedCount; n < snapshot.context.refusedCount; n++) {
      emit(hook, { type: 'browser_report', report: 'request_refused' });
    }
    last = snapshot;
  });
}

/**
 * The browser's axios instances: `client` never touches the actor, `clientAuth` carries its
 * token. `getActor` is called at request time, so importing creates no actor.
 */
export function createBrowserInstances<U extends BaseUser>(
  getActor: () => AuthMachineActor<U>,
  {
    maxInFlight = BROWSER_MAX_IN_FLIGHT,
    dpop,
    tracer,
  }: Pick<BrowserAuthOptions<U>, 'maxInFlight' | 'dpop' | 'tracer'> = {},
) {
  const client = createApiInstance();
  const clientAuth = createApiInstance();
  const { traffic } = attachAuthInterceptors(clientAuth, actorTokenSource(getActor, { tracer }), {
    maxInFlight,
    dpop: dpop && (() => dpop.signer()),
    tracer,
  });
  return {
    client,
    clientAuth,
    traffic,
    /** The API's URL as the browser reaches it, learned at run time. */
    setBaseUrl(url: string) {
      const baseURL = new URL(url).toString();
      client.defaults.baseURL = baseURL;
      clientAuth.defaults.baseURL = baseURL;
    },
  };
}

/** Both in one call: what an adopting app's `lib/auth/browser.ts` needs. */
export function createBrowserAuth<U extends BaseUser>(options: BrowserAuthOptions<U>) {
  const tab = createTabActor(options);
  return { ...tab, ...createBrowserInstances(tab.actor, { ...options, dpop: tab.dpop }) };
}
