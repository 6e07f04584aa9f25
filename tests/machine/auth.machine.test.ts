import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { initialTransition, transition } from 'xstate';
import {
  PROACTIVE_MARGIN_MAX_MS,
  REISSUE_TIMEOUT_MS,
  RETRY_BACKOFF_MAX_MS,
  RETRY_FAST_MS,
  authMachine,
  usableToken,
} from '@/machines/auth.machine';
import {
  FIFTEEN_MINUTES,
  NOW,
  REFRESH_DUE_EVENT,
  REISSUE_TIMEOUT_EVENT,
  ReissueFailure,
  bob,
  refreshDue,
  reissueDone,
  reissueFailed,
  reissueTimedOut,
  reissued,
  session,
} from './fixtures';

const sessionA = session('token-a', NOW + FIFTEEN_MINUTES);
const signInA = { type: 'SESSION_UPDATE', session: sessionA } as const;
const rejectA = { type: 'TOKEN_REJECTED', token: 'token-a' } as const;
const signedOutUpdate = { type: 'SESSION_UPDATE', session: null } as const;

function types(actions: ReadonlyArray<{ type: string }>): string[] {
  return actions.map((action) => action.type);
}

beforeEach(() => {
  vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('signedOut', () => {
  it('starts signed out with no actions and no usable token', () => {
    const [signedOut, actions] = initialTransition(authMachine);

    expect(signedOut.value).toBe('signedOut');
    expect(actions).toEqual([]);
    expect(usableToken(signedOut)).toBeNull();
  });

  it('a session adopts its token and schedules the proactive reissue', () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const [signedOut] = initialTransition(authMachine);

    const [next, actions] = transition(authMachine, signedOut, signInA);

    expect(next.value).toEqual({ authenticated: 'active' });
    expect(next.context).toMatchObject({
      accessToken: 'token-a',
      accessTokenExpiresAt: NOW + FIFTEEN_MINUTES,
      accessTokenReceivedAt: NOW,
      user: sessionA.user,
      error: null,
    });
    expect(usableToken(next)).toBe('token-a');
    expect(actions).toEqual([
      expect.objectContaining({
        type: 'xstate.raise',
        params: expect.objectContaining({
          id: REFRESH_DUE_EVENT,
          delay: FIFTEEN_MINUTES - PROACTIVE_MARGIN_MAX_MS,
        }),
      }),
    ]);
  });

  it('SESSION_UPDATE(null) keeps it signed out with no actions', () => {
    const [signedOut] = initialTransition(authMachine);

    const [next, actions] = transition(authMachine, signedOut, signedOutUpdate);

    expect(next.value).toBe('signedOut');
    expect(actions).toEqual([]);
    // A tab that never had a session was not signed out by anyone.
    expect(next.context.signedOutElsewhere).toBe(false);
  });
});

describe('authenticated', () => {
  it('TOKEN_REJECTED with the current token starts one reissue with that token', () => {
    const [signedOut] = initialTransition(authMachine);
    const [authenticated] = transition(authMachine, signedOut, signInA);

    const [next, actions] = transition(authMachine, authenticated, rejectA);

    expect(next.value).toEqual({ refreshing: 'reactive' });
    expect(usableToken(next)).toBeNull();
    expect(types(actions)).toEqual(['xstate.cancel', 'xstate.raise', 'xstate.spawnChild']);
    expect(actions[0]?.params).toEqual({ sendId: REFRESH_DUE_EVENT });
    expect(actions[1]?.params).toMatchObject({
      id: REISSUE_TIMEOUT_EVENT,
      delay: REISSUE_TIMEOUT_MS,
    });
    expect(actions[2]?.params).toMatchObject({
      id: 'reissue',
      src: 'reissue',
      input: { accessToken: 'token-a' },
    });
    expect(Object.keys(next.children)).toEqual(['reissue']);
  });

  it('TOKEN_REJECTED with a stale token stays, with no actions: the request retries with the current token', () => {
    const [signedOut] = initialTransition(authMachine);
    const [authenticated] = transition(authMachine, signedOut, signInA);

    const [next, actions] = transition(authMachine, authenticated, {
      type: 'TOKEN_REJECTED',
      token: 'token-before-a',
    });

    expect(next.value).toEqual({ authenticated: 'active' });
    expect(actions).toEqual([]);
    expect(next.context).toEqual(authenticated.context);
    expect(usableToken(next)).toBe('token-a');
  });

  it('SESSION_UPDATE(null) signs out without calling signOut, marked as signed out elsewhere (the page offers to sign in again)', () => {
    const [signedOut] = initialTransition(authMachine);
    const [authenticated] = transition(authMachine, signedOut, signInA);

    const [next, actions] = transition(authMachine, authenticated, signedOutUpdate);

    expect(next.value).toBe('signedOut');
    expect(types(actions)).toEqual(['xstate.cancel']);
    expect(next.context).toMatchObject({
      accessToken: null,
      user: null,
      error: null,
      signedOutElsewhere: true,
    });
    // Signing in again (in place) clears the mark.
    const [again] = transition(authMachine, next, signInA);
    expect(again.context.signedOutElsewhere).toBe(false);
  });

  it('a newer SESSION_UPDATE (another tab reissued) is adopted and restarts the proactive timer', () => {
    const [signedOut] = initialTransition(authMachine);
    const [authenticated] = transition(authMachine, signedOut, signInA);
    const newer = session('token-b', NOW + 2 * FIFTEEN_MINUTES);

    const [next, actions] = transition(authMachine, authenticated, {
      type: 'SESSION_UPDATE',
      session: newer,
    });

    expect(next.value).toEqual({ authenticated: 'active' });
    expect(next.context).toMatchObject({ accessToken: 'token-b', ticket: null, error: null });
    expect(types(actions)).toEqual(['xstate.cancel', 'xstate.raise']);
    expect(actions[1]?.params).toMatchObject({ id: REFRESH_DUE_EVENT });
    expect(types(actions)).not.toContain('persistSession');
  });

  it('a SESSION_UPDATE with the same token is ignored', () => {
    const [signedOut] = initialTransition(authMachine);
    const [authenticated] = transition(authMachine, signedOut, signInA);

    const [next, actions] = transition(authMachine, authenticated, {
      type: 'SESSION_UPDATE',
      session: {
        ...sessionA,
        user: { ...sessionA.user, penName: 'renamed' } as typeof sessionA.user,
      },
    });

    expect(actions).toEqual([]);
    expect(next.context).toEqual(authenticated.context);
  });

  it('an older SESSION_UPDATE for the same user (a late refetch) is ignored', () => {
    const [signedOut] = initialTransition(authMachine);
    const [authenticated] = transition(authMachine, signedOut, signInA);

    const [next, actions] = transition(authMachine, authenticated, {
      type: 'SESSION_UPDATE',
      session: session('token-older', NOW + 60_000),
    });

    expect(actions).toEqual([]);
    expect(next.context.accessToken).toBe('token-a');
  });

  it('a SESSION_UPDATE for another user is adopted even if it expires sooner', () => {
    const [signedOut] = initialTransition(authMachine);
    const [authenticated] = transition(authMachine, signedOut, signInA);

    const [next] = transition(authMachine, authenticated, {
      type: 'SESSION_UPDATE',
      session: session('token-bob', NOW + 60_000, bob),
    });

    expect(next.context).toMatchObject({ accessToken: 'token-bob', user: bob });
  });

  it('RETRY starts a reissue', () => {
    const [signedOut] = initialTransition(authMachine);
    const [authenticated] = transition(authMachine, signedOut, signInA);

    const [next, actions] = transition(authMachine, authenticated, { type: 'RETRY' });

    expect(next.value).toEqual({ refreshing: 'reactive' });
    expect(types(actions)).toContain('xstate.spawnChild');
  });

  it('refreshDue starts the proactive reissue before expiry', () => {
    const [signedOut] = initialTransition(authMachine);
    const [authenticated] = transition(authMachine, signedOut, signInA);

    const [next, actions] = transition(authMachine, authenticated, refreshDue());

    expect(next.value).toEqual({ refreshing: 'proactive' });
    expect(types(actions)).toEqual(['xstate.cancel', 'xstate.raise', 'xstate.spawnChild']);
  });

  it('transient failures never stop the proactive retry: after 30 in a row it still reissues, each after a delay of at most 30 s', () => {
    const [signedOut] = initialTransition(authMachine);
    let [snapshot] = transition(authMachine, signedOut, signInA);
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 30; attempt++) {
      [snapshot] = transition(authMachine, snapshot, refreshDue());
      expect(snapshot.value).toEqual({ refreshing: 'proactive' });
      const [failed, actions] = transition(authMachine, snapshot, reissueFailed(new Error('502')));
      snapshot = failed;
      expect(snapshot.value).toEqual({ authenticated: 'active' });
      expect(snapshot.context.retryAttempt).toBe(attempt);
      const scheduled = actions.find((action) => action.type === 'xstate.raise');
      delays.push((scheduled?.params as { delay: number }).delay);
    }

    const [afterDue] = transition(authMachine, snapshot, refreshDue());
    expect(afterDue.value).toEqual({ refreshing: 'proactive' });
    expect(delays.slice(0, RETRY_FAST_MS.length)).toEqual([...RETRY_FAST_MS]);
    expect(Math.min(...delays)).toBeGreaterThan(0);
    expect(Math.max(...delays)).toBeLessThanOrEqual(RETRY_BACKOFF_MAX_MS);
  });
});

