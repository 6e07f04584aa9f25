/**
 * Pure-transition rows for the `isRefusal` guard: a 401 that says "this route refuses the
 * request" rather than "this token is dead" starts no reissue. Some APIs answer 401 where 403 is
 * meant; without the guard every request to such a route would rotate the refresh token.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { initialTransition, transition } from 'xstate';
import {
  JUST_ISSUED_MS,
  REFUSAL_MEMORY_MS,
  authMachine,
  usableToken,
} from '@/machines/auth.machine';
import { FIFTEEN_MINUTES, NOW, reissueDone, reissued, session } from './fixtures';

const signInA = {
  type: 'SESSION_UPDATE',
  session: session('token-a', NOW + FIFTEEN_MINUTES),
} as const;
const rejectA = { type: 'TOKEN_REJECTED', token: 'token-a' } as const;
/** The retry of a request already rejected once, carrying the token its renewal gave it. */
const rejectBAgain = { type: 'TOKEN_REJECTED', token: 'token-b', afterRenewal: true } as const;
const rejectB = { type: 'TOKEN_REJECTED', token: 'token-b' } as const;

/** Signed in with token-a, rejected, reissued: token-b arrived from this tab's reissue at NOW. */
function justReissued(expiresAt = NOW + 2 * FIFTEEN_MINUTES) {
  const [signedOut] = initialTransition(authMachine);
  const [authenticated] = transition(authMachine, signedOut, signInA);
  const [refreshing] = transition(authMachine, authenticated, rejectA);
  const [refreshed] = transition(
    authMachine,
    refreshing,
    reissueDone(reissued('token-b', expiresAt, 'ticket')),
  );
  return refreshed;
}

beforeEach(() => {
  vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('isRefusal', () => {
  it('a retry rejected right after the reissue that gave its token is a refusal: it stays, starts no reissue, returns no actions, and remembers the token', () => {
    const refreshed = justReissued();
    expect(refreshed.context.reissuedAt).toBe(NOW);
    vi.setSystemTime(NOW + 1_500);

    const [next, actions] = transition(authMachine, refreshed, rejectBAgain);

    expect(next.value).toEqual({ authenticated: 'refreshed' });
    expect(actions).toEqual([]);
    expect(next.children).toEqual({});
    expect(next.context).toMatchObject({
      accessToken: 'token-b',
      refusal: { token: 'token-b', at: NOW + 1_500 },
      refusedCount: 1,
      reissueCount: 1,
      error: null,
    });
    expect(usableToken(next)).toBe('token-b');
  });

  it("the refused token's later 401s are refusals too, for REFUSAL_MEMORY_MS from the first; then the next one reissues", () => {
    const [refused] = transition(authMachine, justReissued(), rejectBAgain);

    vi.setSystemTime(NOW + REFUSAL_MEMORY_MS - 1);
    const [stillRefused, actions] = transition(authMachine, refused, rejectB);
    expect(stillRefused.value).toEqual({ authenticated: 'refreshed' });
    expect(actions).toEqual([]);
    expect(stillRefused.context.refusedCount).toBe(2);
    expect(stillRefused.context.refusal).toEqual({ token: 'token-b', at: NOW });

    vi.setSystemTime(NOW + REFUSAL_MEMORY_MS);
    const [reissuing] = transition(authMachine, stillRefused, rejectB);
    expect(reissuing.value).toEqual({ refreshing: 'reactive' });
  });

  it('the first 401 of a request for a just-reissued token reissues: a revocation right after a reissue is not a refusal', () => {
    const [next] = transition(authMachine, justReissued(), rejectB);

    expect(next.value).toEqual({ refreshing: 'reactive' });
    expect(next.context.refusedCount).toBe(0);
  });

  it('a retry rejected JUST_ISSUED_MS after the reissue reissues again', () => {
    const refreshed = justReissued();
    vi.setSystemTime(NOW + JUST_ISSUED_MS);

    const [next] = transition(authMachine, refreshed, rejectBAgain);

    expect(next.value).toEqual({ refreshing: 'reactive' });
  });

  it("a token that came with a session (a sign-in, another tab's change) is not just issued by this tab: its retry's 401 reissues", () => {
    const [signedOut] = initialTransition(authMachine);
    const [authenticated] = transition(authMachine, signedOut, signInA);
    expect(authenticated.context.reissuedAt).toBeNull();

    const [next] = transition(authMachine, authenticated, { ...rejectA, afterRenewal: true });

    expect(next.value).toEqual({ refreshing: 'reactive' });
  });

  it('a just-reissued token within its safety margin of expiry is never a refusal: it may simply have run out', () => {
    const refreshed = justReissued(NOW + 5_000);
    // 5 s token: the safety margin is 0.5 s.
    vi.setSystemTime(NOW + 4_500);

    const [next] = transition(authMachine, refreshed, rejectBAgain);

    expect(next.value).toEqual({ refreshing: 'reactive' });
  });

  it('a stale token, even on a retry, changes nothing: the request retries with the current one', () => {
    const refreshed = justReissued();

    const [next, actions] = transition(authMachine, refreshed, { ...rejectA, afterRenewal: true });

    expect(next).toBe(refreshed);
    expect(actions).toEqual([]);
  });

  it('a new token, reissued or from another tab, forgets the refusal', () => {
    const [refused] = transition(authMachine, justReissued(), rejectBAgain);
    const newer = session('token-c', NOW + 3 * FIFTEEN_MINUTES);

    const [adopted] = transition(authMachine, refused, { type: 'SESSION_UPDATE', session: newer });

    expect(adopted.context).toMatchObject({
      accessToken: 'token-c',
      refusal: null,
      reissuedAt: null,
    });
    expect(adopted.context.refusedCount).toBe(1);
  });
});
