/**
 * The machine against a browser clock that is wrong: fake timers drive a simulated API whose
 * clock differs from the browser's by `skew`, from −24 h to +24 h. The API issues 20 s tokens
 * in its own epoch and says its `now`; requests leave through the real token source every
 * 250 ms and are "served a 401" when their token is past the API's expiry. Also a laptop that
 * sleeps 2 h: timers stand still while the wall clock jumps.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createActor, fromPromise } from 'xstate';
import { actorTokenSource } from '@/lib/core/http/actor-token-source';
import { BREAKER_LIMIT, authMachine, type ReissueInput } from '@/machines/auth.machine';
import type { ReissueResult } from '@/machines/auth.types';
import { alice } from './fixtures';

const TOKEN_LIFETIME_MS = 20_000;
const REQUEST_EVERY_MS = 250;
const REISSUE_LATENCY_MS = 80;
const HOUR = 60 * 60_000;
const SERVER_START = Date.UTC(2030, 0, 1);

/** A stand-in API: its clock is the browser's minus `skew`; tokens are valid until their expiry on it. */
function startWorld(skew: number) {
  vi.setSystemTime(SERVER_START + skew);
  const serverNow = () => Date.now() - skew;
  const expiryOf = new Map<string, number>();
  let issued = 0;
  const issue = (): ReissueResult => {
    const accessToken = `token-${issued++}`;
    const accessTokenExpiresAt = serverNow() + TOKEN_LIFETIME_MS;
    expiryOf.set(accessToken, accessTokenExpiresAt);
    return {
      accessToken,
      accessTokenExpiresAt,
      user: alice,
      ticket: null,
      serverNow: serverNow(),
    };
  };
  const reissueTimes: number[] = [];
  const replaced: Array<string | null> = [];
  const machine = authMachine.provide({
    actors: {
      reissue: fromPromise<ReissueResult, ReissueInput>(async ({ input }) => {
        reissueTimes.push(serverNow());
        replaced.push(input.accessToken);
        await new Promise((resolve) => setTimeout(resolve, REISSUE_LATENCY_MS));
        return issue();
      }),
    },
  });
  const actor = createActor(machine).start();
  const first = issue();
  actor.send({ type: 'SESSION_UPDATE', session: first });
  const source = actorTokenSource(actor);
  const served = { ok: 0, unauthorized: 0 };

  /** One request: it takes a token as the interceptor does and "arrives" at once. */
  async function request() {
    const token = source.peek?.() ?? (await source.acquire());
    if (serverNow() < (expiryOf.get(token) ?? 0)) served.ok += 1;
    else served.unauthorized += 1;
  }
  return { actor, request, served, reissueTimes, replaced, serverNow };
}

beforeEach(() => {
  vi.useFakeTimers({
    toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
  });
});

afterEach(() => {
  vi.useRealTimers();
});

const SKEWS = [-24 * HOUR, -10 * 60_000, -90_000, 0, 90_000, 10 * 60_000, 24 * HOUR];

describe('skew-corrected deadlines', () => {
  it.each(SKEWS.map((skew) => [skew / 60_000, skew] as const))(
    'browser clock off by %s min: 3 minutes of traffic, at most one reissue per token lifetime, all before expiry, no 401',
    async (_minutes, skew) => {
      const world = startWorld(skew);
      const start = world.serverNow();
      const duration = 3 * 60_000;

      for (let elapsed = 0; elapsed < duration; elapsed += REQUEST_EVERY_MS) {
        void world.request();
        await vi.advanceTimersByTimeAsync(REQUEST_EVERY_MS);
      }

      expect(world.served.unauthorized).toBe(0);
      expect(world.served.ok).toBe(duration / REQUEST_EVERY_MS);
      // One reissue per token lifetime: each token is replaced once, three quarters into its
      // life (the proactive margin is a quarter of it), never twice and never in a burst.
      expect(new Set(world.replaced).size).toBe(world.replaced.length);
      const perToken = TOKEN_LIFETIME_MS * 0.75; // minus up to 10 % of the margin as jitter
      expect(world.reissueTimes.length).toBeGreaterThanOrEqual(Math.floor(duration / perToken) - 1);
      expect(world.reissueTimes.length).toBeLessThanOrEqual(Math.floor(duration / perToken));
      for (const [index, at] of world.reissueTimes.entries()) {
        const next = world.reissueTimes[index + 1];
        if (next !== undefined) expect(next - at).toBeGreaterThan(TOKEN_LIFETIME_MS * 0.7);
      }
      expect(world.reissueTimes[0]! - start).toBeLessThan(TOKEN_LIFETIME_MS);
      expect(world.actor.getSnapshot().context.clockOffset + skew).toBe(0);
      expect(world.actor.getSnapshot().context.breaker).toBeNull();
      world.actor.stop();
    },
  );
});

describe('wake after sleep', () => {
  it.each([
    ['the next request finds the token dead', false],
    ['the heartbeat noticed the sleep first (WAKE)', true],
  ])(
    'after a 2 h sleep, exactly 1 reissue before the next request, which carries a valid token (%s)',
    async (_name, wakeFirst) => {
      const world = startWorld(10 * 60_000);
      await world.request();
      await vi.advanceTimersByTimeAsync(1_000);
      expect(world.reissueTimes).toHaveLength(0);

      // Sleep: the wall clock jumps 2 h, timers stand still.
      vi.setSystemTime(Date.now() + 2 * HOUR);
      if (wakeFirst) world.actor.send({ type: 'WAKE' });
      const next = world.request();
      await vi.advanceTimersByTimeAsync(REISSUE_LATENCY_MS + 10);
      await next;

      expect(world.reissueTimes).toHaveLength(1);
      expect(world.served).toEqual({ ok: 2, unauthorized: 0 });
      // The proactive timer scheduled before the sleep was cancelled, not fired late.
      await vi.advanceTimersByTimeAsync(TOKEN_LIFETIME_MS / 2);
      expect(world.reissueTimes).toHaveLength(1);
      world.actor.stop();
    },
  );
});

describe('floor and breaker', () => {
  it(`a server whose tokens are born expired gets at most ${BREAKER_LIMIT} proactive reissues, then the breaker stops them and says why`, async () => {
    vi.setSystemTime(SERVER_START);
    let reissues = 0;
    const deadToken = (): ReissueResult => ({
      accessToken: `dead-${reissues}`,
      accessTokenExpiresAt: Date.now() + 1_000,
      user: alice,
      ticket: null,
      // Already inside its margin on arrival: without the floor this would reissue in a loop.
      serverNow: Date.now() + 1_000 - 1,
    });
    const machine = authMachine.provide({
      actors: {
        reissue: fromPromise(async () => {
          reissues += 1;
          return deadToken();
        }),
      },
    });
    const actor = createActor(machine).start();
    actor.send({ type: 'SESSION_UPDATE', session: deadToken() });

    await vi.advanceTimersByTimeAsync(5 * 60_000);

    expect(reissues).toBe(BREAKER_LIMIT);
    expect(actor.getSnapshot().context.breaker?.reason).toMatch(
      new RegExp(`${BREAKER_LIMIT} reissues within 60 s`),
    );
    // A 401 still reissues: only the proactive timer is off.
    actor.send({ type: 'TOKEN_REJECTED', token: actor.getSnapshot().context.accessToken! });
    await vi.advanceTimersByTimeAsync(10);
    expect(reissues).toBe(BREAKER_LIMIT + 1);
    actor.stop();
  });
});
