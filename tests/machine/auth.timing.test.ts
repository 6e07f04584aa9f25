/**
 * The clock arithmetic and the clock-reading guards, as pure functions and pure transitions:
 * every deadline is the same whatever the browser's clock says, once corrected by the server's.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { initialTransition, transition } from 'xstate';
import {
  BREAKER_LIMIT,
  BREAKER_WINDOW_MS,
  REISSUE_FLOOR_MS,
  authMachine,
  usableToken,
} from '@/machines/auth.machine';
import {
  isDue,
  isExpiring,
  isPastFloor,
  isReissueStorm,
  localExpiry,
  measureOffset,
  proactiveDelay,
  recentReissues,
} from '@/machines/auth.timing';
import { NOW, refreshDue, reissueDone, reissued, session } from './fixtures';

const HOUR = 60 * 60_000;
const LIFETIME = 20_000;

afterEach(() => {
  vi.useRealTimers();
});

/** A token the server issued at its `serverNow`, received by a browser whose clock is `skew` ahead. */
function clockFor(skew: number) {
  const serverNow = NOW;
  const localNow = NOW + skew;
  return {
    localNow,
    clock: {
      accessTokenExpiresAt: serverNow + LIFETIME,
      accessTokenReceivedAt: localNow,
      clockOffset: measureOffset(serverNow, localNow, 0),
    },
  };
}

describe('deadlines on the corrected clock', () => {
  it.each([-24 * HOUR, -10 * 60_000, 0, 10 * 60_000, 24 * HOUR])(
    'a browser clock off by %i ms changes no deadline',
    (skew) => {
      const { clock, localNow } = clockFor(skew);

      expect(localExpiry(clock, localNow)).toBe(localNow + LIFETIME);
      expect(proactiveDelay(clock, localNow, 0)).toBe(LIFETIME * 0.75);
      expect(isExpiring(clock, localNow)).toBe(false);
      expect(isExpiring(clock, localNow + LIFETIME - 2_001)).toBe(false);
      expect(isExpiring(clock, localNow + LIFETIME - 2_000)).toBe(true);
      expect(isDue(clock, localNow + LIFETIME * 0.75 - 1)).toBe(false);
      expect(isDue(clock, localNow + LIFETIME * 0.75)).toBe(true);
    },
  );

  it('without the server clock the last estimate stands', () => {
    expect(measureOffset(undefined, NOW, -5_000)).toBe(-5_000);
    expect(measureOffset(NOW + 1_000, NOW, -5_000)).toBe(1_000);
  });
});

describe('floor', () => {
  it(`no proactive reissue for a token younger than ${REISSUE_FLOOR_MS} ms, even one born inside its margin`, () => {
    const clock = {
      accessTokenExpiresAt: NOW + 1_000,
      accessTokenReceivedAt: NOW,
      clockOffset: 0,
    };

    expect(proactiveDelay(clock, NOW, 0)).toBe(REISSUE_FLOOR_MS);
    expect(isPastFloor(clock, NOW + REISSUE_FLOOR_MS - 1)).toBe(false);
    expect(isDue(clock, NOW + REISSUE_FLOOR_MS - 1)).toBe(false);
    expect(isDue(clock, NOW + REISSUE_FLOOR_MS)).toBe(true);
  });
});

