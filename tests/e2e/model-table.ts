/**
 * The one table that says how each event of the auth machine happens in the real world, for the
 * model-based browser suite. Every row names the machine event it stands for, offers that event
 * to the path generator only where a person or the system can really produce it, and performs it
 * against the running stack: clicks in Chromium, the API's debug routes, the fault proxy, time.
 *
 * An event type the machine reacts to without a row here cannot appear in any generated path;
 * the coverage checks then fail, which is the point: a new transition needs its real-world step.
 */
import type { AnyStateMachine, SnapshotFrom } from 'xstate';
import {
  authMachine,
  BREAKER_LIMIT,
  proactiveDelay,
  type AuthEvent,
} from '@/machines/auth.machine';
import { FIFTEEN_MINUTES, NOW, ReissueFailure, reissued, session } from '../machine/fixtures';
import { eventTypesOf } from '../support/machine-transitions';
import type { PathWorld } from './model-world';
import { WAIT_MS } from './waits';

export type Snapshot = SnapshotFrom<typeof authMachine>;

/** A model event tagged with the row that produces it (the machine ignores the extra field). */
export type TaggedEvent = AuthEvent & { row: RowKey };

/**
 * How a row happens. `action`: the test does something and the machine reacts. `timer`: the
 * test waits for a delay of the machine. `outcome`: how the running reissue ends, decided by
 * arming the world (`fault`) before the reissue starts. `echo`: nothing new is done; the event is
 * a consequence of the step before it (the other 401s of a burst).
 */
export type RowKind = 'action' | 'timer' | 'outcome' | 'echo';

/** How the fault proxy must treat POST /auth/reissue for a reissue to end this way. */
export type OutcomeFault = 'pass' | 'status503' | 'drop' | 'revokeFirst';

export interface Row {
  event: string | ((type: string) => boolean);
  kind: RowKind;
  /** The real-world step, in words; printed with the coverage. */
  real: string;
  /** The model events this row can produce in `snapshot`, where the real world can. */
  offer: (snapshot: Snapshot) => AuthEvent[];
  fault?: OutcomeFault;
  /** The time the machine's guards see when this row's event arrives (a tab that slept). */
  clock?: (snapshot: Snapshot) => number;
  perform: (world: PathWorld) => Promise<void>;
}

/** A retry timer due sooner than this beats any step a test (or a person) could take first. */
export const TIMER_WINS_MS = 9_000;

export function timerWins(snapshot: Snapshot): boolean {
  const { context } = snapshot;
  return (
    snapshot.matches('authenticated') &&
    context.error !== null &&
    context.retryAttempt > 0 &&
    proactiveDelay(context, NOW, 1) < TIMER_WINS_MS
  );
}

/* Model tokens form a ladder (token-0, token-1, …); a higher rung is a newer token. */
export function rung(accessToken: string | null): number {
  return accessToken === null ? -1 : Number(accessToken.replace('token-', ''));
}
const sessionAt = (level: number) => session(`token-${level}`, NOW + (level + 1) * FIFTEEN_MINUTES);
const next = (snapshot: Snapshot) => rung(snapshot.context.accessToken) + 1;

const machineEvents = (machine: AnyStateMachine, prefix: string) =>
  eventTypesOf(machine).filter((type) => type.startsWith(prefix));
const asEvents = (types: string[]) => types.map((type) => ({ type }) as unknown as AuthEvent);
const free = (snapshot: Snapshot) => !timerWins(snapshot);

async function click(world: PathWorld, name: string) {
  await world.page.getByRole('button', { name, exact: true }).click({ timeout: WAIT_MS });
}

/** With 30 s tokens: the proactive reissue is due after ~22 s, the token expires after 30 s. */
const SLEEP_PAST_DUE_MS = 25_000;
const SLEEP_PAST_EXPIRY_MS = 33_000;
/** A sleep starts from a fresh, healthy token, so it is the wake-up that finds it due. */
const sleepable = (s: Snapshot) =>
  s.matches({ authenticated: 'active' } as never) && s.context.error === null;

const SIGN_IN_FORM_TIMEOUT = { timeout: WAIT_MS * 2 };