describe('refreshing', () => {
  it('TOKEN_REJECTED joins the reissue in flight: no new invoke, no re-entry, no actions', () => {
    const [signedOut] = initialTransition(authMachine);
    const [authenticated] = transition(authMachine, signedOut, signInA);
    const [refreshing] = transition(authMachine, authenticated, rejectA);

    const [next, actions] = transition(authMachine, refreshing, rejectA);
    const [afterStale, staleActions] = transition(authMachine, next, {
      type: 'TOKEN_REJECTED',
      token: 'token-before-a',
    });

    expect(next.value).toEqual({ refreshing: 'reactive' });
    expect(actions).toEqual([]);
    expect(staleActions).toEqual([]);
    expect(afterStale.children.reissue).toBe(refreshing.children.reissue);
    expect(afterStale.context.coalescedCount).toBe(2);
  });

  it('success enters authenticated.refreshed and returns persistSession unexecuted', () => {
    const persistSession = vi.fn();
    const machine = authMachine.provide({ actions: { persistSession } });
    const [signedOut] = initialTransition(machine);
    const [authenticated] = transition(machine, signedOut, signInA);
    const [refreshing] = transition(machine, authenticated, rejectA);
    const output = reissued('token-b', NOW + 2 * FIFTEEN_MINUTES, 'sealed-ticket');

    const [next, actions] = transition(machine, refreshing, reissueDone(output));

    expect(next.value).toEqual({ authenticated: 'refreshed' });
    expect(types(actions)).toEqual([
      'xstate.cancel',
      'xstate.stopChild',
      'xstate.raise',
      'persistSession',
    ]);
    expect(persistSession).not.toHaveBeenCalled();
    expect(next.context).toMatchObject({
      accessToken: 'token-b',
      accessTokenExpiresAt: NOW + 2 * FIFTEEN_MINUTES,
      ticket: 'sealed-ticket',
      error: null,
      retryAttempt: 0,
      reissueCount: 1,
    });
    expect(usableToken(next)).toBe('token-b');
  });

  it('a dead refresh token (SESSION_EXPIRED) ends in expired, keeping the dead token', () => {
    const [signedOut] = initialTransition(authMachine);
    const [authenticated] = transition(authMachine, signedOut, signInA);
    const [refreshing] = transition(authMachine, authenticated, rejectA);

    const [next, actions] = transition(
      authMachine,
      refreshing,
      reissueFailed(new ReissueFailure('SESSION_EXPIRED', 'invalid_grant')),
    );

    expect(next.value).toBe('expired');
    expect(types(actions)).toEqual(['xstate.cancel', 'xstate.stopChild']);
    expect(next.context).toMatchObject({
      accessToken: 'token-a',
      error: { code: 'SESSION_EXPIRED', message: 'invalid_grant' },
    });
    expect(usableToken(next)).toBeNull();
  });

  it('a transient failure returns to authenticated with the error and retryAttempt + 1; the session is kept', () => {
    const [signedOut] = initialTransition(authMachine);
    const [authenticated] = transition(authMachine, signedOut, signInA);
    const [refreshing] = transition(authMachine, authenticated, rejectA);

    const [next, actions] = transition(
      authMachine,
      refreshing,
      reissueFailed(new TypeError('Failed to fetch')),
    );

    expect(next.value).toEqual({ authenticated: 'active' });
    expect(next.context).toMatchObject({
      accessToken: 'token-a',
      error: { code: 'REISSUE_UNAVAILABLE', message: 'Failed to fetch' },
      retryAttempt: 1,
    });
    expect(usableToken(next)).toBe('token-a');
    expect(types(actions)).toEqual(['xstate.cancel', 'xstate.stopChild', 'xstate.raise']);
    expect(actions[2]?.params).toMatchObject({ id: REFRESH_DUE_EVENT, delay: RETRY_FAST_MS[0] });
    expect(types(actions)).not.toContain('signOut');
  });

  it('reissueTimeout returns to authenticated with REISSUE_UNAVAILABLE and stops the reissue', () => {
    const [signedOut] = initialTransition(authMachine);
    const [authenticated] = transition(authMachine, signedOut, signInA);
    const [refreshing] = transition(authMachine, authenticated, rejectA);

    const [next, actions] = transition(authMachine, refreshing, reissueTimedOut());

    expect(next.value).toEqual({ authenticated: 'active' });
    expect(next.context.error).toEqual({
      code: 'REISSUE_UNAVAILABLE',
      message: 'Reissue timed out',
    });
    expect(next.context.retryAttempt).toBe(1);
    expect(types(actions)).toEqual(['xstate.cancel', 'xstate.stopChild', 'xstate.raise']);
    expect(actions[1]?.params).toBe(refreshing.children.reissue);
    expect(next.children).toEqual({});
  });

  it('SESSION_UPDATE(null) signs out and stops the reissue', () => {
    const [signedOut] = initialTransition(authMachine);
    const [authenticated] = transition(authMachine, signedOut, signInA);
    const [refreshing] = transition(authMachine, authenticated, rejectA);

    const [next, actions] = transition(authMachine, refreshing, signedOutUpdate);

    expect(next.value).toBe('signedOut');
    expect(types(actions)).toEqual(['xstate.cancel', 'xstate.stopChild']);
    expect(next.context.signedOutElsewhere).toBe(true);
  });

  it('a newer SESSION_UPDATE does not cancel the reissue in flight, whose result must be persisted', () => {
    const [signedOut] = initialTransition(authMachine);
    const [authenticated] = transition(authMachine, signedOut, signInA);
    const [refreshing] = transition(authMachine, authenticated, rejectA);

    const [next, actions] = transition(authMachine, refreshing, {
      type: 'SESSION_UPDATE',
      session: session('token-b', NOW + 2 * FIFTEEN_MINUTES),
    });

    expect(next.value).toEqual({ refreshing: 'reactive' });
    expect(actions).toEqual([]);
  });
});