describe('breaker', () => {
  it(`trips at ${BREAKER_LIMIT} reissues inside ${BREAKER_WINDOW_MS} ms, and forgets older ones`, () => {
    const times = Array.from({ length: BREAKER_LIMIT }, (_, i) => NOW + i * 1_000);
    const last = times.at(-1)!;

    expect(isReissueStorm(times.slice(1), last)).toBe(false);
    expect(isReissueStorm(times, last)).toBe(true);
    expect(isReissueStorm(times, NOW + BREAKER_WINDOW_MS)).toBe(false);
    expect(recentReissues(times, NOW + BREAKER_WINDOW_MS + 500, true)).toHaveLength(
      BREAKER_LIMIT - 1 + 1,
    );
  });

  it('refreshDue in a storm trips the breaker and schedules nothing; the reason is in the context', () => {
    vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
    const machine = authMachine.provide({ actions: { persistSession: () => {} } });
    const [signedOut] = initialTransition(machine);
    let [snapshot] = transition(machine, signedOut, {
      type: 'SESSION_UPDATE',
      session: session('token-0', NOW + LIFETIME),
    });
    for (let i = 1; i <= BREAKER_LIMIT; i++) {
      [snapshot] = transition(machine, snapshot, refreshDue());
      expect(snapshot.matches({ refreshing: 'proactive' })).toBe(true);
      [snapshot] = transition(
        machine,
        snapshot,
        reissueDone(reissued(`token-${i}`, NOW + LIFETIME + i, null)),
      );
    }

    const [tripped, actions] = transition(machine, snapshot, refreshDue());
    const [after] = transition(machine, tripped, refreshDue());
    const [woken] = transition(machine, after, { type: 'WAKE' });

    expect(tripped.value).toEqual({ authenticated: 'refreshed' });
    // tripBreaker (an assign) already ran; the log is returned; no timer is scheduled again.
    expect(actions.map((action) => action.type)).toEqual(['reportBreaker']);
    expect(tripped.context.breaker?.reason).toContain(`${BREAKER_LIMIT} reissues within 60 s`);
    expect(after.matches('authenticated')).toBe(true);
    expect(woken.matches('authenticated')).toBe(true);
    // A rejected token still reissues: the breaker only stops the proactive kind.
    const [rejected] = transition(machine, after, {
      type: 'TOKEN_REJECTED',
      token: after.context.accessToken!,
    });
    expect(rejected.value).toEqual({ refreshing: 'reactive' });
  });
});

describe('WAKE and the proactive reissue', () => {
  function signedIn(lifetime = LIFETIME) {
    const [signedOut] = initialTransition(authMachine);
    return transition(authMachine, signedOut, {
      type: 'SESSION_UPDATE',
      session: { ...session('token-a', NOW + lifetime), serverNow: NOW },
    })[0];
  }

  it('re-schedules the timer when the token is not due yet', () => {
    vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
    const [next, actions] = transition(authMachine, signedIn(), { type: 'WAKE' });

    expect(next.value).toEqual({ authenticated: 'active' });
    expect(actions.map((action) => action.type)).toEqual(['xstate.cancel', 'xstate.raise']);
  });

  it('starts a proactive reissue when due, in which requests keep the good token', () => {
    vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
    const authenticated = signedIn();
    vi.setSystemTime(NOW + LIFETIME * 0.8);

    const [next] = transition(authMachine, authenticated, { type: 'WAKE' });

    expect(next.value).toEqual({ refreshing: 'proactive' });
    expect(usableToken(next, NOW + LIFETIME * 0.8)).toBe('token-a');
    // Within the safety margin of expiry the same state holds requests back.
    expect(usableToken(next, NOW + LIFETIME - 1_000)).toBeNull();
  });

  it('starts a reactive reissue when the token is expiring, e.g. after a 2 h sleep', () => {
    vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
    const authenticated = signedIn();
    vi.setSystemTime(NOW + 2 * HOUR);

    const [next] = transition(authMachine, authenticated, { type: 'WAKE' });

    expect(next.value).toEqual({ refreshing: 'reactive' });
    expect(usableToken(next)).toBeNull();
  });

  it('a 401 for the current token during a proactive reissue turns it reactive without a second reissue', () => {
    vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
    const [proactive] = transition(authMachine, signedIn(), refreshDue());

    const [next, actions] = transition(authMachine, proactive, {
      type: 'TOKEN_REJECTED',
      token: 'token-a',
    });

    expect(next.value).toEqual({ refreshing: 'reactive' });
    expect(actions).toEqual([]);
    expect(next.children.reissue).toBe(proactive.children.reissue);
  });

  it('counts sessions adopted from another tab apart from its own reissues', () => {
    vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
    const [next] = transition(authMachine, signedIn(), {
      type: 'SESSION_UPDATE',
      session: { ...session('token-b', NOW + 2 * LIFETIME), serverNow: NOW },
      fromOtherTab: true,
    });

    expect(next.context).toMatchObject({
      accessToken: 'token-b',
      adoptedCount: 1,
      reissueCount: 0,
    });
  });
});
