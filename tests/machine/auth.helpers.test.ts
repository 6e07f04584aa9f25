import { afterEach, describe, expect, it, vi } from 'vitest';
import { initialTransition, transition } from 'xstate';
import {
  MAX_TIMER_DELAY_MS,
  RETRY_BACKOFF_MAX_MS,
  RETRY_FAST_MS,
  authMachine,
  proactiveDelay,
  retryDelay,
  toAuthError,
} from '@/machines/auth.machine';
import { FIFTEEN_MINUTES, NOW, ReissueFailure, session } from './fixtures';

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('toAuthError', () => {
  it('keeps SESSION_EXPIRED and treats every other failure as transient', () => {
    expect(toAuthError(new ReissueFailure('SESSION_EXPIRED', 'revoked'))).toEqual({
      code: 'SESSION_EXPIRED',
      message: 'revoked',
    });
    expect(toAuthError({ code: 'SESSION_EXPIRED', message: 'plain object' })).toEqual({
      code: 'SESSION_EXPIRED',
      message: 'plain object',
    });
    expect(toAuthError(new ReissueFailure('REISSUE_UNAVAILABLE', '503'))).toEqual({
      code: 'REISSUE_UNAVAILABLE',
      message: '503',
    });
    expect(toAuthError(new TypeError('Failed to fetch'))).toEqual({
      code: 'REISSUE_UNAVAILABLE',
      message: 'Failed to fetch',
    });
    expect(toAuthError('boom')).toEqual({ code: 'REISSUE_UNAVAILABLE', message: 'boom' });
  });
});

describe('retryDelay', () => {
  it('retries fast first: every fast retry lands inside a 10 s grace window', () => {
    const fast = RETRY_FAST_MS.map((_, i) => retryDelay(i + 1, 0.5));
    expect(fast).toEqual([250, 1_000, 2_500, 5_000]);
    expect(fast[0]).toBeLessThan(1_000);
    expect(fast.reduce((sum, ms) => sum + ms, 0)).toBeLessThan(10_000);
  });

  it('then backs off, doubling from 10 s to a 30 s cap that jitter never exceeds', () => {
    const after = (attempt: number, random: number) => retryDelay(attempt, random);
    expect([5, 6, 7, 8, 100].map((a) => after(a, 0))).toEqual([
      10_000, 20_000, 30_000, 30_000, 30_000,
    ]);
    expect(after(7, 0.999)).toBeGreaterThanOrEqual(0.8 * RETRY_BACKOFF_MAX_MS);
    expect(after(7, 0.999)).toBeLessThanOrEqual(RETRY_BACKOFF_MAX_MS);
  });

  it('is never zero, so the machine cannot retry in a loop', () => {
    for (let attempt = 1; attempt <= 1_000; attempt++) {
      expect(retryDelay(attempt, 0.999)).toBeGreaterThanOrEqual(RETRY_FAST_MS[0]);
    }
  });
});

describe('proactiveDelay', () => {
  const fresh = { error: null, retryAttempt: 0, clockOffset: 0 };

  it('reissues 60 s before expiry when the token lives 4 minutes or more', () => {
    const context = {
      ...fresh,
      accessTokenReceivedAt: NOW,
      accessTokenExpiresAt: NOW + FIFTEEN_MINUTES,
    };

    expect(proactiveDelay(context, NOW, 0)).toBe(FIFTEEN_MINUTES - 60_000);
    expect(proactiveDelay(context, NOW + 5 * 60_000, 0)).toBe(10 * 60_000 - 60_000);
  });

  it('uses a quarter of the lifetime as the margin for short-lived tokens', () => {
    const context = { ...fresh, accessTokenReceivedAt: NOW, accessTokenExpiresAt: NOW + 120_000 };

    expect(proactiveDelay(context, NOW, 0)).toBe(120_000 - 30_000);
  });

  it('jitter moves the reissue earlier by at most 10 % of the margin', () => {
    const context = {
      ...fresh,
      accessTokenReceivedAt: NOW,
      accessTokenExpiresAt: NOW + FIFTEEN_MINUTES,
    };
    const latest = FIFTEEN_MINUTES - 60_000;

    for (const random of [0, 0.25, 0.5, 0.999999]) {
      const delay = proactiveDelay(context, NOW, random);
      expect(delay).toBeLessThanOrEqual(latest);
      expect(delay).toBeGreaterThanOrEqual(latest - 6_000);
    }
    expect(proactiveDelay(context, NOW, 0.5)).toBe(latest - 3_000);
  });

  it('is 0 for a token that is already inside its margin or expired', () => {
    const context = {
      ...fresh,
      accessTokenReceivedAt: NOW - FIFTEEN_MINUTES,
      accessTokenExpiresAt: NOW - 1,
    };

    expect(proactiveDelay(context, NOW, 0)).toBe(0);
    expect(proactiveDelay({ ...context, accessTokenExpiresAt: NOW + 30_000 }, NOW, 0)).toBe(0);
  });

  it('after transient failures follows the retry schedule instead of waiting for expiry', () => {
    const failing = {
      clockOffset: 0,
      accessTokenReceivedAt: NOW,
      accessTokenExpiresAt: NOW + FIFTEEN_MINUTES,
      error: { code: 'REISSUE_UNAVAILABLE' as const, message: '503' },
    };

    expect(proactiveDelay({ ...failing, retryAttempt: 1 }, NOW, 0.9)).toBe(RETRY_FAST_MS[0]);
    expect(proactiveDelay({ ...failing, retryAttempt: 3 }, NOW, 0.9)).toBe(RETRY_FAST_MS[2]);
    expect(proactiveDelay({ ...failing, retryAttempt: 50 }, NOW, 0)).toBe(RETRY_BACKOFF_MAX_MS);
  });

  it('never exceeds what setTimeout can wait, so a long-lived token cannot cause a reissue loop', () => {
    const year = 365 * 24 * 60 * 60_000;
    const context = { ...fresh, accessTokenReceivedAt: NOW, accessTokenExpiresAt: NOW + year };

    expect(proactiveDelay(context, NOW, 0)).toBe(MAX_TIMER_DELAY_MS);
  });

  it('is what the machine schedules on sign-in', () => {
    vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const [signedOut] = initialTransition(authMachine);

    const [authenticated, actions] = transition(authMachine, signedOut, {
      type: 'SESSION_UPDATE',
      session: session('token-a', NOW + FIFTEEN_MINUTES),
    });

    expect(actions[0]?.params).toMatchObject({
      delay: proactiveDelay(authenticated.context, NOW, 0.5),
    });
  });
});