describe('expired', () => {
  function expiredSnapshot() {
    const [signedOut] = initialTransition(authMachine);
    const [authenticated] = transition(authMachine, signedOut, signInA);
    const [refreshing] = transition(authMachine, authenticated, rejectA);
    const [expired] = transition(
      authMachine,
      refreshing,
      reissueFailed(new ReissueFailure('SESSION_EXPIRED')),
    );
    return expired;
  }

  it('ignores the stale session that still carries the dead token', () => {
    const expired = expiredSnapshot();

    const [next, actions] = transition(authMachine, expired, signInA);

    expect(next.value).toBe('expired');
    expect(actions).toEqual([]);
  });

  it('ignores TOKEN_REJECTED and RETRY: only a new sign-in helps', () => {
    const expired = expiredSnapshot();

    const [afterReject, rejectActions] = transition(authMachine, expired, rejectA);
    const [afterRetry, retryActions] = transition(authMachine, afterReject, { type: 'RETRY' });

    expect(afterRetry.value).toBe('expired');
    expect([...rejectActions, ...retryActions]).toEqual([]);
  });

  it('accepts a new sign-in', () => {
    const expired = expiredSnapshot();

    const [next, actions] = transition(authMachine, expired, {
      type: 'SESSION_UPDATE',
      session: session('token-new-sign-in', NOW + 2 * FIFTEEN_MINUTES),
    });

    expect(next.value).toEqual({ authenticated: 'active' });
    expect(next.context).toMatchObject({ accessToken: 'token-new-sign-in', error: null });
    expect(types(actions)).toEqual(['xstate.raise']);
  });

  it('SESSION_UPDATE(null) signs out', () => {
    const expired = expiredSnapshot();

    const [next, actions] = transition(authMachine, expired, signedOutUpdate);

    expect(next.value).toBe('signedOut');
    expect(actions).toEqual([]);
    expect(next.context.accessToken).toBeNull();
    expect(next.context.signedOutElsewhere).toBe(true);
  });
});