export const ROWS = {
  signIn: {
    event: 'SESSION_UPDATE',
    kind: 'action',
    real: 'sign in through the form; the page loads with the session',
    offer: (s) =>
      s.matches('signedOut') && s.context.reissueCount === 0 && s.context.error === null
        ? [{ type: 'SESSION_UPDATE', session: sessionAt(0) }]
        : [],
    async perform(world) {
      const { page, user } = world;
      await page.goto(`${world.app}/signin?callbackUrl=%2Fdebug`);
      await page.getByLabel('Email').fill(user.email);
      await page.getByLabel('Password').fill(user.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(`${world.app}/debug`, SIGN_IN_FORM_TIMEOUT);
    },
  },
  anotherTabReissued: {
    event: 'SESSION_UPDATE',
    kind: 'action',
    real: 'another tab reissues (its token revoked, then 20 requests); this tab becomes visible again',
    offer: (s) =>
      s.matches('authenticated') && free(s)
        ? [{ type: 'SESSION_UPDATE', session: sessionAt(next(s)) }]
        : [],
    async perform(world) {
      const other = await world.openOtherTab();
      await other.getByRole('button', { name: 'Expire my access token now' }).click();
      await world
        .eventually(() => other.getByTestId('expire-result').textContent())
        .toContain('revoked');
      await other.getByRole('button', { name: 'Fire 20 parallel requests' }).click();
      await world
        .eventually(() => other.getByTestId('burst-result').textContent())
        .toMatch(/^Burst \d+: 20 succeeded, 0 failed\.$/);
      await world.closeOtherTab();
      // The person switches back to this tab; next-auth refetches the session on visibilitychange.
      await world.page.bringToFront();
      await world.page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
    },
  },
  signInAgainInDialog: {
    event: 'SESSION_UPDATE',
    kind: 'action',
    real: 'sign in again in the session-ended dialog',
    offer: (s) =>
      s.matches('expired') ? [{ type: 'SESSION_UPDATE', session: sessionAt(next(s)) }] : [],
    async perform(world) {
      const dialog = world.page.getByRole('dialog', { name: 'Your session ended' });
      await dialog.getByLabel('Password').fill(world.user.password);
      await dialog.getByRole('button', { name: 'Sign in', exact: true }).click();
    },
  },
  signedOutElsewhere: {
    event: 'SESSION_UPDATE',
    kind: 'action',
    real: 'sign out in another tab; next-auth tells this tab',
    offer: (s) =>
      (s.matches('authenticated') && free(s)) || s.matches('refreshing') || s.matches('expired')
        ? [{ type: 'SESSION_UPDATE', session: null }]
        : [],
    async perform(world) {
      const other = await world.openOtherTab();
      await other.getByRole('button', { name: 'Sign out' }).click();
      await other.waitForURL(/\/signin/, { timeout: WAIT_MS });
      await world.closeOtherTab();
    },
  },
  tokenRejected: {
    event: 'TOKEN_REJECTED',
    kind: 'action',
    real: 'revoke the access token on the API (debug route), then fire 20 requests',
    // Not after a failed reissue: a token the API rejected and that could not be replaced is
    // never sent again (the requests fail as retryable); the machine's retry schedule decides.
    offer: (s) =>
      s.matches('authenticated') && free(s) && s.context.accessToken && !s.context.error
        ? [{ type: 'TOKEN_REJECTED', token: s.context.accessToken }]
        : [],
    async perform(world) {
      await click(world, 'Expire my access token now');
      await world
        .eventually(() => world.page.getByTestId('expire-result').textContent())
        .toContain('revoked');
      world.burstInFlight = true;
      await click(world, 'Fire 20 parallel requests');
    },
  },
  rejectedWhileRefreshing: {
    event: 'TOKEN_REJECTED',
    kind: 'echo',
    // The interceptors let such a 401 join the reissue in flight without sending the event (one
    // macrostep per burst, not one per request); what the transition promises is checked instead:
    // the same one reissue, and the panel's coalesced count grows.
    real: "the burst's other 401s arrive while the one reactive reissue runs (joined without an event)",
    offer: (s) =>
      s.matches('refreshing') && s.context.accessToken
        ? [{ type: 'TOKEN_REJECTED', token: s.context.accessToken }]
        : [],
    async perform() {},
  },
  tokenRejectedWhileProactive: {
    event: 'TOKEN_REJECTED',
    kind: 'action',
    real: 'while a proactive reissue runs (held by the proxy): revoke the access token, fire 20 requests',
    // Only a chart with a proactive child state of `refreshing` has this transition.
    offer: (s) =>
      s.matches({ refreshing: 'proactive' } as never) && s.context.accessToken
        ? [{ type: 'TOKEN_REJECTED', token: s.context.accessToken }]
        : [],
    async perform(world) {
      await ROWS.tokenRejected.perform(world);
    },
  },
  routeRefuses: {
    event: 'TOKEN_REJECTED',
    kind: 'action',
    real: 'fire 20 requests at the API route that answers 401 to every token (its first 401s start one reissue)',
    // Played only through its refusal (model-paths.ts): reissued once, then the retries refused.
    offer: (s) =>
      s.matches('authenticated') &&
      free(s) &&
      s.context.accessToken &&
      !s.context.refusal &&
      !s.context.error
        ? [{ type: 'TOKEN_REJECTED', token: s.context.accessToken }]
        : [],
    async perform(world) {
      world.refusedBurstInFlight = true;
      await click(world, 'Fire 20 requests at a route that refuses every token');
    },
  },
  retriesRefused: {
    event: 'TOKEN_REJECTED',
    kind: 'echo',
    // Never offered to the path search: model-paths.ts appends it where the world does it by
    // itself, right after the reissue a burst at the refusing route started.
    real: "that burst's retries carry the token just issued and are rejected again: refused, no second reissue",
    offer: () => [],
    async perform() {},
  },
  reissueDone: {
    event: 'xstate.done.actor.reissue',
    kind: 'outcome',
    fault: 'pass',
    real: 'the API is healthy; the proxy passes the reissue',
    offer: (s) =>
      s.matches('refreshing')
        ? [
            {
              type: 'xstate.done.actor.reissue',
              output: reissued(`token-${next(s)}`, NOW + (next(s) + 1) * FIFTEEN_MINUTES, 't'),
            } as unknown as AuthEvent,
          ]
        : [],
    async perform() {},
  },
  reissueDead: {
    event: 'xstate.error.actor.reissue',
    kind: 'outcome',
    fault: 'revokeFirst',
    real: "revoke the user's refresh-token families on the API before the reissue",
    offer: (s) =>
      s.matches('refreshing')
        ? [
            {
              type: 'xstate.error.actor.reissue',
              error: new ReissueFailure('SESSION_EXPIRED', 'invalid_grant'),
            } as unknown as AuthEvent,
          ]
        : [],
    async perform() {},
  },
  reissueTransient: {
    event: 'xstate.error.actor.reissue',
    kind: 'outcome',
    fault: 'status503',
    real: 'the fault proxy answers the reissue with 503',
    offer: (s) =>
      s.matches('refreshing')
        ? [
            {
              type: 'xstate.error.actor.reissue',
              error: new ReissueFailure('REISSUE_UNAVAILABLE', '503'),
            } as unknown as AuthEvent,
          ]
        : [],
    async perform() {},
  },
  reissueTimeout: {
    event: (type) => type.startsWith('xstate.after.reissueTimeout.'),
    kind: 'timer',
    fault: 'drop',
    real: "the fault proxy holds the reissue's answer; wait for the machine's timeout",
    offer: (s) =>
      s.matches('refreshing')
        ? asEvents(machineEvents(authMachine, 'xstate.after.reissueTimeout.'))
        : [],
    async perform() {},
  },
  breakerTrips: {
    event: (type) => type.startsWith('xstate.after.refreshDue.'),
    kind: 'timer',
    real: 'on the stack whose API issues 5 s tokens: wait while proactive reissues come every few seconds, until 8 fall within a minute',
    // Only where this tab's own reissues make a storm; the other timer row covers the rest.
    offer: (s) =>
      s.matches('authenticated') &&
      s.context.breaker === null &&
      s.context.recentReissues.length >= BREAKER_LIMIT
        ? asEvents(machineEvents(authMachine, 'xstate.after.refreshDue.'))
        : [],
    async perform() {},
  },
  refreshDue: {
    event: (type) => type.startsWith('xstate.after.refreshDue.'),
    kind: 'timer',
    real: 'wait: short token lifetime (ACCESS_TOKEN_TTL), or the retry delay after a failure',
    offer: (s) =>
      s.matches('authenticated')
        ? asEvents(machineEvents(authMachine, 'xstate.after.refreshDue.'))
        : [],
    async perform() {},
  },
  signOut: {
    event: 'SIGN_OUT',
    kind: 'action',
    real: 'click Sign out (closing the session-ended dialog first)',
    offer: (s) =>
      (s.matches('authenticated') && free(s)) || s.matches('refreshing') || s.matches('expired')
        ? [{ type: 'SIGN_OUT' }]
        : [],
    async perform(world) {
      const dialog = world.page.getByRole('dialog', { name: 'Your session ended' });
      if (await dialog.isVisible()) await dialog.getByRole('button', { name: 'Not now' }).click();
      await click(world, 'Sign out');
    },
  },
  retry: {
    event: 'RETRY',
    kind: 'action',
    real: 'click Retry now in the notice',
    offer: (s) =>
      s.matches('authenticated') && free(s) && s.context.error?.code === 'REISSUE_UNAVAILABLE'
        ? [{ type: 'RETRY' }]
        : [],
    async perform(world) {
      await click(world, 'Retry now');
    },
  },
  wake: {
    event: 'WAKE',
    kind: 'action',
    real: 'the network drops and comes back (the browser fires `online`)',
    offer: (s) =>
      s.matches('authenticated') && free(s) ? [{ type: 'WAKE' } as unknown as AuthEvent] : [],
    async perform(world) {
      await world.context.setOffline(true);
      await world.context.setOffline(false);
    },
  },
  sleepPastDue: {
    event: 'WAKE',
    kind: 'action',
    real: 'the tab sleeps (its JavaScript paused) past the proactive deadline; the heartbeat sees the gap',
    clock: (s) => (s.context.accessTokenExpiresAt ?? 0) - 20_000,
    offer: (s) => (sleepable(s) ? [{ type: 'WAKE' } as unknown as AuthEvent] : []),
    async perform(world) {
      await world.sleepUntil(world.tokenReceivedAt() + SLEEP_PAST_DUE_MS);
    },
  },
  sleepPastExpiry: {
    event: 'WAKE',
    kind: 'action',
    real: "the tab sleeps (its JavaScript paused) past the token's expiry; the heartbeat sees the gap",
    clock: (s) => (s.context.accessTokenExpiresAt ?? 0) + 1_000,
    offer: (s) => (sleepable(s) ? [{ type: 'WAKE' } as unknown as AuthEvent] : []),
    async perform(world) {
      await world.sleepUntil(world.tokenReceivedAt() + SLEEP_PAST_EXPIRY_MS);
    },
  },
} satisfies Record<string, Row>;

export type RowKey = keyof typeof ROWS;
export const ROW_KEYS = Object.keys(ROWS) as RowKey[];

export function rowMatches(row: Row, eventType: string): boolean {
  return typeof row.event === 'string' ? row.event === eventType : row.event(eventType);
}

/** Every row's offers in `snapshot`, tagged with the row. */
export function offeredEvents(snapshot: Snapshot): TaggedEvent[] {
  return ROW_KEYS.flatMap((key) =>
    (ROWS[key] as Row).offer(snapshot).map((event) => ({ ...event, row: key }) as TaggedEvent),
  );
}

/** Event types the machine reacts to for which no row exists. */
export function unmappedEventTypes(machine: AnyStateMachine): string[] {
  return eventTypesOf(machine).filter(
    (type) => !ROW_KEYS.some((key) => rowMatches(ROWS[key] as Row, type)),
  );
}