describe('SIGN_OUT', () => {
  it('from signedOut still calls signOut', () => {
    const [signedOut] = initialTransition(authMachine);

    const [next, actions] = transition(authMachine, signedOut, { type: 'SIGN_OUT' });

    expect(next.value).toBe('signedOut');
    expect(types(actions)).toEqual(['signOut']);
  });

  it('from authenticated signs out, cancels the proactive timer and clears the session', () => {
    const [signedOut] = initialTransition(authMachine);
    const [authenticated] = transition(authMachine, signedOut, signInA);

    const [next, actions] = transition(authMachine, authenticated, { type: 'SIGN_OUT' });

    expect(next.value).toBe('signedOut');
    expect(types(actions)).toEqual(['xstate.cancel', 'signOut']);
    expect(next.context).toMatchObject({
      accessToken: null,
      accessTokenExpiresAt: null,
      user: null,
      ticket: null,
      error: null,
      retryAttempt: 0,
      // This tab's person signed out: nothing to offer in place.
      signedOutElsewhere: false,
    });
  });

  it('from refreshing stops the reissue, and its late result is discarded (signed out wins)', () => {
    const persistSession = vi.fn();
    const machine = authMachine.provide({ actions: { persistSession } });
    const [signedOut] = initialTransition(machine);
    const [authenticated] = transition(machine, signedOut, signInA);
    const [refreshing] = transition(machine, authenticated, rejectA);

    const [next, actions] = transition(machine, refreshing, { type: 'SIGN_OUT' });
    const [late, lateActions] = transition(
      machine,
      next,
      reissueDone(reissued('token-b', NOW + 2 * FIFTEEN_MINUTES, 'ticket')),
    );

    expect(next.value).toBe('signedOut');
    expect(types(actions)).toEqual(['xstate.cancel', 'xstate.stopChild', 'signOut']);
    expect(actions[1]?.params).toBe(refreshing.children.reissue);
    expect(late.value).toBe('signedOut');
    expect(late.context.accessToken).toBeNull();
    expect(lateActions).toEqual([]);
  });

  it('from expired signs out', () => {
    const [signedOut] = initialTransition(authMachine);
    const [authenticated] = transition(authMachine, signedOut, signInA);
    const [refreshing] = transition(authMachine, authenticated, rejectA);
    const [expired] = transition(
      authMachine,
      refreshing,
      reissueFailed(new ReissueFailure('SESSION_EXPIRED')),
    );

    const [next, actions] = transition(authMachine, expired, { type: 'SIGN_OUT' });

    expect(next.value).toBe('signedOut');
    expect(types(actions)).toEqual(['signOut']);
    expect(next.context.error).toBeNull();
  });
});

describe('usableToken', () => {
  it('is the access token only while authenticated', () => {
    const [signedOut] = initialTransition(authMachine);
    const [active] = transition(authMachine, signedOut, signInA);
    const [refreshing] = transition(authMachine, active, rejectA);
    const [refreshed] = transition(
      authMachine,
      refreshing,
      reissueDone(reissued('token-b', NOW + 2 * FIFTEEN_MINUTES, null)),
    );
    const [expired] = transition(
      authMachine,
      refreshing,
      reissueFailed(new ReissueFailure('SESSION_EXPIRED')),
    );

    expect(usableToken(signedOut)).toBeNull();
    expect(usableToken(active)).toBe('token-a');
    expect(usableToken(refreshing)).toBeNull();
    expect(usableToken(refreshed)).toBe('token-b');
    expect(usableToken(expired)).toBeNull();
  });
});
